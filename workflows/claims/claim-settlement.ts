import {
  ActivityFailure,
  condition,
  getExternalWorkflowHandle,
  log,
  patched,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import { approversFor, type ClaimView } from '../../domain/claim';
type ApprovalTier = NonNullable<ClaimView['approvalTier']>;
import { approvalTier, computeCompensation, formatYuan, mayApprove, roundFen } from '../../domain/compensation';
import { DEFAULT_PAYOUT_DECISION_WINDOW_MS } from '../../domain/sla-policy';
import { formatDuration } from '../../domain/durations';
import { isMovement, type TrackingEvent } from '../../domain/tracking';
import { storeRejection } from '../store-rejection';
import {
  claimDecisionSignal,
  claimProgressSignal,
  claimViewQuery,
  type ClaimDecision,
  type ClaimProgress,
  type ClaimSettlementInput,
} from './contract';
import { carriers, failureDetail, payments, store, trackingUntilKnown } from '../activity-proxies';

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

  await report('claim.proposed', `${proposal.kind} claim for ${formatYuan(proposal.actualLossFen)}: ${proposal.reason}`, {
    claimId: input.claimId,
    ...proposal,
  }, input.proposedBy);

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
  let tier = assessment.needsReview ? atLeastSupervisor(approvalTier(amountFen, policy.claims.approvalLimits)) : approvalTier(amountFen, policy.claims.approvalLimits);
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
      await report('claim.awaiting_approval', `${formatYuan(amountFen)} needs ${tier} approval`, claimFigures(view));
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

type Report = (kind: string, summary: string, data?: Record<string, unknown>, actor?: ClaimProgress['event']['actor']) => Promise<void>;

/** Claims whose payout failed before this patch ended there, and replay that way. */
export const PAYOUT_FAILURE_DECISION_PATCH = 'claim-payout-failure-awaits-a-decision';

/** Pays the approved amount; returns whether the customer has the money. */
async function payOut(
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
    await report('claim.paying', `paying ${formatYuan(amountFen)} to ${input.payeeId}`, { amountFen, ...(attempt > 1 ? { attempt, idempotencyKey: key } : {}) });
    // Who may retry or reject once it fails: set before the failure is reported, so the case
    // offers the decision as soon as it shows the failure.
    const failed = (why: string) => {
      view.status = 'PAYOUT_FAILED';
      view.payoutFailure = why;
      view.payoutAttempts = attempt;
      view.approvers = approversFor(atLeastSupervisor(tier));
      // The case's playbook waits for the decision instead of handing the claim over as ended.
      if (patched(PAYOUT_FAILURE_DECISION_PATCH)) view.payoutDecision = 'awaited';
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
      // rejects) used to fail this workflow and leave the case in PAYING for ever.
      if (!(error instanceof ActivityFailure) || !patched(PAYOUT_FAILURE_DECISION_PATCH)) throw error;
      const failure = failureDetail(error);
      failed(failure);
      await report('claim.payout_failed', `payout failed: ${failure}`, { idempotencyKey: key, error: failure, approvers: view.approvers });
    }
    keys.push(key);
    if (!patched(PAYOUT_FAILURE_DECISION_PATCH)) return false;

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
      await report('claim.rejected', `rejected by ${made.actor.id} after a failed payout: ${view.rejectionReason}`, { reason: view.rejectionReason }, made.actor);
      return false;
    }
    await report('claim.payout_retry_approved', `${made.actor.id} retries the payout`, { attempt: attempt + 1, ...(made.reason ? { note: made.reason } : {}) }, made.actor);
  }
}

