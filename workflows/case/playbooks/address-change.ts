import type { DeliveryAddress } from '../../../domain/types';
import type { CaseState } from '../state/case-state';
import { instructCarrier } from '../steps/carrier';
import { awaitReturnReceipt, expectReturn, reship, returnReceiptCut } from '../steps/warehouse';
import { handOver } from '../steps/hand-over';
import { itemsOf } from '../steps/warehouse';
import { resolveOnDelivery, type AfterDelivery } from '../delivery-wait';
import { acknowledgeCustomer, notifyCustomer } from '../steps/customer';
import { resolveCase } from '../steps/resolution';

/**
 * ADDRESS_CHANGE (改址): ask the carrier to redirect (SF serviceCode 1, Kuaidi100 MODIFY_ADDR);
 * when it refuses (already out for delivery, or a carrier without redirects), fall back: intercept
 * the parcel back to the warehouse and reship the part to the new address.
 */
export async function addressChangePlaybook(state: CaseState): Promise<void> {
  await acknowledgeCustomer(state);
  const address = state.input.newAddress;
  if (!address) {
    await handOver(state, 'no new address on the case: ask the customer');
    return;
  }
  const redirected = await instructCarrier(state, 'redirect', 'customer asked for a new delivery address', address);
  if (redirected.outcome === 'accepted') {
    await notifyCustomer(state, 'redirected', 'case.redirected', { address: addressText(address) });
    await awaitDelivery(state, 'redirected: waiting for delivery at the new address', {
      outcome: 'redirected',
      summary: `delivered to the new address (${redirected.reference})`,
      template: 'case.delivered',
    });
    return;
  }
  await fallBackToReship(state, address, `redirect ${redirected.outcome}`);
}

/** Intercept + reship to the new address: the parcel returns to the warehouse meanwhile. */
async function fallBackToReship(state: CaseState, address: DeliveryAddress, why: string): Promise<void> {
  state.record('playbook.fallback', `${why}: intercepting and reshipping to the new address`, { why });
  const intercepted = await instructCarrier(state, 'intercept', 'address change: send the parcel back');
  if (intercepted.outcome !== 'accepted') {
    await handOver(state, `${why}, and the intercept was ${intercepted.outcome}: arrange delivery with the customer`);
    return;
  }
  if (!itemsOf(state).length) {
    await handOver(state, `${why}: no items on record to reship`);
    return;
  }
  const shipped = await reship(state, itemsOf(state), 'address change: reship to the new address', { address });
  if (shipped.outcome !== 'created') {
    await handOver(state, `reship ${shipped.outcome}: ${shipped.detail}`);
    return;
  }
  const order = await expectReturn(state, itemsOf(state), 'intercepted for an address change', { pickup: false });
  const summary = `reshipped to the new address as ${shipped.waybillNo}; ${order ? 'the original came back' : 'the original is on its way back (no return order)'}`;
  if (order) await awaitReturnReceipt(state, order.returnOrderNo, returnReceiptCut(order.returnOrderNo, { kind: 'resolve', outcome: 'reshipped', summary }));
  await resolveCase(state, 'reshipped', summary, 'case.resolved');
}

/** Waits for delivery (a continue-as-new point), then resolves the case as `then` says. */
export async function awaitDelivery(state: CaseState, why: string, then: Pick<AfterDelivery, 'outcome' | 'summary' | 'template'>): Promise<void> {
  state.setStatus('WAITING_CARRIER', why);
  await resolveOnDelivery(state, { label: 'delivery', stopHandlingClock: true, ...then });
}

export const addressText = (address: DeliveryAddress): string => `${address.province}${address.city}${address.district}${address.detail}（${address.name}）`;
