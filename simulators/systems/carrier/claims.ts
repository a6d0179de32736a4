type ClaimStatus = 'filed' | 'accepted' | 'paid' | 'rejected';

export interface Claim {
  claimNo: string;
  carrier: string;
  waybillNo: string;
  amountFen: number;
  reason: string;
  evidence?: unknown;
  status: ClaimStatus;
  polls: number;
  filedAt: string;
  updatedAt: string;
  paidAmountFen?: number;
  paidAt?: string;
  rejectReason?: string;
}

export interface NewClaim {
  claimNo: string;
  carrier: string;
  waybillNo: string;
  amountFen: number;
  reason: string;
  evidence?: unknown;
}

const DEFAULT_POLLS_UNTIL_PAID = 2;

/**
 * Carrier claims (理賠). A claim is filed, turns accepted on the first status poll and paid on poll
 * number `pollsUntilPaid` (default 2), the way a carrier's back office slowly works through it.
 * Rejection is final.
 */
export class ClaimBook {
  private readonly claims = new Map<string, Claim>();
  private pollsUntilPaid = DEFAULT_POLLS_UNTIL_PAID;

  constructor(private readonly now: () => Date) {}

  file(input: NewClaim): Claim {
    const at = this.now().toISOString();
    const claim: Claim = { ...input, status: 'filed', polls: 0, filedAt: at, updatedAt: at };
    this.claims.set(claim.claimNo, claim);
    return { ...claim };
  }

  /** One status query: advances the claim, then reports it. */
  poll(claimNo: string): Claim | undefined {
    const claim = this.claims.get(claimNo);
    if (claim === undefined) return undefined;
    if (claim.status === 'filed' || claim.status === 'accepted') {
      claim.polls += 1;
      const next: ClaimStatus = claim.polls >= this.pollsUntilPaid ? 'paid' : 'accepted';
      if (next !== claim.status) {
        claim.status = next;
        claim.updatedAt = this.now().toISOString();
        if (next === 'paid') {
          claim.paidAmountFen = claim.amountFen;
          claim.paidAt = claim.updatedAt;
        }
      }
    }
    return { ...claim };
  }

  reject(claimNo: string, reason: string): Claim | undefined {
    const claim = this.claims.get(claimNo);
    if (claim === undefined) return undefined;
    if (claim.status !== 'paid') {
      claim.status = 'rejected';
      claim.rejectReason = reason;
      claim.updatedAt = this.now().toISOString();
    }
    return { ...claim };
  }

  has(claimNo: string): boolean {
    return this.claims.has(claimNo);
  }

  setPollsUntilPaid(n: number): void {
    this.pollsUntilPaid = n;
  }

  getPollsUntilPaid(): number {
    return this.pollsUntilPaid;
  }

  clear(): void {
    this.claims.clear();
    this.pollsUntilPaid = DEFAULT_POLLS_UNTIL_PAID;
  }
}