async function recover(
  input: ClaimSettlementInput,
  view: ClaimView,
  report: (kind: string, summary: string, data?: Record<string, unknown>) => Promise<void>,
): Promise<void> {
  const recovery = view.recovery;
  if (!recovery || recovery.from === 'none' || !recovery.recoverableFen) return;
  if (recovery.from === 'supplier') {
    // Supplier recovery is a debit on the supplier's next settlement: recorded for finance.
    recovery.status = 'REQUESTED';
    await report('claim.recovery_requested', `${formatYuan(recovery.recoverableFen)} to recover from the supplier`, { recoverableFen: recovery.recoverableFen });
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
      await report('claim.recovered', `${formatYuan(recovery.recoveredFen)} recovered from the carrier`, { claimNo: filed.reference, recoveredFen: recovery.recoveredFen });
      return;
    } else if (status.status === 'rejected') {
      recovery.status = 'REFUSED';
      await report('claim.recovery_refused', `carrier rejected claim ${filed.reference}${status.detail ? `: ${status.detail}` : ''}`, { claimNo: filed.reference });
      return;
    }
  }
  recovery.status = 'UNRESOLVED';
  await report('claim.recovery_unresolved', `claim ${filed.reference} not settled after ${recoveryMaxPolls} checks: finance follows up`, { claimNo: filed.reference });
}

interface LossVerdict {
  found: boolean;
  carrierConfirmed: boolean;
  lastScan?: string;
  summary: string;
}

/**
 * 系統自動核驗物流軌跡: a parcel is lost when the carrier says so, or when its last scan is older
 * than the policy's threshold. Until then, check again as the threshold approaches; a movement
 * or delivery meanwhile means it was not lost after all.
 */
async function verifyLoss(input: ClaimSettlementInput): Promise<LossVerdict> {
  const { lastScanAgeMs } = input.policy.lost;
  const { followUpIntervalMs } = input.policy.carrier;
  const startedAt = Date.now();
  let checks = 0;
  for (;;) {
    checks += 1;
    const events = await trackingUntilKnown.trackParcel({ carrier: input.carrier, waybillNo: input.waybillNo });
    const last = events[events.length - 1];
    if (events.some((event) => event.status === 'Delivered')) return { found: true, carrierConfirmed: false, lastScan: last?.occurredAt, summary: 'delivered' };
    const carrierConfirmed = events.some((event) => event.status === 'Exception' && event.subStatus === 'lost');
    const lastScanAt = lastMovementAt(events);
    if (lastScanAt !== undefined && lastScanAt > startedAt) {
      return { found: true, carrierConfirmed, lastScan: new Date(lastScanAt).toISOString(), summary: 'moved again' };
    }
    const age = lastScanAt === undefined ? Number.POSITIVE_INFINITY : Date.now() - lastScanAt;
    if (carrierConfirmed || age >= lastScanAgeMs) {
      const why = carrierConfirmed
        ? 'carrier confirmed the parcel lost'
        : lastScanAt === undefined
          ? 'no scan on record'
          : `last scan ${formatDuration(age)} ago (threshold ${formatDuration(lastScanAgeMs)})`;
      return {
        found: false,
        carrierConfirmed,
        ...(lastScanAt !== undefined ? { lastScan: new Date(lastScanAt).toISOString() } : {}),
        summary: `loss verified after ${checks} check(s): ${why}`,
      };
    }
    // Not old enough yet: look again when it would be, or sooner at the follow-up interval.
    await sleep(Math.max(1, Math.min(lastScanAgeMs - age, followUpIntervalMs)));
  }
}

function lastMovementAt(events: TrackingEvent[]): number | undefined {
  const moves = events.filter((event) => isMovement(event.status) || event.status === 'InfoReceived');
  const last = moves[moves.length - 1];
  return last ? Date.parse(last.occurredAt) : undefined;
}

/** Claims whose row PostgreSQL refused used to retry that write for ever; now they go on. */
export const CLAIM_ROW_REJECTED_PATCH = 'claim-row-rejected-carries-on';

/**
 * Upserts the claims table row. A row PostgreSQL refuses for good (`StoreRejected`) must not stop
 * the claim (the customer is still paid, once): the refusal is logged, shown on the claim
 * (`storeRejected`, which the case shows and keeps) and told to the case's audit trail once per
 * reason as `claim.store_write_rejected`. Later steps try the row again, so a later, storable view
 * lands.
 */
