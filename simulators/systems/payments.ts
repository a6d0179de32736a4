import { Router } from 'express';
import type { SimulationContext } from '../core/context';
import { asRecord, canonicalJson, missingStrings, positiveInteger, single } from '../core/fields';
import { ok, send } from '../core/reply';
import { simulate } from '../core/simulate';
import type { SimulatorModule } from './module';

/**
 * Payouts to customers (先行賠付 and refunds) under /payments/v1:
 *   POST /payouts {payeeId, amountFen, currency: 'CNY', reason, caseId} + Idempotency-Key → {payoutId, status: 'SUCCEEDED'}
 *   GET  /payouts/{payoutId}
 *   GET  /payouts?idempotencyKey=...   so a caller whose answer was lost can see whether the payout happened
 * Reusing a key with a different request is a caller bug and answers 409 {error: 'idempotency_key_reused'};
 * a refusal is a FAILED payout (HTTP 200), which is also what the lookup then shows.
 */

interface Payout {
  payoutId: string;
  idempotencyKey: string;
  payeeId: string;
  amountFen: number;
  currency: 'CNY';
  reason: string;
  caseId: string;
  status: 'SUCCEEDED' | 'FAILED';
  failureCode?: string;
  failureMessage?: string;
  createdAt: string;
}

export function paymentsModule(ctx: SimulationContext): SimulatorModule {
  const payouts = new Map<string, Payout>();
  const routes = Router();

  routes.post('/v1/payouts', async (req, res) => {
    const body = asRecord(req.body);
    const problems = missingStrings(body, ['payeeId', 'reason', 'caseId']);
    if (positiveInteger(body.amountFen) === undefined) problems.push('amountFen (positive integer)');
    if (body.currency !== 'CNY') problems.push("currency ('CNY')");
    if (problems.length > 0) {
      return send(res, { status: 400, body: { error: 'invalid_request', message: `missing or invalid: ${problems.join(', ')}` } });
    }
    const key = single(req.headers['idempotency-key']);
    if (key === undefined || key === '') {
      return send(res, { status: 400, body: { error: 'invalid_request', message: 'the Idempotency-Key header is required' } });
    }
    const record = (status: Payout['status'], failure?: { code: string; message: string }): Payout => {
      const payout: Payout = {
        payoutId: ctx.ids.next('PO'),
        idempotencyKey: key,
        payeeId: String(body.payeeId),
        amountFen: Number(body.amountFen),
        currency: 'CNY',
        reason: String(body.reason),
        caseId: String(body.caseId),
        status,
        ...(failure !== undefined ? { failureCode: failure.code, failureMessage: failure.message } : {}),
        createdAt: ctx.now().toISOString(),
      };
      payouts.set(payout.payoutId, payout);
      return payout;
    };
    await simulate(ctx, req, res, {
      system: 'payments',
      operation: 'payout',
      idempotencyKey: key,
      fingerprint: canonicalJson(body),
      conflict: () => ({
        status: 409,
        body: { error: 'idempotency_key_reused', message: 'this Idempotency-Key was used with a different request' },
      }),
      refuse: () => ok(record('FAILED', { code: 'PAYEE_ACCOUNT_FROZEN', message: 'the payee account cannot receive funds' })),
      perform: () => ok(record('SUCCEEDED')),
    });
  });

  routes.get('/v1/payouts/:payoutId', async (req, res) => {
    const payout = payouts.get(req.params.payoutId);
    if (payout === undefined) {
      return send(res, { status: 404, body: { error: 'not_found', message: `payout ${req.params.payoutId} not found` } });
    }
    await simulate(ctx, req, res, {
      system: 'payments',
      operation: 'get-payout',
      perform: () => ok({ ...payout }),
    });
  });

  routes.get('/v1/payouts', async (req, res) => {
    const key = single(req.query.idempotencyKey);
    if (key === undefined || key === '') {
      return send(res, { status: 400, body: { error: 'invalid_request', message: 'the idempotencyKey query parameter is required' } });
    }
    await simulate(ctx, req, res, {
      system: 'payments',
      operation: 'find-payouts',
      perform: () => ok({ payouts: [...payouts.values()].filter((p) => p.idempotencyKey === key).map((p) => ({ ...p })) }),
    });
  });

  return { mountPath: '/payments', routes, reset: () => payouts.clear() };
}
