import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { CaseView } from '../domain/case-view';
import { TERMINAL_STATUSES } from '../domain/types';
import type { Db } from './database';
import { erasureNamesCase } from './erasure-records';
import { eraseKeyedAnswersOfCases } from './idempotency';
import { erasePersonalFields } from './pii';
import type { Database } from './schema';

/**
 * Erasing a customer's personal data on request, without breaking any audit chain. The trail
 * (case_events) never held it in clear — phones masked, address details withheld before hashing
 * (./case-store.ts) — so it is left exactly as it is and still verifies. What is overwritten is
 * what may hold it: the read model's snapshot and the stored start request (customer name and
 * phone, address name, phone and detail become "[erased]"). The erasure itself is recorded in
 * pii_erasures under a hash of the customer id, so the record names no one.
 *
 * Only finished cases are erased at once: a running case's workflow holds the data in its state
 * and would write it again. Their ids are recorded as pending, and `eraseIfRequested` (called by
 * persistCase) erases each one when its finished snapshot is written.
 */

export interface ErasureResult {
  erasedCaseIds: string[];
  stillOpenCaseIds: string[];
}

export async function eraseCustomerData(db: Db, customerId: string, requestedBy: string, reason?: string): Promise<ErasureResult> {
  return db.transaction().execute((trx) => eraseCustomerDataWithin(trx, customerId, requestedBy, reason));
}

/** The erasure inside the caller's transaction (the API records its idempotent answer with it). */
export async function eraseCustomerDataWithin(trx: Transaction<Database>, customerId: string, requestedBy: string, reason?: string): Promise<ErasureResult> {
  const rows = await trx
    .selectFrom('cases')
    .select(['case_id', 'status', 'snapshot', 'start_request'])
    .where('customer_id', '=', customerId)
    // One order for every erasure, so two requests for the same customer never deadlock.
    .orderBy('case_id')
    .forUpdate()
    .execute();
  const result: ErasureResult = { erasedCaseIds: [], stillOpenCaseIds: [] };
  for (const row of rows) {
    if (!(TERMINAL_STATUSES as readonly string[]).includes(row.status)) {
      result.stillOpenCaseIds.push(row.case_id);
      continue;
    }
    await trx
      .updateTable('cases')
      .set({
        snapshot: JSON.stringify(erasePersonalFields(row.snapshot)),
        start_request: JSON.stringify(erasePersonalFields(row.start_request)),
      })
      .where('case_id', '=', row.case_id)
      .execute();
    result.erasedCaseIds.push(row.case_id);
  }
  // Answers stored for replays of keyed actions hold the case view (sealed, not erased): erased
  // for every case of the customer, open ones too (whatever is keyed later is erased at close).
  await eraseKeyedAnswersOfCases(trx, [...result.erasedCaseIds, ...result.stillOpenCaseIds]);
  await trx
    .insertInto('pii_erasures')
    .values({
      customer_ref: createHash('sha256').update(customerId).digest('hex'),
      requested_by: requestedBy,
      erased_case_ids: JSON.stringify(result.erasedCaseIds),
      pending_case_ids: JSON.stringify(result.stillOpenCaseIds),
      reason: reason ?? null,
    })
    .execute();
  return result;
}

/**
 * Completes a pending erasure when a case finishes: called by persistCase inside its transaction,
 * after it has locked the case's row (so an erasure request and the closing write never miss each
 * other: whichever locks the row second sees what the first did). A finished snapshot of a case
 * named by an erasure (pending, or already erased) is written with the personal fields erased,
 * the start request is erased too, and the case moves from pending to erased in the record.
 * Answers the snapshot to write.
 */
export async function eraseIfRequested(trx: Transaction<Database>, snapshot: CaseView): Promise<CaseView> {
  if (!(TERMINAL_STATUSES as readonly string[]).includes(snapshot.status)) return snapshot;
  const requests = await trx.selectFrom('pii_erasures').select(['erasure_id', 'pending_case_ids']).where(erasureNamesCase(snapshot.caseId)).execute();
  if (!requests.length) return snapshot;
  const row = await trx.selectFrom('cases').select('start_request').where('case_id', '=', snapshot.caseId).executeTakeFirst();
  if (row) {
    await trx
      .updateTable('cases')
      .set({ start_request: JSON.stringify(erasePersonalFields(row.start_request)) })
      .where('case_id', '=', snapshot.caseId)
      .execute();
  }
  await eraseKeyedAnswersOfCases(trx, [snapshot.caseId]);
  for (const request of requests) {
    if (!request.pending_case_ids.includes(snapshot.caseId)) continue;
    await trx
      .updateTable('pii_erasures')
      .set({
        pending_case_ids: sql`pending_case_ids - ${snapshot.caseId}::text`,
        erased_case_ids: sql`erased_case_ids || ${JSON.stringify([snapshot.caseId])}::jsonb`,
      })
      .where('erasure_id', '=', request.erasure_id)
      .execute();
  }
  return erasePersonalFields(snapshot);
}
