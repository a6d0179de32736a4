import { ApplicationFailure } from '@temporalio/common';
import type { RenderedMessage } from '../../domain/notification-templates';
import { requestJson, TransientHttpError } from '../http/json-client';

/**
 * Adapters for the three notification channels, each speaking its provider's wire format.
 * Each returns the provider's message id; a provider-level refusal that retrying cannot fix
 * (an illegal phone number) is a non-retryable failure.
 */

export interface Recipient {
  userId: string;
  phone?: string;
  storeId?: string;
  /** WeCom group-bot key of the store's (or staff's) group. */
  wecomKey?: string;
}

interface ChannelSend {
  idempotencyKey: string;
  recipient: Recipient;
  message: RenderedMessage;
  params: Record<string, string>;
}

export interface NotificationChannelAdapter {
  send(request: ChannelSend): Promise<{ providerMessageId: string }>;
  /**
   * Whether the provider already accepted a message under this key (a previous attempt whose
   * answer was lost). Only providers with a query API have it; the outbox asks before a retry.
   */
  findSent?(request: ChannelSend): Promise<{ providerMessageId: string } | undefined>;
  /** The provider itself keeps one message per Idempotency-Key: sending again is harmless. */
  deduplicates?: true;
}

interface AliyunQuerySendDetailsResponse {
  Code: string;
  Message: string;
  TotalCount?: number;
  SmsSendDetailDTOs?: { SmsSendDetailDTO?: Array<{ OutId?: string; SendStatus?: number; PhoneNum?: string }> };
}

/** Pages of QuerySendDetails read per day before giving up the search (50 messages a page). */
const SMS_QUERY_MAX_PAGES = 10;

/** Aliyun's SendDate (yyyyMMdd) is a China-time day. */
function chinaDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

interface AliyunSendSmsResponse {
  Code: string;
  Message: string;
  BizId?: string;
  RequestId?: string;
}

/** Aliyun dysmsapi SendSms: the provider renders its registered template; OutId carries our key. */
export function smsChannel(baseUrl: string, signName = '枫车'): NotificationChannelAdapter {
  return {
    async send({ idempotencyKey, recipient, message, params }) {
      if (!recipient.phone) throw ApplicationFailure.nonRetryable('SMS needs a phone number', 'NoPhone');
      const { body } = await requestJson<AliyunSendSmsResponse>({
        method: 'POST',
        url: `${baseUrl}/send`,
        json: {
          PhoneNumbers: recipient.phone,
          SignName: signName,
          TemplateCode: message.smsCode,
          TemplateParam: JSON.stringify(params),
          OutId: idempotencyKey,
        },
      });
      if (body.Code !== 'OK') {
        // Throttling is transient; everything else (illegal number, template) is not.
        if (body.Code.includes('LIMIT_CONTROL')) throw new Error(`SMS throttled: ${body.Message}`);
        throw ApplicationFailure.nonRetryable(`SMS refused: ${body.Code} ${body.Message}`, 'SmsRefused');
      }
      return { providerMessageId: body.BizId ?? body.RequestId ?? idempotencyKey };
    },
    /**
     * QuerySendDetails cannot filter by OutId: read the number's messages of today and yesterday
     * (China time; a retry crosses midnight at most once within the activity's retry window) and
     * look for our key. A failing query throws, so the attempt retries instead of sending blind.
     */
    async findSent({ idempotencyKey, recipient }) {
      if (!recipient.phone) return undefined;
      const now = new Date();
      for (const day of [chinaDay(now), chinaDay(new Date(now.getTime() - 86_400_000))]) {
        for (let page = 1; page <= SMS_QUERY_MAX_PAGES; page++) {
          const { body } = await requestJson<AliyunQuerySendDetailsResponse>({
            method: 'POST',
            url: `${baseUrl}/query`,
            json: { PhoneNumber: recipient.phone, SendDate: day, PageSize: 50, CurrentPage: page },
          });
          if (body.Code !== 'OK') throw new Error(`SMS QuerySendDetails refused: ${body.Code} ${body.Message}`);
          const details = body.SmsSendDetailDTOs?.SmsSendDetailDTO ?? [];
          if (details.some((detail) => detail.OutId === idempotencyKey)) return { providerMessageId: `outid:${idempotencyKey}` };
          if (page * 50 >= (body.TotalCount ?? 0) || details.length === 0) break;
        }
      }
      return undefined;
    },
  };
}

interface WecomResponse {
  errcode: number;
  errmsg: string;
}

/**
 * A WeCom group-bot key is a credential: whoever has it can post to the group. It travels in the
 * URL, and URLs end up in error messages, which the workflow copies into the audit trail and the
 * case view. Every error leaving this adapter has the key replaced by `[redacted]`, in both its
 * raw and URL-encoded forms; the provider's error body (which may echo the URL) is not kept.
 */
function redactSecret(text: string, secret: string): string {
  let redacted = text;
  for (const form of new Set([secret, encodeURIComponent(secret)])) {
    if (form) redacted = redacted.split(form).join('[redacted]');
  }
  return redacted;
}

function redactedError(error: unknown, secret: string): unknown {
  if (error instanceof ApplicationFailure) {
    return ApplicationFailure.create({
      message: redactSecret(error.message, secret),
      type: error.type ?? 'WecomRefused',
      nonRetryable: error.nonRetryable === true,
    });
  }
  if (error instanceof Error) {
    const copy =
      error instanceof TransientHttpError
        ? new TransientHttpError(redactSecret(error.message, secret), error.status)
        : new Error(redactSecret(error.message, secret));
    copy.stack = redactSecret(error.stack ?? '', secret);
    return copy;
  }
  return new Error(redactSecret(String(error), secret));
}

/** WeCom group robot (企业微信群机器人), markdown. 45009 is its rate limit: retry later. */
export function wecomChannel(baseUrl: string): NotificationChannelAdapter {
  return {
    async send({ idempotencyKey, recipient, message }) {
      const key = recipient.wecomKey;
      if (!key) throw ApplicationFailure.nonRetryable('WeCom needs a group-bot key', 'NoWecomKey');
      try {
        const { body } = await requestJson<WecomResponse>({
          method: 'POST',
          url: `${baseUrl}/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`,
          headers: { 'Idempotency-Key': idempotencyKey },
          json: { msgtype: 'markdown', markdown: { content: `### ${message.title}\n${message.body}` } },
        });
        if (body.errcode === 45009) throw new Error('WeCom bot rate limit (45009), retrying later');
        if (body.errcode !== 0) {
          throw ApplicationFailure.nonRetryable(`WeCom refused: ${body.errcode} ${body.errmsg}`, 'WecomRefused');
        }
        return { providerMessageId: idempotencyKey };
      } catch (error) {
        throw redactedError(error, key);
      }
    },
  };
}

/** The platform's in-app message centre (the store SaaS inbox). */
export function inappChannel(baseUrl: string): NotificationChannelAdapter {
  return {
    deduplicates: true,
    async send({ idempotencyKey, recipient, message, params }) {
      const { body } = await requestJson<{ messageId: string }>({
        method: 'POST',
        url: `${baseUrl}/v1/messages`,
        headers: { 'Idempotency-Key': idempotencyKey },
        json: {
          userId: recipient.userId,
          ...(recipient.storeId ? { storeId: recipient.storeId } : {}),
          title: message.title,
          body: message.body,
          data: params,
        },
      });
      return { providerMessageId: body.messageId };
    },
  };
}
