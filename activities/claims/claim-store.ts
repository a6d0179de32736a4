import type { ClaimView } from '../../domain/claim';
import type { Carrier, ExceptionType } from '../../domain/types';
import type { Db } from '../../store/database';
import { rejectingPermanentErrors } from '../../store/store-errors';

export interface RecordClaimInput {
  caseId: string;
  carrier: Carrier;
  type: ExceptionType;
  view: ClaimView;
}

/**
 * Upserts the claim row; replays of the same step write the same values (idempotent). A row
 * PostgreSQL refuses for good (a NUL in the claim's text) fails as a non-retryable `StoreRejected`
 * instead of being retried for ever behind the claim's every later step.
 */
export async function recordClaim(db: Db, { caseId, carrier, type, view }: RecordClaimInput): Promise<void> {
  const row = {
    case_id: caseId,
    carrier,
    type,
    kind: view.kind,
    status: view.status,
    amount_fen: view.amountFen ?? null,
    approval_tier: view.approvalTier ?? null,
    approved_by: view.approvedBy ?? null,
    payout_id: view.payout?.payoutId ?? null,
    recovery_from: view.recovery?.from ?? null,
    recovery_status: view.recovery?.status ?? null,
    recoverable_fen: view.recovery?.recoverableFen ?? null,
    recovered_fen: view.recovery?.recoveredFen ?? null,
    view: JSON.stringify(view),
  };
  await rejectingPermanentErrors(`claim ${view.claimId} row`, () =>
    db
      .insertInto('claims')
      .values({ claim_id: view.claimId, ...row })
      .onConflict((conflict) => conflict.column('claim_id').doUpdateSet({ ...row, updated_at: new Date() }))
      .execute(),
  );
}
