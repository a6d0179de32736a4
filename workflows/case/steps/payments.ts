import { ActivityFailure, isCancellation } from '@temporalio/workflow';
import { formatYuan } from '../../../domain/compensation';
import { failureDetail, payments } from '../../activity-proxies';
import type { CaseState } from '../state/case-state';
import { notifyCustomer } from './customer';

/**
 * Moving money to the customer outside a claim: refunds.
 */

/** The value of the goods in this shipment: what a refund returns and a loss is worth. */
export const goodsValueOf = (state: CaseState): number | undefined => state.input.orderValue ?? state.input.declaredValue;

/**
 * Refunds the goods' value to the customer, once per case step. Returns false when the payments
 * system refused it (a FAILED payout, or a non-retryable error such as a key already used): the
 * playbook hands the case over; a failed refund never fails the whole case.
 */
export async function refund(state: CaseState, amountFen: number, reason: string, step = 'refund'): Promise<boolean> {
  const key = `${state.caseId}:${step}`;
  let payout: Awaited<ReturnType<typeof payments.payCustomer>>;
  try {
    payout = await payments.payCustomer({ idempotencyKey: key, caseId: state.caseId, payeeId: state.input.customer.id, amountFen, reason });
  } catch (error) {
    if (!(error instanceof ActivityFailure) || isCancellation(error)) throw error;
    const detail = failureDetail(error);
    state.record('payment.refund_failed', `refund failed: ${detail}`, { key, amountFen, error: detail });
    return false;
  }
  if (payout.status !== 'SUCCEEDED') {
    state.record('payment.refund_failed', `refund ${payout.payoutId} ${payout.status}`, { key, payoutId: payout.payoutId, status: payout.status });
    return false;
  }
  state.record('payment.refunded', `${formatYuan(amountFen)} refunded (${payout.payoutId})`, {
    key,
    payoutId: payout.payoutId,
    amountFen,
    replayed: payout.replayed,
  });
  await notifyCustomer(state, step, 'case.refunded', { amountText: formatYuan(amountFen) });
  return true;
}
