import type { Client } from '@temporalio/client';
import express, { Router, type Request, type Response } from 'express';
import type { Db } from '../../store/database';
import { supplierWebhookSecret, type AppConfig } from '../../config';
import type { TrackingEvent } from '../../domain/tracking';
import type { CaseService } from '../case-service';
import { parseBoundedJson } from '../json-depth';
import { perWebhookProviderLimit } from '../rate-limit';
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
  const limits = config.platform.rateLimit;
  /** Kuaidi100 reads only its own answer shape: `{result, returnCode, message}`. */
  const kuaidi100Answer = (res: Response, status: number, result: boolean, message: string) =>
    res.status(status).json({ result, returnCode: result ? '200' : String(status), message });

  /**
   * Kuaidi100 subscription push (快遞100 訂閱推送): form fields `param` and `sign`. Kuaidi100 reads
   * only its own answer shape, so every answer — refusals and 429s too — is `{result, returnCode,
   * message}`; `result: false` (or no answer) makes Kuaidi100 push again later.
   */
  router.post(
    '/tracking/kuaidi100',
    (req, res, next) => {
      const form = new URLSearchParams(rawBody(req).toString('utf8'));
      const param = form.get('param');
      if (param === null || param === '') return kuaidi100Answer(res, 400, false, '缺少 param 參數 (form field param is missing)');
      if (!verifyKuaidi100Signature(param, form.get('sign') ?? undefined, config.webhookSecrets.kuaidi100)) {
        return kuaidi100Answer(res, 401, false, '簽名驗證失敗 (sign must be upper-case MD5 of param + salt)');
      }
      res.locals.kuaidi100Param = param;
      next();
    },
    perWebhookProviderLimit(
      limits,
      () => 'tracking:kuaidi100',
      (res) => kuaidi100Answer(res, 429, false, '推送過於頻繁，請稍後重推 (too many pushes; push again after Retry-After seconds)'),
    ),
    async (_req, res) => {
      const parsed = parseKuaidi100Param(res.locals.kuaidi100Param as string, new Date());
      if (!parsed.ok) return kuaidi100Answer(res, 400, false, `推送內容無效: ${parsed.problems.join('; ')}`);
      try {
        const result = await intake(parsed.event, res);
        return kuaidi100Answer(res, 200, true, result.duplicate ? '成功 (重複推送)' : '成功');
      } catch {
        return kuaidi100Answer(res, 503, false, '暫時無法處理，請稍後重推 (not yet delivered; push again later)');
      }
    },
  );

  /** AfterShip webhook: JSON, `aftership-hmac-sha256` = base64 HMAC-SHA256 of the raw body. */
  router.post(
    '/tracking/aftership',
    (req, _res, next) => {
      if (!verifyAftershipSignature(rawBody(req), req.get('aftership-hmac-sha256'), config.webhookSecrets.aftership)) {
        throw new HttpProblem(401, 'Invalid signature', 'aftership-hmac-sha256 must be the base64 HMAC-SHA256 of the raw body');
      }
      next();
    },
    perWebhookProviderLimit(limits, () => 'tracking:aftership'),
    async (req, res) => {
      const parsed = providerPush(parseAftershipPush(parseJson(rawBody(req)), new Date()));
      const result = await intake(parsed, res);
      res.status(200).json({ received: true, eventId: parsed.eventId, status: parsed.status, subStatus: parsed.subStatus ?? null, ...result });
    },
  );

  router.post(
    '/tracking/generic',
    (req, _res, next) => {
      if (!verifyGenericSignature(rawBody(req), req.get('x-signature'), config.webhookSecrets.generic)) {
        throw new HttpProblem(401, 'Invalid signature', 'X-Signature must be sha256=<hex HMAC-SHA256 of the raw body>');
      }
      next();
    },
    perWebhookProviderLimit(limits, () => 'tracking:generic'),
    async (req, res) => {
      const push = parseOrThrow(genericTrackingPush, parseJson(rawBody(req)));
      const event: TrackingEvent = { ...push, provider: 'generic' } as TrackingEvent;
      const result = await intake(event, res);
      res.status(200).json({ received: true, ...result });
    },
  );

  /** A supplier's reply to a follow-up (供應商跟進), signalled to the case's follow-up workflow. */
  router.post(
    '/supplier/:supplierId',
    (req: Request<{ supplierId: string }>, _res, next) => {
      const { supplierId } = req.params;
      if (!verifySupplierSignature(supplierId, rawBody(req), req.get('x-signature'), supplierWebhookSecret(config, supplierId))) {
        throw new HttpProblem(
          401,
          'Invalid signature',
          'X-Signature must be sha256=<hex HMAC-SHA256 of "<supplierId>." followed by the raw body, under the supplier\'s own secret>',
        );
      }
      next();
    },
    // Only a supplier that signed reaches this: its id is one it holds the secret of.
    perWebhookProviderLimit(limits, (req) => `supplier:${String(req.params.supplierId ?? '').toUpperCase()}`),
    async (req: Request<{ supplierId: string }>, res: Response) => {
      const { supplierId } = req.params;
      const body = parseOrThrow(supplierReplyBody, parseJson(rawBody(req)));
      const result = await intakeSupplierReply(db, temporal, supplierId, body, undefined, log);
      res.locals.webhookOutcome = result.duplicate ? 'duplicate' : 'delivered';
      res.status(200).json({ received: true, ...result });
    },
  );

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
