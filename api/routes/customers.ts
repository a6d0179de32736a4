import type { Db } from '../../store/database';
import { principalOf } from '../auth';
import { eraseCustomerData } from '../customer-erasure';
import { allow } from '../permissions';
import { HttpProblem, parseOrThrow } from '../problem';
import { idempotencyKeyOf } from './cases';
import { Router } from 'express';
import { z } from 'zod';

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

export const erasureBody = z.object({ reason: z.string().trim().min(1).max(500) }).strict();

export function customersRouter(db: Db, keyTtlMs: number): Router {
  const router = Router();

  router.post('/:customerId/erasure', allow('POST /v1/customers/{customerId}/erasure'), async (req, res) => {
    const raw = req.params.customerId;
    const customerId = Array.isArray(raw) ? raw[0] : raw;
    if (!customerId || !CUSTOMER_ID.test(customerId)) {
      throw new HttpProblem(400, 'Invalid request', 'customerId must be 1–64 characters, no control characters or slashes');
    }
    const key = idempotencyKeyOf(req);
    const { reason } = parseOrThrow(erasureBody, req.body);
    const principal = principalOf(req);
    const answer = await eraseCustomerData(db, { customerId, reason, requestedBy: principal.id, key, keyTtlMs });
    res.status(202).json(answer);
  });

  return router;
}
