import { condition, setHandler } from '@temporalio/workflow';
import { type ClaimView, approversFor } from '../../domain/claim';
import { approvalTier, formatYuan, mayApprove } from '../../domain/compensation';
import { assess, atLeastSupervisor } from './assessment';
import { claimFigures, recordClaimRow, tellCase } from './claim-records';
import { type ClaimDecision, type ClaimProgress, type ClaimSettlementInput, claimDecisionSignal, claimViewQuery } from './contract';
import { verifyLoss } from './loss-verification';
import { payOut } from './payout';
import { screenPayout, screensPayouts } from './payout-screening';
import { recover } from './recovery';

/**
 * One claim, from proposal to money in the customer's account and back from the carrier:
 *
 *   verify the trajectory (lost parcels) → calculate (domain/compensation) → approve (auto below
 *   the agent's limit, else a supervisor or expert) → pay the customer first (先行賠付, one
 *   idempotency key: never twice) → file the carrier claim and track recovery.
 *
 * The case workflow waits for the customer to be paid; recovery may take longer than the case
 * and goes on after it closes (the child is abandoned, not terminated, when the case ends).
 */

export async function claimSettlementWorkflow(input: ClaimSettlementInput): Promise<ClaimView> {
  const { proposal, policy } = input;
  const view: ClaimView = {
    claimId: input.claimId,
    status: input.verifyTrajectory ? 'VERIFYING' : 'PROPOSED',
    kind: proposal.kind,
    proposedBy: input.proposedBy.id,
    proposedAt: new Date().toISOString(),
    reason: proposal.reason,
    actualLossFen: proposal.actualLossFen,
    ...(proposal.damagedShare !== undefined ? { damagedShare: proposal.damagedShare } : {}),
    ...(input.earlier ? { earlier: input.earlier } : {}),
  };
  let decision: ClaimDecision | undefined;
  setHandler(claimDecisionSignal, (received) => {
    decision ??= received;
  });
  setHandler(claimViewQuery, () => view);

  const report = async (kind: string, summary: string, data: Record<string, unknown> = {}, actor?: ClaimProgress['event']['actor']) => {
    await recordClaimRow(input, view);
    await tellCase(input.caseId, { view: { ...view }, event: { kind, summary, data, ...(actor ? { actor } : {}) } });
  };

  await report(
    'claim.proposed',
    `${proposal.kind} claim for ${formatYuan(proposal.actualLossFen)}: ${proposal.reason}`,
    {
      claimId: input.claimId,
      ...proposal,
    },
    input.proposedBy,
  );

  // 1. Lost parcels: the trajectory must show the loss (or the carrier confirm it) before paying.
  if (input.verifyTrajectory) {
    const verdict = await verifyLoss(input);
    if (verdict.found) {
      view.status = 'REJECTED';
      view.rejectionReason = 'the parcel moved again: not lost';
      await report('claim.rejected', 'parcel found: the claim is withdrawn', { lastScan: verdict.lastScan ?? null });
      return view;
    }
    view.status = 'PROPOSED';
    await report('claim.verified', verdict.summary, { lastScan: verdict.lastScan ?? null, carrierConfirmed: verdict.carrierConfirmed });
  }

  // 2. How much (智能定損): goodwill is paid as proposed; losses and damage by the calculator.
  const assessment = assess(input);
  view.amountFen = assessment.amountFen;
  view.ceilingFen = assessment.ceilingFen;
  view.basis = assessment.basis;
  view.explanation = assessment.explanation;
  view.recovery = { from: assessment.recoverableFen > 0 ? input.recoverFrom : 'none', status: 'NOT_STARTED', recoverableFen: assessment.recoverableFen };

  // 3. Approval: below the agent's limit it is automatic; above it the case escalates to the
  // owner of that limit (the case workflow does that on seeing AWAITING_APPROVAL). A claim the
  // calculator could not decide (needsReview) always goes to a person, who sets the amount.
  let amountFen = assessment.amountFen;
  let tier = assessment.needsReview
    ? atLeastSupervisor(approvalTier(amountFen, policy.claims.approvalLimits))
    : approvalTier(amountFen, policy.claims.approvalLimits);
  // Four eyes: above the policy's threshold nobody pays alone.
  const secondPersonAbove = policy.claims.secondPersonAboveFen;
  if (tier === 'auto' && secondPersonAbove !== undefined && amountFen > secondPersonAbove) {
    tier = atLeastSupervisor(tier);
  }
  // Screening: whoever the agent typed as the customer is paid only if the OMS names them for the
  // waybill, and one agent or one payee gets only so much a day without a second person.
  if (tier === 'auto' && screensPayouts(policy.claims)) {
    const verdict = await screenPayout(input, amountFen);
    if (!verdict.automatic) {
      tier = atLeastSupervisor(tier);
      view.secondPersonReasons = verdict.reasons;
    }
  }
  if (tier === 'auto') {
    view.status = 'APPROVED';
    view.approvalTier = tier;
    view.approvers = [];
    view.approvedBy = 'auto';
    await report('claim.approved', `${formatYuan(amountFen)} approved automatically (within the agent limit)`, claimFigures(view));
  } else {
    for (;;) {
      view.status = 'AWAITING_APPROVAL';
      view.approvalTier = tier;
      view.approvers = approversFor(tier);
      // Cleared before the case hears of the wait, so a decision arriving at once is not lost.
      decision = undefined;
      const why = view.secondPersonReasons?.length ? ` (${view.secondPersonReasons.join(', ')})` : '';
      await report('claim.awaiting_approval', `${formatYuan(amountFen)} needs ${tier} approval${why}`, {
        ...claimFigures(view),
        ...(view.secondPersonReasons ? { secondPersonReasons: view.secondPersonReasons } : {}),
      });
      await condition(() => decision !== undefined);
      const made = decision as unknown as ClaimDecision;
      if (made.decision === 'reject') {
        view.status = 'REJECTED';
        view.rejectedBy = made.actor.id;
        view.rejectionReason = made.reason ?? 'rejected';
        await report('claim.rejected', `rejected by ${made.actor.id}: ${view.rejectionReason}`, { reason: view.rejectionReason }, made.actor);
        return view;
      }
      if (made.amountFen !== undefined) {
        amountFen = made.amountFen;
        view.amountFen = amountFen;
        view.explanation = [...(view.explanation ?? []), `审批人${made.actor.id}核定金额${formatYuan(amountFen)}`];
        // Above the calculator only an expert with a reason (the case's validator checks): recorded.
        if (amountFen > assessment.ceilingFen) {
          view.override = { by: made.actor.id, reason: made.reason ?? '', ceilingFen: assessment.ceilingFen, amountFen };
          view.explanation = [...view.explanation, `超出核算金额${formatYuan(assessment.ceilingFen)}，专家核准理由：${made.reason ?? ''}`];
        } else {
          delete view.override;
        }
      }
      if (amountFen > 0 && mayApprove(made.actor.role, amountFen, policy.claims.approvalLimits)) {
        view.status = 'APPROVED';
        view.approvedBy = made.actor.id;
        await report('claim.approved', `${formatYuan(amountFen)} approved by ${made.actor.id}`, claimFigures(view), made.actor);
        break;
      }
      // The approver set an amount above their own limit (or none at all): it goes up again.
      tier = atLeastSupervisor(approvalTier(amountFen, policy.claims.approvalLimits));
      if (amountFen > 0 && made.actor.role === 'supervisor' && tier === 'supervisor') tier = 'expert';
    }
  }

  // 4. Pay the customer first (先行賠付). The key is the claim's: one claim, one payout, ever. A
  // payout that fails waits for a supervisor: approving again retries it under a new key (which
  // first checks the earlier keys, so it never pays beside a payout already made), rejecting ends it.
  const paid = await payOut(input, view, amountFen, tier, report, {
    clear: () => {
      decision = undefined;
    },
    get: () => decision,
  });
  if (!paid) return view;

  // 5. Recover from whoever caused the loss.
  await recover(input, view, report);
  return view;
}
