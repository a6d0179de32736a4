import { ParentClosePolicy, getExternalWorkflowHandle, setHandler, startChild } from '@temporalio/workflow';
import type { ReadonlyDeep } from '../../domain/readonly';
import { CLAIM_IN_PROGRESS, paidOnCase, type ClaimProposal, type ClaimView } from '../../domain/claim';
import { WORKFLOW_ACTOR, type CaseStatus, type RoleActor } from '../../domain/types';
import { claimSettlementWorkflow } from '../claims/claim-settlement';
import { claimDecisionSignal, claimProgressSignal, claimWorkflowId, type ClaimDecision } from '../claims/contract';
import type { ResumePoint } from './carry-over';
import type { CaseState } from './state/case-state';
import { ContinueAsNewRequested, continueAsNewDue } from './continue-as-new';
import { notifyStaff } from './steps/staff';
import { caseIdentity } from '../search-attributes';

/**
 * The case's side of a claim: start the settlement child, mirror its progress into the case (view,
 * audit trail, payout clock, escalation to whoever may approve), and pass approvers' decisions on.
 */

/** System-made proposals (a verified loss) carry the workflow as proposer, with agent rights. */
export const SYSTEM_PROPOSER: RoleActor = { ...WORKFLOW_ACTOR, role: 'agent' };

/** While a claim runs the case shows its stage; afterwards it is back in its owner's hands. */
const CASE_STATUS_FOR_CLAIM: Record<ClaimView['status'], CaseStatus> = {
  PROPOSED: 'IN_PROGRESS',
  VERIFYING: 'VERIFYING_LOSS',
  APPROVED: 'CLAIM_PAYOUT',
  AWAITING_APPROVAL: 'CLAIM_REVIEW',
  PAYING: 'CLAIM_PAYOUT',
  PAID: 'IN_PROGRESS',
  REJECTED: 'IN_PROGRESS',
  PAYOUT_FAILED: 'IN_PROGRESS',
};
const WORKED_STATUSES: readonly CaseStatus[] = ['OPEN', 'IN_PROGRESS', 'WAITING_CARRIER', 'VERIFYING_LOSS', 'CLAIM_REVIEW', 'CLAIM_PAYOUT'];

const TIER_FOR_APPROVAL = { auto: 1, supervisor: 2, expert: 3, 'beyond-expert': 3 } as const;

export function registerClaimProgress(state: CaseState): void {
  setHandler(claimProgressSignal, async ({ view, event }) => {
    if (view.claimId !== state.data.claim?.claimId) return; // an older claim, still recovering
    // The case's earlier payouts ride on its latest claim (see domain/claim paidOnCase).
    const earlier = state.data.claim.earlier as ClaimView['earlier'];
    state.showClaim(view.earlier === undefined && earlier !== undefined ? { ...view, earlier } : view, { progressed: true });
    // A failed payout waits for a supervisor's decision (retry or reject): the case shows
    // CLAIM_REVIEW and goes to tier 2 at least, with a notice.
    const payoutFailed = view.status === 'PAYOUT_FAILED';
    state.record(event.kind, event.summary, { claimId: view.claimId, ...event.data }, event.actor);
    if (view.status === 'PAID' || view.status === 'REJECTED' || view.status === 'PAYOUT_FAILED') {
      state.clocks.stop('payout', `claim ${view.status.toLowerCase()}`);
    }
    if (WORKED_STATUSES.includes(state.data.status)) {
      state.setStatus(payoutFailed ? 'CLAIM_REVIEW' : CASE_STATUS_FOR_CLAIM[view.status], event.summary);
    }
    if (view.status === 'AWAITING_APPROVAL' && view.approvalTier) {
      // A claim above the owner's limit goes to the owner of that limit (權限分級).
      const needed = TIER_FOR_APPROVAL[view.approvalTier];
      let moved = false;
      while (state.data.tier < needed && state.escalate(`claim of ${view.amountFen ?? 0} fen needs ${view.approvalTier} approval`)) moved = true;
      if (moved) {
        await notifyStaff(state, `escalate:tier${state.data.tier}`, 'staff.escalated', { reason: `理赔金额超出权限，需${view.approvalTier}审批` });
      }
    }
    // Once per failure report: a supervisor (or whoever already owns the case above) decides.
    if (
      payoutFailed &&
      event.kind === 'claim.payout_failed' &&
      state.data.tier < 2 &&
      state.escalate(`payout failed: ${view.payoutFailure ?? ''}`, WORKFLOW_ACTOR)
    ) {
      await notifyStaff(state, `escalate:tier${state.data.tier}`, 'staff.escalated', { reason: '理赔付款失败，需主管重试或驳回' });
    }
    state.showAttributes();
  });
}

