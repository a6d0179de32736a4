import { chinaDateTime } from '../core/china-time';
import { hmacSha256, md5Hex } from '../core/crypto';
import { aftershipSlug, aftershipSubtag, kuaidi100Com, kuaidi100State, kuaidi100StateName } from './codes';
import type { TrackingEvent } from './event';

export const PUSH_PROVIDERS = ['generic', 'kuaidi100', 'aftership'] as const;
export type PushProvider = (typeof PUSH_PROVIDERS)[number];

/** A push request ready to send: the exact bytes that were signed, and the headers carrying the signature. */
export interface OutgoingPush {
  headers: Record<string, string>;
  body: string;
}

export interface PushInput {
  /** The event exactly as the caller gave it (the generic format sends it unchanged). */
  rawEvent: unknown;
  event: TrackingEvent;
  /** Everything known about the waybill, oldest first, including `event`. */
  trace: TrackingEvent[];
  secret: string;
  now: Date;
}

/** Our own generic format: the event as JSON, signed `X-Signature: sha256=<hex HMAC-SHA256(body)>`. */
function genericPush(input: PushInput): OutgoingPush {
  const body = JSON.stringify(input.rawEvent);
  return {
    headers: { 'content-type': 'application/json', 'x-signature': `sha256=${hmacSha256(input.secret, body, 'hex')}` },
    body,
  };
}

/**
 * Kuaidi100 subscription push: form fields `param` (JSON) and `sign` = upper(MD5(param + salt)).
 * lastResult carries the whole trace, newest first, as Kuaidi100 does.
 */
function kuaidi100Push(input: PushInput): OutgoingPush {
  const state = kuaidi100State(input.event);
  const finished = state === '3' || state === '4';
  const data = [...input.trace].reverse().map((e) => {
    const when = chinaDateTime(new Date(e.occurredAt));
    const code = kuaidi100State(e);
    return {
      context: e.description ?? e.status,
      time: when,
      ftime: when,
      status: kuaidi100StateName(code),
      statusCode: code,
      ...(e.location !== undefined ? { areaName: e.location } : {}),
    };
  });
  const param = JSON.stringify({
    status: finished ? 'shutdown' : 'polling',
    billstatus: 'check',
    message: '',
    autoCheck: '0',
    comOld: '',
    comNew: '',
    lastResult: {
      message: 'ok',
      state,
      status: '200',
      condition: finished ? 'F00' : '00',
      ischeck: finished ? '1' : '0',
      com: kuaidi100Com(input.event.carrier),
      nu: input.event.waybillNo,
      data,
    },
  });
  const sign = md5Hex(param + input.secret).toUpperCase();
  return {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ param, sign }).toString(),
  };
}

/** AfterShip webhook: JSON body, header `aftership-hmac-sha256` = base64(HMAC-SHA256(raw body, secret)). */
function aftershipPush(input: PushInput): OutgoingPush {
  const { event } = input;
  const slug = aftershipSlug(event.carrier);
  const checkpoints = input.trace.map((e) => ({
    slug,
    checkpoint_time: e.occurredAt,
    created_at: e.occurredAt,
    location: e.location ?? null,
    city: e.location ?? null,
    message: e.description ?? e.status,
    tag: e.status,
    subtag: aftershipSubtag(e),
    subtag_message: e.subStatus ?? e.status,
    raw_tag: e.rawCode ?? null,
  }));
  const firstOfTag = input.trace.find((e) => e.status === event.status)?.eventId === event.eventId;
  const body = JSON.stringify({
    event: 'tracking_update',
    event_id: event.eventId,
    is_tracking_first_tag: firstOfTag,
    msg: {
      id: md5Hex(`${slug}:${event.waybillNo}`),
      tracking_number: event.waybillNo,
      slug,
      tag: event.status,
      subtag: aftershipSubtag(event),
      subtag_message: event.subStatus ?? event.status,
      updated_at: input.now.toISOString(),
      checkpoints,
    },
    ts: Math.floor(input.now.getTime() / 1000),
  });
  return {
    headers: { 'content-type': 'application/json', 'aftership-hmac-sha256': hmacSha256(input.secret, body, 'base64') },
    body,
  };
}

export function buildPush(provider: PushProvider, input: PushInput): OutgoingPush {
  switch (provider) {
    case 'generic':
      return genericPush(input);
    case 'kuaidi100':
      return kuaidi100Push(input);
    case 'aftership':
      return aftershipPush(input);
  }
}
