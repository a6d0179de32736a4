import type { Client } from '@temporalio/client';
import express, { Router, type Request } from 'express';
import type { Db } from '../../activities/store/database';
import type { AppConfig } from '../../config';
import type { TrackingEvent } from '../../domain/tracking';
import type { CaseService } from '../case-service';
import { HttpProblem, parseOrThrow } from '../problem';
import { genericTrackingPush, supplierReplyBody } from '../schemas';
import { verifyGenericSignature } from '../webhooks/signatures';
import { intakeSupplierReply } from '../webhooks/supplier-intake';
import { intakeTrackingEvent } from '../webhooks/tracking-intake';

/** Inbound pushes, authenticated by the sender's signature over the raw body, not a bearer token. */
export function webhooksRouter(
  config: AppConfig,
  db: Db,
  cases: CaseService,
  /** The supplier route signals the follow-up workflow directly. */
  temporal: Client,
): Router {
  const router = Router();
  router.use(express.raw({ type: () => true, limit: '256kb' }));

  router.post('/tracking/generic', async (req, res) => {
    const push = parseOrThrow(genericTrackingPush, signedJson(req, config.webhookSecrets.generic));
    const event: TrackingEvent = { ...push, provider: 'generic' } as TrackingEvent;
    try {
      const result = await intakeTrackingEvent(db, cases, event);
      res.status(200).json({ received: true, ...result });
    } catch (error) {
      throw new HttpProblem(503, 'Delivery failed', `The event was not recorded; retry later (${(error as Error).message})`);
    }
  });

  /** A supplier's reply to a follow-up (供應商跟進), signalled to the case's follow-up workflow. */
  router.post('/supplier/:supplierId', async (req: Request<{ supplierId: string }>, res) => {
    const body = parseOrThrow(supplierReplyBody, signedJson(req, config.webhookSecrets.supplier));
    const result = await intakeSupplierReply(db, temporal, req.params.supplierId, body);
    res.status(200).json({ received: true, ...result });
  });

  return router;
}

/**
 * The body of a push signed `X-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, parsed: a bad
 * signature is 401 before anything is read, malformed JSON 400.
 */
function signedJson(req: Request, secret: string): unknown {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (!verifyGenericSignature(raw, req.get('x-signature'), secret)) {
    throw new HttpProblem(401, 'Invalid signature', 'X-Signature must be sha256=<hex HMAC-SHA256 of the raw body>');
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpProblem(400, 'Malformed JSON', 'The request body is not valid JSON');
  }
}
