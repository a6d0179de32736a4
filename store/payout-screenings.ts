import { sql } from 'kysely';
import type { Db } from './database';

/**
 * Payout screening: whether a claim the approval limits would let through automatically may be,
 * or needs a second person. Three rules, each set by the policy file: the payee must be the one the
 * order system (OMS) names for the waybill (`payeeConfirmed`, decided by the caller), and what one
 * agent's proposals and one payee have been approved automatically on the business day stays
 * within the daily caps. The caps count earlier automatic verdicts in `payout_screenings`; two
 * claims screened at once for the same proposer or payee are serialised by transaction-scoped
 * advisory locks, so both cannot slip under a cap together. A claim screened again (a retried
 * activity) answers its first verdict.
 */

type ScreeningReason = 'payee-unconfirmed' | 'agent-daily-cap' | 'payee-daily-cap';

export interface PayoutScreeningInput {
  claimId: string;
  caseId: string;
  proposedBy: string;
  payeeId: string;
  amountFen: number;
  /** The business day (local date, YYYY-MM-DD) the caps count within. */
  businessDay: string;
  /** False when the payee must be confirmed and the OMS did not confirm it. */
  payeeConfirmed: boolean;
  dailyCapsFen?: { perAgent?: number; perPayee?: number };
}

export interface PayoutScreeningVerdict {
  automatic: boolean;
  reasons: ScreeningReason[];
  /** Approved automatically that day before this claim: the figures the caps were checked against. */
  agentTodayFen: number;
  payeeTodayFen: number;
}

export async function screenPayout(db: Db, input: PayoutScreeningInput): Promise<PayoutScreeningVerdict> {
  return db.transaction().execute(async (trx) => {
    // Locks taken in one order (proposer, then payee) so two screenings never wait on each other.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`payout-proposer:${input.proposedBy}`}))`.execute(trx);
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`payout-payee:${input.payeeId}`}))`.execute(trx);
    const today = (column: 'proposed_by' | 'payee_id', value: string) =>
      trx
        .selectFrom('payout_screenings')
        .select(sql<string>`COALESCE(sum(amount_fen), 0)`.as('fen'))
        .where(column, '=', value)
        .where('business_day', '=', input.businessDay)
        .where('automatic', '=', true)
        .where('claim_id', '<>', input.claimId)
        .executeTakeFirstOrThrow();
    const agentTodayFen = Number((await today('proposed_by', input.proposedBy)).fen);
    const payeeTodayFen = Number((await today('payee_id', input.payeeId)).fen);
    const earlier = await trx.selectFrom('payout_screenings').select(['automatic', 'reasons']).where('claim_id', '=', input.claimId).executeTakeFirst();
    if (earlier) return { automatic: earlier.automatic, reasons: earlier.reasons as ScreeningReason[], agentTodayFen, payeeTodayFen };

    const reasons: ScreeningReason[] = [];
    if (!input.payeeConfirmed) reasons.push('payee-unconfirmed');
    const caps = input.dailyCapsFen ?? {};
    if (caps.perAgent !== undefined && agentTodayFen + input.amountFen > caps.perAgent) reasons.push('agent-daily-cap');
    if (caps.perPayee !== undefined && payeeTodayFen + input.amountFen > caps.perPayee) reasons.push('payee-daily-cap');
    const automatic = reasons.length === 0;
    await trx
      .insertInto('payout_screenings')
      .values({
        claim_id: input.claimId,
        case_id: input.caseId,
        proposed_by: input.proposedBy,
        payee_id: input.payeeId,
        amount_fen: input.amountFen,
        business_day: input.businessDay,
        automatic,
        reasons: JSON.stringify(reasons),
      })
      .execute();
    return { automatic, reasons, agentTodayFen, payeeTodayFen };
  });
}
