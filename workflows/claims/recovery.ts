import { sleep } from '@temporalio/workflow';
import type { ClaimView } from '../../domain/claim';
import { formatYuan } from '../../domain/compensation';
import { carriers } from '../activity-proxies';
import type { ClaimSettlementInput } from './contract';

/**
 * After the customer is paid: recovering the amount from whoever caused the loss (the carrier's
 * claim, or a supplier chargeback).
 */

export async function recover(
  input: ClaimSettlementInput,
  view: ClaimView,
  report: (kind: string, summary: string, data?: Record<string, unknown>) => Promise<void>,
): Promise<void> {
  const recovery = view.recovery;
  if (!recovery || recovery.from === 'none' || !recovery.recoverableFen) return;
  if (recovery.from === 'supplier') {
    // Supplier recovery is a debit on the supplier's next settlement: recorded for finance.
    recovery.status = 'REQUESTED';
    await report('claim.recovery_requested', `${formatYuan(recovery.recoverableFen)} to recover from the supplier`, {
      recoverableFen: recovery.recoverableFen,
    });
    return;
  }
  const filed = await carriers.fileCarrierClaim({
    idempotencyKey: `${input.claimId}:carrier-claim`,
    carrier: input.carrier,
    waybillNo: input.waybillNo,
    amountFen: recovery.recoverableFen,
    reason: view.reason,
  });
  if (filed.outcome === 'refused') {
    recovery.status = 'REFUSED';
    await report('claim.recovery_refused', `carrier refused the claim: ${filed.message}`, { code: filed.code, message: filed.message });
    return;
  }
  recovery.status = 'FILED';
  recovery.claimNo = filed.reference;
  await report('claim.recovery_filed', `carrier claim ${filed.reference} filed for ${formatYuan(recovery.recoverableFen)}`, { claimNo: filed.reference });

  const { recoveryPollIntervalMs, recoveryMaxPolls } = input.policy.claims;
  for (let poll = 1; poll <= recoveryMaxPolls; poll++) {
    await sleep(recoveryPollIntervalMs);
    const status = await carriers.getCarrierClaimStatus({ carrier: input.carrier, claimNo: filed.reference });
    if (status.status === 'accepted' && recovery.status !== 'ACCEPTED') {
      recovery.status = 'ACCEPTED';
      await report('claim.recovery_accepted', `carrier accepted claim ${filed.reference}`, { claimNo: filed.reference });
    } else if (status.status === 'paid') {
      recovery.status = 'RECOVERED';
      recovery.recoveredFen = status.paidAmountFen ?? recovery.recoverableFen;
      await report('claim.recovered', `${formatYuan(recovery.recoveredFen)} recovered from the carrier`, {
        claimNo: filed.reference,
        recoveredFen: recovery.recoveredFen,
      });
      return;
    } else if (status.status === 'rejected') {
      recovery.status = 'REFUSED';
      await report('claim.recovery_refused', `carrier rejected claim ${filed.reference}${status.detail ? `: ${status.detail}` : ''}`, {
        claimNo: filed.reference,
      });
      return;
    }
  }
  recovery.status = 'UNRESOLVED';
  await report('claim.recovery_unresolved', `claim ${filed.reference} not settled after ${recoveryMaxPolls} checks: finance follows up`, {
    claimNo: filed.reference,
  });
}
