import { createHash } from 'node:crypto';
import { TERMINAL_STATUSES } from '../../domain/types';
import type { Db } from './database';
import { erasePersonalFields } from './pii';

/**
 * Erasing a customer's personal data on request, without breaking any audit chain. The trail
 * (case_events) never held it in clear — phones masked, address details withheld before hashing
 * (./case-store.ts) — so it is left exactly as it is and still verifies. What is overwritten is
 * what may hold it: the read model's snapshot and the stored start request (customer name and
 * phone, address name, phone and detail become "[erased]"). The erasure itself is recorded in
 * pii_erasures under a hash of the customer id, so the record names no one.
 *
 * Only finished cases are erased: a running case's workflow holds the data in its state and would
 * write it again. Their ids are returned so the request can be completed once they close.
 */

export interface ErasureResult {
  erasedCaseIds: string[];
  stillOpenCaseIds: string[];
}

export async function eraseCustomerData(db: Db, customerId: string, requestedBy: string): Promise<ErasureResult> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('cases')
      .select(['case_id', 'status', 'snapshot', 'start_request'])
      .where('customer_id', '=', customerId)
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
    await trx
      .insertInto('pii_erasures')
      .values({
        customer_ref: createHash('sha256').update(customerId).digest('hex'),
        requested_by: requestedBy,
        erased_case_ids: JSON.stringify(result.erasedCaseIds),
        pending_case_ids: JSON.stringify(result.stillOpenCaseIds),
      })
      .execute();
    return result;
  });
}
