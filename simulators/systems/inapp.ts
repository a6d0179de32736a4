import { Router } from 'express';
import type { SimulationContext } from '../core/context';
import { asRecord, isRecord, missingStrings, single } from '../core/fields';
import { ok, send } from '../core/reply';
import { simulate } from '../core/simulate';
import type { SimulatorModule } from './module';

/**
 * The store SaaS in-app inbox: POST /inapp/v1/messages {userId, storeId?, title, body, data?} with an
 * Idempotency-Key header → {messageId}. Refusal: {code: 'RECIPIENT_UNAVAILABLE', message} HTTP 200.
 */

interface InAppMessage {
  messageId: string;
  userId: string;
  storeId?: string;
  title: string;
  body: string;
  data?: unknown;
  createdAt: string;
}

export function inAppModule(ctx: SimulationContext): SimulatorModule {
  const inbox: InAppMessage[] = [];
  const routes = Router();

  routes.post('/v1/messages', async (req, res) => {
    const body = asRecord(req.body);
    const missing = missingStrings(body, ['userId', 'title', 'body']);
    if (body.storeId !== undefined && typeof body.storeId !== 'string') missing.push('storeId');
    if (body.data !== undefined && !isRecord(body.data)) missing.push('data (object)');
    if (missing.length > 0) return send(res, { status: 400, body: { code: 'INVALID_ARGUMENT', message: `missing or invalid: ${missing.join(', ')}` } });
    const key = single(req.headers['idempotency-key']);
    if (key === undefined || key === '') {
      return send(res, { status: 400, body: { code: 'INVALID_ARGUMENT', message: 'the Idempotency-Key header is required' } });
    }
    await simulate(ctx, req, res, {
      system: 'inapp',
      operation: 'send',
      idempotencyKey: key,
      refuse: () => ok({ code: 'RECIPIENT_UNAVAILABLE', message: 'the user has no active store membership' }),
      perform: () => {
        const message: InAppMessage = {
          messageId: ctx.ids.next('MSG'),
          userId: String(body.userId),
          title: String(body.title),
          body: String(body.body),
          createdAt: ctx.now().toISOString(),
          ...(typeof body.storeId === 'string' ? { storeId: body.storeId } : {}),
          ...(body.data !== undefined ? { data: body.data } : {}),
        };
        inbox.push(message);
        return ok({ messageId: message.messageId });
      },
    });
  });

  const control = Router();
  control.get('/messages', (req, res) => {
    const userId = single(req.query.userId);
    res.json({ messages: inbox.filter((m) => userId === undefined || m.userId === userId) });
  });

  return { mountPath: '/inapp', routes, control, reset: () => void (inbox.length = 0) };
}
