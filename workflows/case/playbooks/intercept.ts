import type { CaseState } from '../state/case-state';
import { instructCarrier } from '../steps/carrier';
import { refund } from '../steps/payments';
import { awaitReturnReceipt, expectReturn } from '../steps/warehouse';
import { handOver } from '../steps/hand-over';
import { goodsValueOf } from '../steps/payments';
import { itemsOf } from '../steps/warehouse';
import { acknowledgeCustomer, notifyCustomer } from '../steps/customer';
import { resolveCase } from '../steps/resolution';

/**
 * INTERCEPT (攔截): the order was cancelled, fraudulent or shipped wrong. Ask the carrier to
 * intercept and return the parcel; when it refuses (out for delivery, delivered), fall back to a
 * return pickup from the customer. Either way: wait for the warehouse receipt (退件入庫 ≤ 24 h),
 * then refund the goods' value.
 */
export async function interceptPlaybook(state: CaseState): Promise<void> {
  await acknowledgeCustomer(state);
  const answer = await instructCarrier(state, 'intercept', state.input.description.slice(0, 200));
  let pickup = false;
  if (answer.outcome === 'accepted') {
    await notifyCustomer(state, 'intercepted', 'case.intercepted');
  } else {
    pickup = true;
    state.record('playbook.fallback', `intercept ${answer.outcome}: booking a return pickup from the customer instead`, { why: answer.detail });
  }
  const order = await expectReturn(state, itemsOf(state), pickup ? 'intercept refused: return pickup' : 'intercepted parcel', { pickup });
  if (!order) {
    await handOver(state, 'the warehouse did not open a return order');
    return;
  }
  await awaitReturnReceipt(state, order.returnOrderNo);
  const value = goodsValueOf(state);
  if (value && !(await refund(state, value, `${state.caseId} intercepted order refund`))) {
    await handOver(state, 'refund failed');
    return;
  }
  await resolveCase(
    state,
    pickup ? 'returned' : 'intercepted',
    `${pickup ? 'returned by pickup after a refused intercept' : 'intercepted and returned'}; ${value ? 'refunded' : 'no refund due'}`,
    'case.resolved',
  );
}
