import { Router } from 'express';
import type { SimulationContext } from '../core/context';
import { asRecord, nonEmptyString } from '../core/fields';
import { deliverPush } from '../tracking/deliver';
import { parseTrackingEvent } from '../tracking/event';
import { buildPush, PUSH_PROVIDERS, type PushProvider } from '../tracking/push-formats';
import type { TrackingStore } from '../tracking/store';

/**
 * POST /__control/tracking-push {provider, targetUrl, secret, event}: the simulator plays the carrier
 * or aggregator and pushes the event to targetUrl in that provider's format and signature. The event
 * is remembered for the waybill first, so carrier tracking queries show it whether or not the target
 * accepted the push. Answers {delivered, status, body} with the target's answer.
 */
export function trackingPushRoutes(ctx: SimulationContext, tracking: TrackingStore): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const body = asRecord(req.body);
    const problems: string[] = [];
    const provider = body.provider;
    if (!(PUSH_PROVIDERS as readonly unknown[]).includes(provider)) problems.push(`provider must be one of ${PUSH_PROVIDERS.join(', ')}`);
    const targetUrl = nonEmptyString(body.targetUrl);
    if (targetUrl === undefined || !URL.canParse(targetUrl)) problems.push('targetUrl must be an absolute URL');
    const secret = body.secret;
    if (typeof secret !== 'string' || secret === '') problems.push('secret must be a non-empty string');
    const event = parseTrackingEvent(body.event);
    if (Array.isArray(event)) problems.push(...event);
    if (problems.length > 0 || Array.isArray(event) || targetUrl === undefined || typeof secret !== 'string') {
      res.status(400).json({ error: 'invalid_body', message: problems.join('; ') });
      return;
    }
    tracking.remember(event);
    const push = buildPush(provider as PushProvider, {
      rawEvent: body.event,
      event,
      trace: tracking.trace(event.waybillNo, event.carrier),
      secret,
      now: ctx.now(),
    });
    res.json(await deliverPush(targetUrl, push));
  });
  return router;
}
