import { createHash } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { canonicalJson } from '../../store/audit-hash';
import type { Db } from '../../store/database';
import { eraseCustomerDataWithin } from '../../store/erasure';
import { principalOf, requireRole } from '../auth';
import { HttpProblem, parseOrThrow } from '../problem';
import { idempotencyKeyOf } from './cases';

/**
 * POST /v1/customers/{customerId}/erasure: a customer's personal data erased on request (experts
 * only; auditors, like everyone else, may not). Finished cases are erased at once; open ones are
 * recorded as pending and erased when their finished snapshot is written (persistCase). The audit
 * trail is untouched and every chain still verifies: it never held the data in clear.
 *
 * Answers 202 `{erasedCases, pendingCases}` (case ids). An `Idempotency-Key` is honoured: the
 * erasure and its answer are recorded in one transaction, so a retry gets the first answer and
 * never records the erasure twice; the same key with another body is a 422.
 */

// eslint-disable-next-line no-control-regex -- control characters are exactly what a customer id may not hold
const CUSTOMER_ID = /^[^\u0000-\u001f\u007f/]{1,64}$/;

const erasureBody = z.object({ reason: z.string().trim().min(1).max(500) }).strict();

interface ErasureAnswer {
  erasedCases: string[];
  pendingCases: string[];
}

export function customersRouter(db: Db): Router {
  const router = Router();

  router.post('/:customerId/erasure', requireRole('expert'), async (req, res) => {
    const raw = req.params.customerId;
    const customerId = Array.isArray(raw) ? raw[0] : raw;
    if (!customerId || !CUSTOMER_ID.test(customerId)) {
      throw new HttpProblem(400, 'Invalid request', 'customerId must be 1–64 characters, no control characters or slashes');
    }
    const key = idempotencyKeyOf(req);
    const { reason } = parseOrThrow(erasureBody, req.body);
    const principal = principalOf(req);
    const answer = await erase(db, { customerId, reason, requestedBy: principal.id, key });
    res.status(202).json(answer);
  });

  return router;
}

async function erase(db: Db, request: { customerId: string; reason: string; requestedBy: string; key: string | undefined }): Promise<ErasureAnswer> {
  const { customerId, reason, requestedBy, key } = request;
  return db.transaction().execute(async (trx) => {
    if (key) {
      // Per principal, like the case actions' keys. The customer id is only in the hash.
      const scope = `customers:erasure:${requestedBy}`;
      const requestHash = createHash('sha256').update(canonicalJson({ customerId, reason })).digest('hex');
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
