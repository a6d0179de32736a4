import { canonicalJson } from '../store/audit-hash';
import type { Db } from '../store/database';
import { eraseCustomerDataWithin } from '../store/erasure';
import { purgeExpiredKeys } from '../store/idempotency';
import { HttpProblem } from './problem';
import { createHash } from 'node:crypto';

/** What an erasure request is answered with: cases erased now, and open ones erased when they close. */
export interface ErasureAnswer {
  erasedCases: string[];
  pendingCases: string[];
}

/**
 * A customer's right to erasure (個人信息刪除), applied in one transaction: every closed case's
 * personal fields are erased now, open ones are marked to be erased when they close. With an
 * Idempotency-Key the request is carried out once per principal, and a retry gets the first answer.
 */
export async function eraseCustomerData(
  db: Db,
  request: { customerId: string; reason: string; requestedBy: string; key: string | undefined; keyTtlMs: number },
): Promise<ErasureAnswer> {
  const { customerId, reason, requestedBy, key, keyTtlMs } = request;
  return db.transaction().execute(async (trx) => {
    if (key) {
      // Per principal, like the case actions' keys. The customer id is only in the hash.
      const scope = `customers:erasure:${requestedBy}`;
      const requestHash = createHash('sha256').update(canonicalJson({ customerId, reason })).digest('hex');
      await purgeExpiredKeys(trx, keyTtlMs, scope, key);
      // A concurrent request with the same key waits here until the first commits, then replays.
      const inserted = await trx
        .insertInto('idempotency_keys')
        .values({ scope, key, request_hash: requestHash, status_code: 0, response: JSON.stringify({}) })
        .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst();
      if (!inserted) {
        const stored = await trx.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirstOrThrow();
        if (stored.request_hash !== requestHash) {
          throw new HttpProblem(422, 'Idempotency key reused', 'This Idempotency-Key was used with a different request body');
        }
        return stored.response as unknown as ErasureAnswer;
      }
      const answer = await eraseNow();
      await trx
        .updateTable('idempotency_keys')
        .set({ status_code: 202, response: JSON.stringify(answer) })
        .where('scope', '=', scope)
        .where('key', '=', key)
        .execute();
      return answer;
    }
    return eraseNow();

    async function eraseNow(): Promise<ErasureAnswer> {
      const result = await eraseCustomerDataWithin(trx, customerId, requestedBy, reason);
      return { erasedCases: result.erasedCaseIds, pendingCases: result.stillOpenCaseIds };
    }
  });
}
