import type { Client } from '@temporalio/client';
import express, { Router, type Request, type Response } from 'express';
import type { Db } from '../../store/database';
import { supplierWebhookSecret, type AppConfig } from '../../config';
import type { TrackingEvent } from '../../domain/tracking';
import type { CaseService } from '../case-service';
import { parseBoundedJson } from '../json-depth';
import { HttpProblem, parseOrThrow } from '../problem';
import { genericTrackingPush, supplierReplyBody } from '../schemas';
import { parseAftershipPush, parseKuaidi100Param, type ParsedPush } from '../webhooks/provider-pushes';
import { verifyAftershipSignature, verifyGenericSignature, verifyKuaidi100Signature, verifySupplierSignature } from '../webhooks/signatures';
import { intakeSupplierReply } from '../webhooks/supplier-intake';
import { intakeTrackingEvent } from '../webhooks/tracking-intake';

/** Inbound pushes, authenticated by the sender's signature over the raw body, not a bearer token. */
export function webhooksRouter(
  config: AppConfig,
  db: Db,
  cases: CaseService,
  /** The supplier route signals the follow-up workflow directly. */
  temporal: Client,
  log: (message: string, error?: unknown) => void = () => undefined,
): Router {
  const router = Router();
  router.use(express.raw({ type: () => true, limit: '256kb' }));

  /** Records and delivers one canonical event; throws a 503 problem when delivery must be retried. */
  const intake = async (event: TrackingEvent, res: Response) => {
    try {
      const result = await intakeTrackingEvent(db, cases, event);
      res.locals.webhookOutcome = result.duplicate ? 'duplicate' : result.held ? 'held' : 'delivered';
      return result;
    } catch (error) {
      // Recorded (if the database answered) and left pending: the retry or the sweeper finishes it.
      log(`tracking event ${event.provider}/${event.eventId} not yet delivered`, error);
      throw new HttpProblem(503, 'Delivery failed', 'The event could not be delivered to every case yet; retry later');
    }
  };

  /**
   * Kuaidi100 subscription push (快遞100 訂閱推送): form fields `param` and `sign`. Kuaidi100 reads
   * only its own answer shape, so every answer — refusals too — is `{result, returnCode, message}`;
   * `result: false` (or no answer) makes Kuaidi100 push again later.
   */
  router.post('/tracking/kuaidi100', async (req, res) => {
    const answer = (status: number, result: boolean, message: string) =>
      res.status(status).json({ result, returnCode: result ? '200' : String(status), message });
    const form = new URLSearchParams(rawBody(req).toString('utf8'));
    const param = form.get('param');
    if (param === null || param === '') return answer(400, false, '缺少 param 參數 (form field param is missing)');
    if (!verifyKuaidi100Signature(param, form.get('sign') ?? undefined, config.webhookSecrets.kuaidi100)) {
      return answer(401, false, '簽名驗證失敗 (sign must be upper-case MD5 of param + salt)');
    }
    const parsed = parseKuaidi100Param(param, new Date());
    if (!parsed.ok) return answer(400, false, `推送內容無效: ${parsed.problems.join('; ')}`);
    try {
      const result = await intake(parsed.event, res);
      return answer(200, true, result.duplicate ? '成功 (重複推送)' : '成功');
    } catch {
      return answer(503, false, '暫時無法處理，請稍後重推 (not yet delivered; push again later)');
    }
  });

  /** AfterShip webhook: JSON, `aftership-hmac-sha256` = base64 HMAC-SHA256 of the raw body. */
  router.post('/tracking/aftership', async (req, res) => {
    const raw = rawBody(req);
    if (!verifyAftershipSignature(raw, req.get('aftership-hmac-sha256'), config.webhookSecrets.aftership)) {
      throw new HttpProblem(401, 'Invalid signature', 'aftership-hmac-sha256 must be the base64 HMAC-SHA256 of the raw body');
    }
    const parsed = providerPush(parseAftershipPush(parseJson(raw), new Date()));
    const result = await intake(parsed, res);
    res.status(200).json({ received: true, eventId: parsed.eventId, status: parsed.status, subStatus: parsed.subStatus ?? null, ...result });
  });

  router.post('/tracking/generic', async (req, res) => {
    const raw = rawBody(req);
    if (!verifyGenericSignature(raw, req.get('x-signature'), config.webhookSecrets.generic)) {
      throw new HttpProblem(401, 'Invalid signature', 'X-Signature must be sha256=<hex HMAC-SHA256 of the raw body>');
    }
    const push = parseOrThrow(genericTrackingPush, parseJson(raw));
    const event: TrackingEvent = { ...push, provider: 'generic' } as TrackingEvent;
    const result = await intake(event, res);
    res.status(200).json({ received: true, ...result });
  });

  /** A supplier's reply to a follow-up (供應商跟進), signalled to the case's follow-up workflow. */
  router.post('/supplier/:supplierId', async (req: Request<{ supplierId: string }>, res) => {
    const { supplierId } = req.params;
    const raw = rawBody(req);
    if (!verifySupplierSignature(supplierId, raw, req.get('x-signature'), supplierWebhookSecret(config, supplierId))) {
      throw new HttpProblem(
        401,
        'Invalid signature',
        'X-Signature must be sha256=<hex HMAC-SHA256 of "<supplierId>." followed by the raw body, under the supplier\'s own secret>',
      );
    }
    const body = parseOrThrow(supplierReplyBody, parseJson(raw));
    const result = await intakeSupplierReply(db, temporal, supplierId, body, undefined, log);
    res.locals.webhookOutcome = result.duplicate ? 'duplicate' : 'delivered';
    res.status(200).json({ received: true, ...result });
  });

  return router;
}

/** A provider push that is not one is a 400 naming what is wrong; nothing is recorded. */
function providerPush(parsed: ParsedPush): TrackingEvent {
  if (!parsed.ok) throw new HttpProblem(400, 'Malformed push', parsed.problems.join('; '));
  return parsed.event;
}

function rawBody(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/** The signed body, parsed: malformed JSON is a 400 (the signature was checked before). */
function parseJson(raw: Buffer): unknown {
  return parseBoundedJson(raw.toString('utf8'));
}