export interface ClaimOptions {
  verifyTrajectory: boolean;
  recoverFrom: 'carrier' | 'supplier' | 'none';
}

/** Starts a claim; the case shows it at once and the payout clock starts. */
export async function startClaim(state: CaseState, proposal: ClaimProposal, actor: RoleActor, options: ClaimOptions): Promise<void> {
  const claimId = claimWorkflowId(state.caseId, state.next('claimCount'));
  const { input } = state;
  // Everything paid so far, carried on the new claim: the rules see every payout of the case.
  const earlier = paidOnCase(state.data.claim);
  state.showClaim({
    claimId,
    status: options.verifyTrajectory ? 'VERIFYING' : 'PROPOSED',
    kind: proposal.kind,
    proposedBy: actor.id,
    proposedAt: new Date().toISOString(),
    reason: proposal.reason,
    actualLossFen: proposal.actualLossFen,
    earlier,
  });
  state.clocks.start('payout');
  await startChild(claimSettlementWorkflow, {
    workflowId: claimId,
    // Found with the case by waybill or order in the Temporal UI; the summary says what it is.
    typedSearchAttributes: caseIdentity({ ...input, type: state.data.currentType }),
    staticSummary: `${proposal.kind} claim for case ${state.caseId}: ${input.carrier} ${input.waybillNo}`,
    args: [
      {
        caseId: state.caseId,
        claimId,
        type: state.data.currentType,
        carrier: input.carrier,
        waybillNo: input.waybillNo,
        orderId: input.orderId,
        payeeId: input.customer.id,
        proposal,
        proposedBy: actor,
        goods: {
          ...(input.declaredValue !== undefined ? { declaredValueFen: input.declaredValue } : {}),
          ...(input.insured !== undefined ? { insured: input.insured } : {}),
          ...(input.freight !== undefined ? { freightFen: input.freight } : {}),
        },
        recoverFrom: options.recoverFrom,
        verifyTrajectory: options.verifyTrajectory,
        policy: { claims: state.policy.claims, lost: state.policy.lost, carrier: state.policy.carrier },
        earlier,
      },
    ],
    // Recovery from the carrier can outlast the case: closing the case must not cut it off.
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
}

/** Who the platform recovers a loss from: the supplier for its own wrong or missing items. */
export function recoveryPartyOf(state: CaseState): 'carrier' | 'supplier' {
  return state.input.supplierId && (state.data.currentType === 'WRONG_ITEM' || state.data.currentType === 'MISSING_ITEM') ? 'supplier' : 'carrier';
}

export async function decideClaim(state: CaseState, decision: ClaimDecision): Promise<void> {
  const claim = state.data.claim as ClaimView;
  await getExternalWorkflowHandle(claim.claimId).signal(claimDecisionSignal, decision);
}

/**
 * Whether the claim is over for the playbook: paid, rejected, or failed with no decision to come.
 * A failed payout awaiting a supervisor's retry or rejection is not over: the playbook waits (the
 * case shows CLAIM_REVIEW; resolve and cancel stay possible), so a retried payout still ends in
 * the customer being told and the case resolved.
 */
export const claimSettled = (claim: ReadonlyDeep<ClaimView> | undefined): boolean =>
  claim !== undefined && !CLAIM_IN_PROGRESS.includes(claim.status) && !(claim.status === 'PAYOUT_FAILED' && claim.payoutDecision === 'awaited');

/**
 * Waits for the current claim to pay out or end; returns it. With `cutAt`, the wait is a
 * continue-as-new point (an approval or a decision on a failed payout can take days while notes
 * and scans grow the history): the claim child runs on (it is abandoned, not ended, with the run,
 * and signals the case by id, so the next run hears it) and the next run waits from `cutAt`.
 */
export async function awaitClaim(state: CaseState, cutAt?: ResumePoint): Promise<ClaimView> {
  await state.waitUntil(
    () => claimSettled(state.data.claim) || (cutAt !== undefined && continueAsNewDue(state)),
    undefined,
    `claim ${state.data.claim?.claimId ?? ''} settlement`,
  );
  if (cutAt && !claimSettled(state.data.claim) && state.data.interruption === undefined) throw new ContinueAsNewRequested(cutAt);
  return state.data.claim as ClaimView; // settled: the wait above saw it
}
