import type { Client } from '@temporalio/client';
import express, { Router, type Request } from 'express';
import type { Db } from '../../store/database';
import { supplierWebhookSecret, type AppConfig } from '../../config';
import type { TrackingEvent } from '../../domain/tracking';
import type { CaseService } from '../case-service';
import { HttpProblem, parseOrThrow } from '../problem';
import { genericTrackingPush, supplierReplyBody } from '../schemas';
import { verifyGenericSignature, verifySupplierSignature } from '../webhooks/signatures';
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

  router.post('/tracking/generic', async (req, res) => {
    const raw = rawBody(req);
    if (!verifyGenericSignature(raw, req.get('x-signature'), config.webhookSecrets.generic)) {
      throw new HttpProblem(401, 'Invalid signature', 'X-Signature must be sha256=<hex HMAC-SHA256 of the raw body>');
    }
    const push = parseOrThrow(genericTrackingPush, parseJson(raw));
    const event: TrackingEvent = { ...push, provider: 'generic' } as TrackingEvent;
    try {
      const result = await intakeTrackingEvent(db, cases, event);
      res.locals.webhookOutcome = result.duplicate ? 'duplicate' : result.held ? 'held' : 'delivered';
      res.status(200).json({ received: true, ...result });
    } catch (error) {
      // Recorded (if the database answered) and left pending: the retry or the sweeper finishes it.
      log(`tracking event ${event.eventId} not yet delivered`, error);
      throw new HttpProblem(503, 'Delivery failed', 'The event could not be delivered to every case yet; retry later');
    }
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

function rawBody(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/** The signed body, parsed: malformed JSON is a 400 (the signature was checked before). */
function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpProblem(400, 'Malformed JSON', 'The request body is not valid JSON');
  }
}
