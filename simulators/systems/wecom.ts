import { Router } from 'express';
import type { SimulationContext } from '../core/context';
import { asRecord, isRecord, nonEmptyString, single } from '../core/fields';
import { ok, send, transient } from '../core/reply';
import { simulate } from '../core/simulate';
import type { SimulatorModule } from './module';
import { RollingRateLimit, WECOM_MESSAGES_PER_MINUTE } from './wecom-rate-limit';

/**
 * WeCom (企业微信) group robot: POST /wecom/cgi-bin/webhook/send?key=KEY with
 * {msgtype: 'text', text: {content}} or {msgtype: 'markdown', markdown: {content}} → {errcode: 0, errmsg: 'ok'}.
 * Errors are errcode values with HTTP 200: 93000 bad key, 40008 bad msgtype, 44004 empty content,
 * 40058 content over 4096 bytes, 45009 over 20 messages per rolling minute per key (the window
 * and limit can be changed for tests under /__control/wecom/rate-limit, which also counts 45009s).
 * WeCom has no idempotency field; an optional Idempotency-Key header is honoured for our tests.
 */

const MAX_CONTENT_BYTES = 4096;
const MSG_TYPES = ['text', 'markdown'] as const;

interface RobotMessage {
  key: string;
  msgtype: string;
  content: string;
  sentAt: string;
}

export function weComModule(ctx: SimulationContext): SimulatorModule {
  const delivered: RobotMessage[] = [];
  const rateLimit = new RollingRateLimit(WECOM_MESSAGES_PER_MINUTE, ctx.now);
  const routes = Router();

  routes.post('/cgi-bin/webhook/send', async (req, res) => {
    const webhookKey = nonEmptyString(single(req.query.key));
    if (webhookKey === undefined) {
      return send(res, ok({ errcode: 93000, errmsg: 'invalid webhook url, hint: key is missing' }));
    }
    const body = asRecord(req.body);
    const msgtype = typeof body.msgtype === 'string' ? body.msgtype : '';
    if (!(MSG_TYPES as readonly string[]).includes(msgtype)) {
      return send(res, ok({ errcode: 40008, errmsg: `invalid message type: ${msgtype || '(none)'}` }));
    }
    const payload = body[msgtype];
    const content = isRecord(payload) && typeof payload.content === 'string' ? payload.content : '';
    const key = nonEmptyString(single(req.headers['idempotency-key']));
    await simulate(ctx, req, res, {
      system: 'wecom',
      operation: 'send',
      ...(key !== undefined ? { idempotencyKey: key } : {}),
      refuse: () => ok({ errcode: 93000, errmsg: 'invalid webhook url, hint: the robot was removed from the group' }),
      perform: () => {
        if (content === '') return ok({ errcode: 44004, errmsg: 'empty content' });
        if (Buffer.byteLength(content, 'utf8') > MAX_CONTENT_BYTES) {
          return ok({ errcode: 40058, errmsg: `content exceed max length ${MAX_CONTENT_BYTES} bytes` });
        }
        if (!rateLimit.allows(webhookKey)) {
          rateLimit.refused += 1;
          return transient(200, { errcode: 45009, errmsg: 'api freq out of limit' });
        }
        rateLimit.count(webhookKey);
        delivered.push({ key: webhookKey, msgtype, content, sentAt: ctx.now().toISOString() });
        return ok({ errcode: 0, errmsg: 'ok' });
      },
    });
  });

  const control = Router();
  control.get('/messages', (req, res) => {
    const key = single(req.query.key);
    res.json({ messages: delivered.filter((m) => key === undefined || m.key === key) });
  });

  // GET: {perWindow, windowMs, refused}; PUT {perWindow?, windowMs?}: a shorter window for tests.
  control.get('/rate-limit', (_req, res) => {
    res.json(rateLimit.settings());
  });
  control.put('/rate-limit', (req, res) => {
    const body = asRecord(req.body);
    const valid = (value: unknown, min: number) => value === undefined || (typeof value === 'number' && Number.isInteger(value) && value >= min);
    if (!valid(body.perWindow, 1) || !valid(body.windowMs, 100)) {
      res.status(400).json({ error: 'invalid_body', message: 'expected {perWindow?: integer ≥ 1, windowMs?: integer ≥ 100}' });
      return;
    }
    rateLimit.configure({
      ...(typeof body.perWindow === 'number' ? { limit: body.perWindow } : {}),
      ...(typeof body.windowMs === 'number' ? { windowMs: body.windowMs } : {}),
    });
    res.json(rateLimit.settings());
  });

  return {
    mountPath: '/wecom',
    routes,
    control,
    reset: () => {
      delivered.length = 0;
      rateLimit.clear();
    },
  };
}
