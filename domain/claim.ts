import type { Role } from './types';

/**
 * A claim (理賠) as the case shows it: what was asked, what the calculator said, who approved,
 * what was paid, and how recovery from the carrier or supplier stands. Kept by the case workflow
 * from the claim settlement child's progress reports.
 */

export const CLAIM_STATUSES = [
  'PROPOSED', // being calculated (智能定損)
  'VERIFYING', // lost parcel: checking the trajectory before paying
  'AWAITING_APPROVAL', // above the proposer's limit: a supervisor or expert decides
  'APPROVED', // approved (automatically within the agent limit, or by an approver)
  'PAYING', // the payout is in flight (never twice: one idempotency key per claim)
  'PAID', // the customer has the money; recovery may still run
  'REJECTED', // declined by an approver, or the parcel turned up
  'PAYOUT_FAILED', // the payments system refused: a person must sort it out
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export const RECOVERY_STATUSES = ['NOT_STARTED', 'FILED', 'ACCEPTED', 'RECOVERED', 'REFUSED', 'UNRESOLVED', 'REQUESTED'] as const;
export type RecoveryStatus = (typeof RECOVERY_STATUSES)[number];

/** Claims in these statuses are still being worked: no second claim, no resolve meanwhile. */
export const CLAIM_IN_PROGRESS: readonly ClaimStatus[] = ['PROPOSED', 'VERIFYING', 'AWAITING_APPROVAL', 'APPROVED', 'PAYING'];

export interface ClaimProposal {
  /** The customer's loss in fen: the value of the lost or damaged goods. */
  actualLossFen: number;
  /** For partial damage: the damaged share of the goods, 0–1. */
  damagedShare?: number;
  reason: string;
  /** Goodwill (安撫補償) is paid as proposed: no carrier liability, nothing to recover. */
  kind: 'loss' | 'damage' | 'goodwill';
}

export interface ClaimView {
  claimId: string;
  status: ClaimStatus;
  kind: ClaimProposal['kind'];
  proposedBy: string;
  proposedAt: string;
  reason: string;
  actualLossFen: number;
  damagedShare?: number;
  amountFen?: number;
  basis?: string;
  explanation?: string[];
  /** Which tier must approve: 'auto' needs no one. */
  approvalTier?: 'auto' | 'supervisor' | 'expert' | 'beyond-expert';
  /** The roles that may approve or reject this claim. */
  approvers?: Role[];
  approvedBy?: string;
  rejectedBy?: string;
  rejectionReason?: string;
  payout?: { payoutId: string; at: string; amountFen: number };
  recovery?: {
    from: 'carrier' | 'supplier' | 'none';
    status: RecoveryStatus;
    claimNo?: string;
    recoverableFen?: number;
    recoveredFen?: number;
  };
}

/** Roles that may approve a claim needing `tier`: the tier's owner and everyone above. */
export function approversFor(tier: NonNullable<ClaimView['approvalTier']>): Role[] {
  switch (tier) {
    case 'auto':
    case 'supervisor':
      return ['supervisor', 'expert'];
    case 'expert':
    case 'beyond-expert':
      return ['expert'];
  }
}
