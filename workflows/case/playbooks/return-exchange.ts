import type { CaseState } from '../state/case-state';
import { refund } from '../steps/payments';
import { awaitReturnReceipt, expectReturn, reship, returnReceiptCut } from '../steps/warehouse';
import { handOver } from '../steps/hand-over';
import { goodsValueOf } from '../steps/payments';
import { itemsOf } from '../steps/warehouse';
import { acknowledgeCustomer } from '../steps/customer';
import { resolveCase } from '../steps/resolution';

/**
 * RETURN_EXCHANGE (退換貨物流): book the return pickup (reverse order), wait for the warehouse
 * receipt, then ship the exchange part or refund. An exchange the warehouse cannot fill (no stock)
 * becomes a refund.
 */
export async function returnExchangePlaybook(state: CaseState): Promise<void> {
  await acknowledgeCustomer(state);
  const items = itemsOf(state);
  const order = await expectReturn(state, items, 'customer return / exchange', { pickup: true });
  if (!order) {
    await handOver(state, 'the warehouse did not open a return order');
    return;
  }
  await awaitReturnReceipt(state, order.returnOrderNo, returnReceiptCut(order.returnOrderNo, { kind: 'exchange-or-refund' }));
  await exchangeOrRefund(state);
}

/** The return is in the warehouse: ship the exchange part, or refund (also after a resume). */
export async function exchangeOrRefund(state: CaseState): Promise<void> {
  const items = itemsOf(state);
  if ((state.input.returnRemedy ?? 'exchange') === 'exchange' && items.length) {
    const shipped = await reship(state, items, 'exchange for a returned part');
    if (shipped.outcome === 'created') {
      await resolveCase(state, 'exchanged', `exchange part shipped as ${shipped.waybillNo}`, 'case.resolved');
      return;
    }
    if (shipped.outcome === 'unknown') {
      // The WMS may have shipped it: a refund now could pay for a part the customer receives.
      await handOver(state, `exchange reship outcome unknown (${shipped.detail}): check with the warehouse before any refund`);
      return;
    }
    state.record('playbook.fallback', `exchange ${shipped.outcome}: refunding instead`, { why: shipped.detail });
  }
  const value = goodsValueOf(state);
  if (!value) {
    await handOver(state, 'no value on record to refund');
    return;
  }
  if (!(await refund(state, value, `${state.caseId} return refund`))) {
    await handOver(state, 'refund failed');
    return;
  }
  await resolveCase(state, 'refunded', 'return received and refunded', 'case.resolved');
}
