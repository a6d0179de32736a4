import type { Role } from './types';
import type { ReadonlyDeep } from './readonly';

/**
 * A claim (理賠) as the case shows it: what was asked, what the calculator said, who approved,
 * what was paid, and how recovery from the carrier or supplier stands. Kept by the case workflow
 * from the claim settlement child's progress reports.
 */

export type ClaimStatus =
  /** being calculated (智能定損) */
  | 'PROPOSED'
  /** lost parcel: checking the trajectory before paying */
  | 'VERIFYING'
  /** above the proposer's limit: a supervisor or expert decides */
  | 'AWAITING_APPROVAL'
  /** approved (automatically within the agent limit, or by an approver) */
  | 'APPROVED'
  /** the payout is in flight (never twice: one idempotency key per claim) */
  | 'PAYING'
  /** the customer has the money; recovery may still run */
  | 'PAID'
  /** declined by an approver, or the parcel turned up */
  | 'REJECTED'
  /** the payments system refused: a supervisor retries the payout or rejects the claim */
  | 'PAYOUT_FAILED';

type RecoveryStatus = 'NOT_STARTED' | 'FILED' | 'ACCEPTED' | 'RECOVERED' | 'REFUSED' | 'UNRESOLVED' | 'REQUESTED';

/** Claims in these statuses are still being worked: no second claim, no resolve meanwhile. */
export const CLAIM_IN_PROGRESS: readonly ClaimStatus[] = ['PROPOSED', 'VERIFYING', 'AWAITING_APPROVAL', 'APPROVED', 'PAYING'];

/** What a claim pays for: a lost parcel, damaged goods, or goodwill (安撫補償). */
export const CLAIM_KINDS = ['loss', 'damage', 'goodwill'] as const;
type ClaimKind = (typeof CLAIM_KINDS)[number];

export interface ClaimProposal {
  /** The customer's loss in fen: the value of the lost or damaged goods. */
  actualLossFen: number;
  /** For partial damage: the damaged share of the goods, 0–1. */
  damagedShare?: number;
  reason: string;
  /** Goodwill (安撫補償) is paid as proposed: no carrier liability, nothing to recover. */
  kind: ClaimKind;
}

/**
 * What a case has paid on its claims so far. Carried on the latest claim (`earlier`: the claims
 * before it), so the rules see every payout of the case, not only the latest claim's.
 */
export interface PaidOnCase {
  /** Kinds of the claims that were paid: a loss or damage is paid once per case. */
  kinds: ClaimProposal['kind'][];
  goodwillCount: number;
  goodwillFen: number;
}

const NOTHING_PAID: PaidOnCase = { kinds: [], goodwillCount: 0, goodwillFen: 0 };

/** Everything the case has paid, the latest claim included when it was paid. */
export function paidOnCase(claim: ReadonlyDeep<ClaimView> | undefined): PaidOnCase {
  const carried = claim?.earlier ?? NOTHING_PAID;
  const earlier: PaidOnCase = { ...carried, kinds: [...carried.kinds] };
  if (claim?.status !== 'PAID') return earlier;
  const amount = claim.payout?.amountFen ?? claim.amountFen ?? 0;
  return {
    kinds: earlier.kinds.includes(claim.kind) ? earlier.kinds : [...earlier.kinds, claim.kind],
    goodwillCount: earlier.goodwillCount + (claim.kind === 'goodwill' ? 1 : 0),
    goodwillFen: earlier.goodwillFen + (claim.kind === 'goodwill' ? amount : 0),
  };
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
  /**
   * The most an approver may set without an override: the calculator's amount, or (when the
   * calculator could not decide) the customer's stated loss, or the goodwill proposed.
   */
  ceilingFen?: number;
  /** An expert approved more than `ceilingFen`, and why. */
  override?: { by: string; reason: string; ceilingFen: number; amountFen: number };
  basis?: string;
  explanation?: string[];
  /** Which tier must approve: 'auto' needs no one. */
  approvalTier?: 'auto' | 'supervisor' | 'expert' | 'beyond-expert';
  /** The roles that may approve or reject this claim. */
  approvers?: Role[];
  /**
   * Why a claim within the agent's limit still waits for a second person: the payee the order
   * system did not confirm, or the day's automatic payouts of the proposer or the payee at a cap.
   */
  secondPersonReasons?: Array<'payee-unconfirmed' | 'agent-daily-cap' | 'payee-daily-cap'>;
  approvedBy?: string;
  rejectedBy?: string;
  rejectionReason?: string;
  payout?: { payoutId: string; at: string; amountFen: number };
  /** Payout attempts so far (a supervisor may retry a failed payout under a new key). */
  payoutAttempts?: number;
  /** Why the last payout attempt failed. */
  payoutFailure?: string;
  /**
   * PAYOUT_FAILED only: `awaited` while a supervisor may still retry or reject it (the claim is
   * not over yet), `lapsed` once the policy's decision window passed. Absent on claims whose payout
   * failed before decisions existed: those ended there.
   */
  payoutDecision?: 'awaited' | 'lapsed';
  /** What the case had paid on its earlier claims when this one was proposed. */
  earlier?: PaidOnCase;
  /**
   * Set when PostgreSQL refused the claim's row for good (`StoreRejected`, e.g. text it cannot
   * hold): the claims table lags behind this view; the case's trail has the refusal.
   */
  storeRejected?: string;
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
