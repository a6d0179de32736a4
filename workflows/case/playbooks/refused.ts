import type { CaseState } from '../state/case-state';
import { ContinueAsNewRequested, continueAsNewDue } from '../continue-as-new';
import { WORKING_CLOCKS } from '../state/sla-clocks';
import { instructCarrier } from '../steps/carrier';
import { refund } from '../steps/payments';
import { awaitReturnReceipt, expectReturn, returnReceiptCut } from '../steps/warehouse';
import { handOver } from '../steps/hand-over';
import { goodsValueOf } from '../steps/payments';
import { itemsOf } from '../steps/warehouse';
import { acknowledgeCustomer, notifyCustomer } from '../steps/customer';
import { resolveCase } from '../steps/resolution';
import { addressText, awaitDelivery } from './address-change';

/**
 * REFUSED / failed delivery (拒簽 / 派件異常): ask the customer what they want — redeliver,
 * redirect, or return — with the clocks paused while the choice is theirs. No answer within the
 * customer window means the parcel goes back (the carrier will not hold it forever).
 */
export async function refusedPlaybook(state: CaseState): Promise<void> {
  await acknowledgeCustomer(state);
  await notifyCustomer(state, 'delivery-failed', 'case.delivery_failed');
  state.awaitRemedy({ since: new Date().toISOString(), options: ['redeliver', 'redirect', 'return'] });
  for (const clock of WORKING_CLOCKS) state.clocks.pause(clock, 'WAITING_CUSTOMER');
  state.setStatus('WAITING_CUSTOMER', 'waiting for the customer to choose: redeliver, redirect or return');
  await awaitRemedy(state, Date.now() + state.policy.evidence.windowMs);
}

/**
 * The customer's window to choose can be long (days), with scans and notes growing the history:
 * the wait is a continue-as-new point, and the next run waits out the same window. Then the choice
 * is carried out (a return when none came).
 */
export async function awaitRemedy(state: CaseState, until: number): Promise<void> {
  let chose: boolean;
  let cutting = false;
  try {
    const met = await state.waitUntil(() => state.data.remedy !== undefined || continueAsNewDue(state), until - Date.now(), 'customer choice');
    chose = met && state.data.remedy !== undefined;
    if (met && !chose) {
      cutting = true; // the customer still has the choice in the next run
      throw new ContinueAsNewRequested({ phase: 'remedy', until });
    }
  } finally {
    // Also when an agent resolves or cancels meanwhile: the choice is no longer the customer's.
    if (!cutting) state.endRemedyWait();
  }
  for (const clock of WORKING_CLOCKS) state.clocks.resume(clock);
  if (!chose) state.record('customer.no_choice', 'no choice within the customer window: returning the parcel', {});
  state.setStatus('IN_PROGRESS', chose ? `customer chose ${state.data.remedy?.choice}` : 'no answer: returning the parcel');

  const choice = state.data.remedy?.choice ?? 'return';
  if (choice === 'redeliver') {
    const answer = await instructCarrier(state, 'redeliver', 'customer asked for another delivery attempt');
    if (answer.outcome === 'accepted') {
      await notifyCustomer(state, 'redelivery', 'case.redelivery');
      await awaitDelivery(state, 'redelivery booked: waiting for delivery', {
        outcome: 'redelivered',
        summary: 'delivered on the second attempt',
        template: 'case.delivered',
      });
      return;
    }
  } else if (choice === 'redirect' && state.data.remedy?.newAddress) {
    const answer = await instructCarrier(state, 'redirect', 'customer asked for a new address', state.data.remedy.newAddress);
    if (answer.outcome === 'accepted') {
      await notifyCustomer(state, 'redirected', 'case.redirected', { address: addressText(state.data.remedy.newAddress) });
      await awaitDelivery(state, 'redirected: waiting for delivery', {
        outcome: 'redirected',
        summary: 'delivered to the new address',
        template: 'case.delivered',
      });
      return;
    }
  }
  await returnToSender(state, choice === 'return' ? 'customer chose return' : `${choice} not possible`);
}

async function returnToSender(state: CaseState, why: string): Promise<void> {
  const answer = await instructCarrier(state, 'return', why);
  if (answer.outcome !== 'accepted') {
    await handOver(state, `return ${answer.outcome}: arrange the parcel's way back`);
    return;
  }
  const order = await expectReturn(state, itemsOf(state), `refused delivery: ${why}`, { pickup: false });
  if (!order) {
    // Nothing to wait for means nothing to refund against: a person checks the parcel came back.
    await handOver(state, 'the warehouse did not open a return order');
    return;
  }
  await awaitReturnReceipt(state, order.returnOrderNo, returnReceiptCut(order.returnOrderNo, { kind: 'refund-returned', why }));
  await refundReturned(state, why);
}

/** The parcel is back in the warehouse: refund its value and resolve (also after a resume). */
export async function refundReturned(state: CaseState, why: string): Promise<void> {
  const value = goodsValueOf(state);
  if (value && !(await refund(state, value, `${state.caseId} refused delivery refund`))) {
    await handOver(state, 'refund failed');
    return;
  }
  await resolveCase(state, 'returned', `returned to the warehouse (${why})${value ? ' and refunded' : ''}`, 'case.resolved');
}
