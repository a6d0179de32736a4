import { canonicalJson } from '../store/audit-hash';
import type { Db } from '../store/database';
import { eraseCustomerDataWithin } from '../store/erasure';
import { IdempotencyKeyReused, onceInTransaction } from '../store/idempotency';
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
  // Per principal, like the case actions' keys. The customer id is only in the hash.
  const claim = key
    ? {
        scope: `customers:erasure:${requestedBy}`,
        key,
        requestHash: createHash('sha256').update(canonicalJson({ customerId, reason })).digest('hex'),
        ttlMs: keyTtlMs,
        statusCode: 202,
      }
    : undefined;
  try {
    // A concurrent request with the same key waits until the first commits, then replays.
    return (await onceInTransaction(db, claim, async (trx): Promise<ErasureAnswer> => {
      const result = await eraseCustomerDataWithin(trx, customerId, requestedBy, reason);
      return { erasedCases: result.erasedCaseIds, pendingCases: result.stillOpenCaseIds };
    })) as ErasureAnswer;
  } catch (error) {
    if (error instanceof IdempotencyKeyReused) {
      throw new HttpProblem(422, 'Idempotency key reused', 'This Idempotency-Key was used with a different request body');
    }
    throw error;
  }
}
