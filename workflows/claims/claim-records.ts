import { getExternalWorkflowHandle, log } from '@temporalio/workflow';
import type { ClaimView } from '../../domain/claim';
import { store } from '../activity-proxies';
import { storeRejection } from '../store-rejection';
import { type ClaimProgress, type ClaimSettlementInput, claimProgressSignal } from './contract';

/**
 * What the claim tells others: its row in the read model, and its progress to the case.
 */

/**
 * Upserts the claims table row. A row PostgreSQL refuses for good (`StoreRejected`) must not stop
 * the claim (the customer is still paid, once): the refusal is logged, shown on the claim
 * (`storeRejected`, which the case shows and keeps) and told to the case's audit trail once per
 * reason as `claim.store_write_rejected`. Later steps try the row again, so a later, storable view
 * lands.
 */
export async function recordClaimRow(input: ClaimSettlementInput, view: ClaimView): Promise<void> {
  try {
    await store.recordClaim({ caseId: input.caseId, carrier: input.carrier, type: input.type, view });
  } catch (error) {
    const reason = storeRejection(error);
    if (reason === undefined) throw error;
    log.error('claim row rejected by the store: the claim goes on', { caseId: input.caseId, claimId: input.claimId, reason });
    if (view.storeRejected === reason) return;
    view.storeRejected = reason;
    await tellCase(input.caseId, {
      view: { ...view },
      event: {
        kind: 'claim.store_write_rejected',
        summary: `the claims table refused claim ${input.claimId}'s row: ${reason}`,
        data: { claimId: input.claimId, reason },
      },
    });
  }
}

export async function tellCase(caseId: string, progress: ClaimProgress): Promise<void> {
  try {
    await getExternalWorkflowHandle(caseId).signal(claimProgressSignal, progress);
  } catch {
    // The case has closed (recovery outlives it); the claims table keeps the record.
  }
}

export function claimFigures(view: ClaimView): Record<string, unknown> {
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
