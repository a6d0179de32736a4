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

interface SentSms {
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
        const phones = String(body.PhoneNumbers)
          .split(',')
          .map((p) => p.trim());
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

  /**
   * Aliyun Dysmsapi QuerySendDetails, as JSON: POST /sms/query {PhoneNumber, SendDate (yyyyMMdd,
   * China time), PageSize (1–50), CurrentPage (from 1), BizId?} → {Code: 'OK', Message, RequestId,
   * TotalCount, SmsSendDetailDTOs: {SmsSendDetailDTO: [{PhoneNum, SendStatus (3 = delivered),
   * ErrCode, TemplateCode, Content, SendDate, ReceiveDate, OutId}]}}. Aliyun cannot filter by
   * OutId; a caller looking for its reference pages through the number's messages of that day.
   */
  routes.post('/query', async (req, res) => {
    const body = asRecord(req.body);
    for (const field of ['PhoneNumber', 'SendDate'] as const) {
      if (nonEmptyString(body[field]) === undefined) {
        return send(res, { status: 400, body: { Code: `Missing${field}`, Message: `${field} is mandatory for this action.`, RequestId: requestId() } });
      }
    }
    const sendDate = String(body.SendDate);
    if (!/^\d{8}$/.test(sendDate))
      return send(res, { status: 200, body: { Code: 'isv.SMS_PARAM_ERROR', Message: 'SendDate格式不正确', RequestId: requestId() } });
    const pageSize = Math.min(50, Math.max(1, Number(body.PageSize ?? 10) || 10));
    const currentPage = Math.max(1, Number(body.CurrentPage ?? 1) || 1);
    const phone = String(body.PhoneNumber);
    const bizId = nonEmptyString(body.BizId);
    await simulate(ctx, req, res, {
      system: 'sms',
      operation: 'query',
      perform: () => {
        const matching = sent.filter(
          (sms) => sms.phoneNumbers.includes(phone) && chinaDate(sms.sentAt).compact === sendDate && (bizId === undefined || sms.bizId === bizId),
        );
        const page = matching.slice((currentPage - 1) * pageSize, currentPage * pageSize);
        return ok({
          Code: 'OK',
          Message: 'OK',
          RequestId: requestId(),
          TotalCount: matching.length,
          SmsSendDetailDTOs: {
            SmsSendDetailDTO: page.map((sms) => ({
              PhoneNum: phone,
              SendStatus: 3,
              ErrCode: 'DELIVERED',
              TemplateCode: sms.templateCode,
              Content: `【${sms.signName}】${JSON.stringify(sms.templateParam)}`,
              SendDate: chinaDate(sms.sentAt).text,
              ReceiveDate: chinaDate(sms.sentAt).text,
              ...(sms.outId !== undefined ? { OutId: sms.outId } : {}),
            })),
          },
        });
      },
    });
  });

  const control = Router();
  control.get('/messages', (_req, res) => {
    res.json({ messages: sent });
  });

  return { mountPath: '/sms', routes, control, reset: () => void (sent.length = 0) };
}

/** Aliyun reports dates in China time (UTC+8): `yyyyMMdd` for the query, `yyyy-MM-dd HH:mm:ss` in results. */
function chinaDate(iso: string): { compact: string; text: string } {
  const shifted = new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString();
  return { compact: shifted.slice(0, 10).replace(/-/g, ''), text: `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}` };
}