async function recordClaimRow(input: ClaimSettlementInput, view: ClaimView): Promise<void> {
  try {
    await store.recordClaim({ caseId: input.caseId, carrier: input.carrier, type: input.type, view });
  } catch (error) {
    const reason = storeRejection(error);
    if (reason === undefined || !patched(CLAIM_ROW_REJECTED_PATCH)) throw error;
    log.error('claim row rejected by the store: the claim goes on', { caseId: input.caseId, claimId: input.claimId, reason });
    if (view.storeRejected === reason) return;
    view.storeRejected = reason;
    await tellCase(input.caseId, {
      view: { ...view },
      event: { kind: 'claim.store_write_rejected', summary: `the claims table refused claim ${input.claimId}'s row: ${reason}`, data: { claimId: input.claimId, reason } },
    });
  }
}

async function tellCase(caseId: string, progress: ClaimProgress): Promise<void> {
  try {
    await getExternalWorkflowHandle(caseId).signal(claimProgressSignal, progress);
  } catch {
    // The case has closed (recovery outlives it); the claims table keeps the record.
  }
}

function claimFigures(view: ClaimView): Record<string, unknown> {
  return {
    amountFen: view.amountFen,
    ...(view.ceilingFen !== undefined ? { ceilingFen: view.ceilingFen } : {}),
    ...(view.override ? { override: view.override } : {}),
    basis: view.basis,
    approvalTier: view.approvalTier,
    explanation: view.explanation,
    recoverableFen: view.recovery?.recoverableFen ?? null,
  };
}

const atLeastSupervisor = (tier: ApprovalTier): ApprovalTier => (tier === 'auto' ? 'supervisor' : tier);

interface Assessment {
  amountFen: number;
  /** What an approver may set without an expert's override (see ClaimView.ceilingFen). */
  ceilingFen: number;
  basis: string;
  explanation: string[];
  recoverableFen: number;
  needsReview?: string;
}

/** The calculator's answer, or a case for a person when the facts do not allow one. */
function assess(input: ClaimSettlementInput): Assessment {
  const { proposal } = input;
  if (proposal.kind === 'goodwill') {
    return { amountFen: proposal.actualLossFen, ceilingFen: proposal.actualLossFen, basis: 'goodwill', explanation: ['安抚补偿：按提议金额支付，不向承运商追偿'], recoverableFen: 0 };
  }
  try {
    const result = computeCompensation({
      type: input.type,
      actualLossFen: proposal.actualLossFen,
      ...(proposal.damagedShare !== undefined ? { damagedShare: proposal.damagedShare } : {}),
      ...(input.goods.declaredValueFen !== undefined ? { declaredValueFen: input.goods.declaredValueFen } : {}),
      ...(input.goods.insured !== undefined ? { insured: input.goods.insured } : {}),
      ...(input.goods.freightFen !== undefined ? { freightFen: input.goods.freightFen } : {}),
      recoverFrom: input.recoverFrom === 'supplier' ? 'supplier' : 'carrier',
    }, input.policy.claims);
    return {
      amountFen: result.amountFen,
      // Undecided by the calculator: the customer's stated loss is the most a person may grant.
      ceilingFen: result.needsReview ? statedLoss(proposal) : result.amountFen,
      basis: result.basis,
      explanation: result.needsReview ? [...result.explanation, result.needsReview] : result.explanation,
      recoverableFen: result.recoverableFen,
      ...(result.needsReview ? { needsReview: result.needsReview } : {}),
    };
  } catch (error) {
    // Facts the calculator refuses (insured without a declared value, ...): a person decides.
    const why = error instanceof RangeError ? error.message : String(error);
    return { amountFen: 0, ceilingFen: statedLoss(proposal), basis: 'review', explanation: [`无法自动核算：${why}`], recoverableFen: 0, needsReview: why };
  }
}

const statedLoss = (proposal: ClaimSettlementInput['proposal']): number => roundFen(proposal.actualLossFen * (proposal.damagedShare ?? 1));
