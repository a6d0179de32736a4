import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ClaimProposal, ClaimView, PaidOnCase } from '../../domain/claim';
import type { SlaPolicy } from '../../domain/sla-policy';
import type { Actor, Carrier, ExceptionType, RoleActor } from '../../domain/types';

/**
 * The claim settlement child workflow (理賠): verify, calculate, approve, pay once, recover.
 * The case workflow starts it and hears its progress by signal; approvals travel the other way.
 */

export interface ClaimSettlementInput {
  caseId: string;
  claimId: string;
  type: ExceptionType;
  carrier: Carrier;
  waybillNo: string;
  orderId: string;
  /** Who receives the payout: the customer (repair shop) account. */
  payeeId: string;
  proposal: ClaimProposal;
  proposedBy: RoleActor;
  goods: { declaredValueFen?: number; insured?: boolean; freightFen?: number };
  recoverFrom: 'carrier' | 'supplier' | 'none';
  /** Lost parcels are verified on their trajectory before anyone is paid. */
  verifyTrajectory: boolean;
  policy: Pick<SlaPolicy, 'claims' | 'lost' | 'carrier'>;
  /** What the case had paid on its earlier claims (shown on this claim, for the case's rules). */
  earlier?: PaidOnCase;
}

export interface ClaimProgress {
  view: ClaimView;
  event: { kind: string; summary: string; data: Record<string, unknown>; actor?: Actor };
}

export interface ClaimDecision {
  decision: 'approve' | 'reject';
  actor: RoleActor;
  reason?: string;
  /** An approver may set the amount (required when the calculator could not decide it). */
  amountFen?: number;
}

/** Child → case: every step of the claim, for the case's view and audit trail. */
export const claimProgressSignal = defineSignal<[ClaimProgress]>('claimProgress');
/** Case → child: an approver's decision, already checked by the case's action validator. */
export const claimDecisionSignal = defineSignal<[ClaimDecision]>('claimDecision');
export const claimViewQuery = defineQuery<ClaimView>('claimView');

export const claimWorkflowId = (caseId: string, number: number) => `${caseId}/claim-${number}`;
