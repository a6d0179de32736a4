import { Router, type Request, type Response } from 'express';
import type { SimulationContext } from '../../core/context';
import { asRecord, isRecord, missingStrings, nonEmptyString, positiveInteger, single, type Fields } from '../../core/fields';
import { ok, send, type Reply } from '../../core/reply';
import { simulate } from '../../core/simulate';
import type { Claim } from './claims';
import type { InstructionKind } from './instructions';
import type { CarrierState } from './state';

/**
 * Our generic carrier open API (/carrier/generic/v1): JSON in, `{code, message, data}` out, writes
 * keyed by the Idempotency-Key header. code 0 is success; a business refusal is `{code: 4001}` with
 * HTTP 200, as carrier platforms do.
 */

const REFUSALS: Record<string, string> = {
  urge: 'urge rejected: the parcel has already been delivered',
  intercept: 'the parcel can no longer be intercepted: it is out for delivery or delivered',
  redirect: 'the parcel can no longer be redirected: it is out for delivery or delivered',
  return: 'return to sender rejected: the parcel has already been delivered',
  redeliver: 'redelivery rejected: the parcel is not in a failed-delivery state',
  'file-claim': 'claim rejected: the waybill is not eligible for compensation',
  tracking: 'waybill not found',
};

function invalid(message: string): Reply {
  return { status: 400, body: { code: 4000, message } };
}

function refusal(operation: string): Reply {
  return ok({ code: 4001, message: REFUSALS[operation] ?? 'request refused by carrier' });
}

function claimView(claim: Claim): Fields {
  const { polls: _polls, ...view } = claim;
  return view;
}

const ADDRESS_FIELDS = ['name', 'phone', 'province', 'city', 'district', 'detail'] as const;

/** Extra body checks per instruction, beyond carrier + waybillNo. */
function instructionProblems(kind: InstructionKind, body: Fields): string[] {
  if (kind === 'urge' || kind === 'intercept') return missingStrings(body, ['reason']);
  if (kind === 'redirect') {
    if (!isRecord(body.newAddress)) return ['newAddress'];
    return missingStrings(body.newAddress, ADDRESS_FIELDS).map((f) => `newAddress.${f}`);
  }
  return [];
}

export function genericCarrierRoutes(ctx: SimulationContext, state: CarrierState): Router {
  const router = Router();

  const instruction =
    (kind: InstructionKind) =>
    async (req: Request, res: Response): Promise<void> => {
      const body = asRecord(req.body);
      const missing = [...missingStrings(body, ['carrier', 'waybillNo']), ...instructionProblems(kind, body)];
      if (missing.length > 0) return send(res, invalid(`missing or invalid: ${missing.join(', ')}`));
      const key = single(req.headers['idempotency-key']);
      if (key === undefined || key === '') return send(res, invalid('the Idempotency-Key header is required'));
      const carrier = String(body.carrier);
      const waybillNo = String(body.waybillNo);
      await simulate(ctx, req, res, {
        system: 'carrier',
        operation: kind,
        idempotencyKey: key,
        refuse: () => refusal(kind),
        perform: () => {
          const ticketId = ctx.ids.next('TK');
          const { carrier: _c, waybillNo: _w, ...details } = body;
          state.instructions.add({ ticketId, kind, carrier, waybillNo, details, at: ctx.now().toISOString() });
          return ok({ code: 0, message: 'ok', data: { ticketId, carrier, waybillNo, status: 'ACCEPTED' } });
        },
      });
    };

  router.post('/urge', instruction('urge'));
  router.post('/intercept', instruction('intercept'));
  router.post('/redirect', instruction('redirect'));
  router.post('/return', instruction('return'));
  router.post('/redeliver', instruction('redeliver'));

  router.post('/claims', async (req, res) => {
    const body = asRecord(req.body);
    const missing = missingStrings(body, ['carrier', 'waybillNo', 'reason']);
    if (positiveInteger(body.amountFen) === undefined) missing.push('amountFen (positive integer)');
    if (missing.length > 0) return send(res, invalid(`missing or invalid: ${missing.join(', ')}`));
    const key = single(req.headers['idempotency-key']);
    if (key === undefined || key === '') return send(res, invalid('the Idempotency-Key header is required'));
    await simulate(ctx, req, res, {
      system: 'carrier',
      operation: 'file-claim',
      idempotencyKey: key,
      refuse: () => refusal('file-claim'),
      perform: () => {
        const claim = state.claims.file({
          claimNo: ctx.ids.next('CL'),
          carrier: String(body.carrier),
          waybillNo: String(body.waybillNo),
          amountFen: Number(body.amountFen),
          reason: String(body.reason),
          ...(body.evidence !== undefined ? { evidence: body.evidence } : {}),
        });
        return ok({ code: 0, message: 'ok', data: { claimNo: claim.claimNo, status: claim.status } });
      },
    });
  });

  router.get('/claims/:claimNo', async (req, res) => {
    const claimNo = req.params.claimNo;
    if (!state.claims.has(claimNo)) return send(res, { status: 404, body: { code: 4040, message: `claim ${claimNo} not found` } });
    await simulate(ctx, req, res, {
      system: 'carrier',
      operation: 'claim-status',
      // A refused claim is the carrier's answer to the claim, so it shows as a status, not an error.
      refuse: () => {
        const claim = state.claims.reject(claimNo, 'carrier assessment: loss not attributable to carrier');
        return ok({ code: 0, message: 'ok', data: claim === undefined ? null : claimView(claim) });
      },
      perform: () => {
        const claim = state.claims.poll(claimNo);
        return ok({ code: 0, message: 'ok', data: claim === undefined ? null : claimView(claim) });
      },
    });
  });

  router.get('/tracking/:waybillNo', async (req, res) => {
    const waybillNo = req.params.waybillNo;
    const carrierHint = nonEmptyString(single(req.query.carrier));
    await simulate(ctx, req, res, {
      system: 'carrier',
      operation: 'tracking',
      refuse: () => refusal('tracking'),
      perform: () => {
        const events = state.tracking.trace(waybillNo, carrierHint);
        const latest = events[events.length - 1];
        return ok({
          code: 0,
          message: 'ok',
          data: { waybillNo, carrier: latest?.carrier ?? carrierHint ?? 'UNKNOWN', status: latest?.status ?? 'Pending', events },
        });
      },
    });
  });

  return router;
}
