import { Router } from 'express';
import type { SimulationContext } from '../core/context';
import { asRecord, nonEmptyString } from '../core/fields';
import { ok, send } from '../core/reply';
import { simulate } from '../core/simulate';
import type { SimulatorModule } from './module';

/**
 * Aliyun Dysmsapi SendSms, as JSON: POST /sms/send {PhoneNumbers, SignName, TemplateCode,
 * TemplateParam (a JSON string), OutId} → {Code: 'OK', Message: 'OK', BizId, RequestId}. OutId is
 * Aliyun's caller reference and serves as the idempotency key; without it every call sends.
 * Business errors answer HTTP 200 with their isv.* code, like Aliyun.
 */

// Mainland mobile numbers: 11 digits starting with 1 (an optional +86/0086 prefix is tolerated).
const MOBILE = /^(?:\+?86|0086)?1\d{10}$/;

export interface SentSms {
  bizId: string;
  phoneNumbers: string[];
  signName: string;
  templateCode: string;
  templateParam: unknown;
  outId?: string;
  sentAt: string;
}

export function smsModule(ctx: SimulationContext): SimulatorModule {
  const sent: SentSms[] = [];
  const requestId = (): string => ctx.ids.next('SMSREQ-', 12);
  const error = (Code: string, Message: string) => ok({ Code, Message, RequestId: requestId() });

  const routes = Router();
  routes.post('/send', async (req, res) => {
    const body = asRecord(req.body);
    for (const field of ['PhoneNumbers', 'SignName', 'TemplateCode'] as const) {
      if (nonEmptyString(body[field]) === undefined) {
        return send(res, {
          status: 400,
          body: { Code: `Missing${field}`, Message: `${field} is mandatory for this action.`, RequestId: requestId() },
        });
      }
    }
    const outId = nonEmptyString(body.OutId);
    await simulate(ctx, req, res, {
      system: 'sms',
      operation: 'send',
      ...(outId !== undefined ? { idempotencyKey: outId } : {}),
      refuse: () => error('isv.BUSINESS_LIMIT_CONTROL', '触发号码天级流控'),
      perform: () => {
        const phones = String(body.PhoneNumbers).split(',').map((p) => p.trim());
        if (phones.some((p) => !MOBILE.test(p))) return error('isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
        let templateParam: unknown = null;
        if (body.TemplateParam !== undefined) {
          try {
            templateParam = JSON.parse(String(body.TemplateParam));
          } catch {
            return error('isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
          }
        }
        const bizId = `${ctx.ids.nextNumeric('SMSBIZ', 15)}^0`;
        sent.push({
          bizId,
          phoneNumbers: phones,
          signName: String(body.SignName),
          templateCode: String(body.TemplateCode),
          templateParam,
          ...(outId !== undefined ? { outId } : {}),
          sentAt: ctx.now().toISOString(),
        });
        return ok({ Code: 'OK', Message: 'OK', BizId: bizId, RequestId: requestId() });
      },
    });
  });

  const control = Router();
  control.get('/messages', (_req, res) => {
    res.json({ messages: sent });
  });

  return { mountPath: '/sms', routes, control, reset: () => void (sent.length = 0) };
}
