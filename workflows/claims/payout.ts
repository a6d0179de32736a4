import { ActivityFailure, condition } from '@temporalio/workflow';
import { type ClaimView, approversFor } from '../../domain/claim';
import { type ApprovalTier, formatYuan } from '../../domain/compensation';
import { DEFAULT_PAYOUT_DECISION_WINDOW_MS } from '../../domain/sla-policy';
import { failureDetail, payments } from '../activity-proxies';
import { atLeastSupervisor } from './assessment';
import type { ClaimDecision, ClaimProgress, ClaimSettlementInput } from './contract';

/**
 * Paying an approved claim out through the payments system, and what happens when the payout
 * fails: a supervisor decides to retry or reject.
 */

type Report = (kind: string, summary: string, data?: Record<string, unknown>, actor?: ClaimProgress['event']['actor']) => Promise<void>;

/** Pays the approved amount; returns whether the customer has the money. */
export async function payOut(
  input: ClaimSettlementInput,
  view: ClaimView,
  amountFen: number,
  tier: ApprovalTier,
  report: Report,
  decisions: { clear(): void; get(): ClaimDecision | undefined },
): Promise<boolean> {
  const keys: string[] = [];
  for (let attempt = 1; ; attempt++) {
    // The first key is the one claims always used; a retry's key names its attempt.
    const key = attempt === 1 ? `${input.claimId}:payout` : `${input.claimId}:payout:${attempt}`;
    view.status = 'PAYING';
    delete view.payoutDecision;
    // No decision is taken while paying; one arriving once the failure is reported must count.
    decisions.clear();
    if (attempt > 1) {
      view.payoutAttempts = attempt;
      delete view.payoutFailure;
    }
    await report('claim.paying', `paying ${formatYuan(amountFen)} to ${input.payeeId}`, {
      amountFen,
      ...(attempt > 1 ? { attempt, idempotencyKey: key } : {}),
    });
    // Who may retry or reject once it fails: set before the failure is reported, so the case
    // offers the decision as soon as it shows the failure.
    const failed = (why: string) => {
      view.status = 'PAYOUT_FAILED';
      view.payoutFailure = why;
      view.payoutAttempts = attempt;
      view.approvers = approversFor(atLeastSupervisor(tier));
      // The case's playbook waits for the decision instead of handing the claim over as ended.
      view.payoutDecision = 'awaited';
    };
    try {
      const payout = await payments.payCustomer({
        idempotencyKey: key,
        caseId: input.caseId,
        payeeId: input.payeeId,
        amountFen,
        reason: `${input.caseId} ${input.proposal.reason}`.slice(0, 200),
        ...(keys.length ? { earlierKeys: [...keys] } : {}),
      });
      if (payout.status === 'SUCCEEDED') {
        view.status = 'PAID';
        view.payout = { payoutId: payout.payoutId, at: new Date().toISOString(), amountFen: payout.amountFen };
        await report('claim.paid', `${formatYuan(payout.amountFen)} paid (${payout.payoutId})`, {
          payoutId: payout.payoutId,
          amountFen: payout.amountFen,
          replayed: payout.replayed,
        });
        return true;
      }
      const failure = `payout ${payout.payoutId} ${payout.status}${payout.failureCode ? `: ${payout.failureCode} ${payout.failureMessage ?? ''}` : ''}`;
      failed(failure);
      await report('claim.payout_failed', failure, { payoutId: payout.payoutId, status: payout.status, idempotencyKey: key, approvers: view.approvers });
    } catch (error) {
      // A non-retryable refusal (the key already paid elsewhere, a request the payments system
      // rejects) is a failed payout like any other: a supervisor decides.
      if (!(error instanceof ActivityFailure)) throw error;
      const failure = failureDetail(error);
      failed(failure);
      await report('claim.payout_failed', `payout failed: ${failure}`, { idempotencyKey: key, error: failure, approvers: view.approvers });
    }
    keys.push(key);

    // A supervisor decides (the case escalated to them): retry, or reject the claim.
    const decided = decisions.get;
    const windowMs = input.policy.claims.payoutDecisionWindowMs ?? DEFAULT_PAYOUT_DECISION_WINDOW_MS;
    if (!(await condition(() => decided() !== undefined, windowMs))) {
      view.payoutDecision = 'lapsed';
      await report('claim.payout_decision_lapsed', 'no decision on the failed payout: the claim stays PAYOUT_FAILED', {});
      return false;
    }
    const made = decided() as ClaimDecision;
    if (made.decision === 'reject') {
      delete view.payoutDecision;
      view.status = 'REJECTED';
      view.rejectedBy = made.actor.id;
      view.rejectionReason = made.reason ?? 'rejected after a failed payout';
      await report(
        'claim.rejected',
        `rejected by ${made.actor.id} after a failed payout: ${view.rejectionReason}`,
        { reason: view.rejectionReason },
        made.actor,
      );
      return false;
    }
    await report(
      'claim.payout_retry_approved',
      `${made.actor.id} retries the payout`,
      { attempt: attempt + 1, ...(made.reason ? { note: made.reason } : {}) },
      made.actor,
    );
  }
}
