import type { ReturnReceiptResume } from './carry-over';
import type { CaseState } from './state/case-state';
import { awaitReturnReceipt } from './steps/warehouse';
import { refundReturned } from './playbooks/refused';
import { exchangeOrRefund } from './playbooks/return-exchange';
import { resolveCase } from './steps/resolution';

/**
 * A run that continued as new while waiting for a return (入庫) goes on here: it keeps checking the
 * warehouse (and may cut again), then does what the playbook would have done once it came.
 */
export async function resumeReturnReceipt(state: CaseState, at: ReturnReceiptResume): Promise<void> {
  await awaitReturnReceipt(state, at.returnOrderNo, at);
  const then = at.then;
  if (then.kind === 'resolve') await resolveCase(state, then.outcome, then.summary, 'case.resolved');
  else if (then.kind === 'refund-returned') await refundReturned(state, then.why);
  else await exchangeOrRefund(state);
}
