import type { ExceptionSubStatus, TrackingEvent, TrackingStatus } from '../../domain/tracking';
import type { Carrier } from '../../domain/types';
import { requestJson } from '../http/json-client';
import type { CarrierGateway } from './carrier-gateway';
import { CarrierProtocolError, chinaLocalToIso, malformedRequest, md5, oldestFirst, stableEventId } from './dialect-support';

/**
 * JD Logistics through JD's open platform (JOS) router: form fields method, app_key, access_token,
 * timestamp (China local time), v, sign and the business JSON in `360buy_param_json`. The sign is
 * JOS's: upper(MD5(appSecret + k1v1k2v2... (sorted by key, sign excluded) + appSecret)). Answers are
 * wrapped in `<method with _>_responce` (JD's spelling); platform errors in `error_response`.
 *
 * - intercept: jingdong.ldop.receive.order.intercept {vendorCode, deliveryId, interceptReason};
 *   resultInfo.stateCode 100 = accepted, any other = refused. JD's request carries no serial of its
 *   own: it is idempotent by `deliveryId`, which is the waybill. So one waybill has one intercept
 *   answer, whatever our idempotency key (a retry can never intercept twice; a second, different
 *   intercept of the same waybill gets the first one's answer).
 * - track: jingdong.ldop.receive.trace.get {customerCode, waybillCode}; querytrace_result.data
 *   [{opeTitle, opeRemark, opeName, opeTime}] mapped from the operation title below.
 * - urge, redirect, returnToSender, redeliver, fileClaim, claimStatus: not in JD's API as we use it,
 *   so they go through the generic open API (`fallback`), which serves every carrier.
 */

const JD_PROVIDER = 'jd';
const JD_INTERCEPT_METHOD = 'jingdong.ldop.receive.order.intercept';
const JD_TRACE_METHOD = 'jingdong.ldop.receive.trace.get';

export interface JdCarrierOptions {
  /** The JOS router, e.g. https://api.jd.com/routerjson. */
  routerUrl: string;
  appKey: string;
  appSecret: string;
  accessToken: string;
  /** 商家编码: vendorCode of intercepts, customerCode of trace queries. */
  customerCode: string;
  fallback: CarrierGateway;
  now?: () => Date;
}

interface JdTrace {
  opeTitle?: string;
  opeRemark?: string;
  opeName?: string;
  opeTime?: string;
  waybillCode?: string;
}

interface JdEnvelope {
  error_response?: { code?: string; zh_desc?: string; en_desc?: string };
  [wrapped: string]: unknown;
}

type Canonical = { status: TrackingStatus; subStatus?: ExceptionSubStatus };

/**
 * JD trace operation titles (opeTitle) to the canonical status. JD publishes no code list: titles
 * are matched by what they say, most specific first; the title stays on the event as its raw code.
 */
const JD_TITLE_RULES: [RegExp, Canonical][] = [
  [/拒收|拒签/, { status: 'Exception', subStatus: 'refused' }],
  [/破损/, { status: 'Exception', subStatus: 'damaged' }],
  [/丢失|遗失/, { status: 'Exception', subStatus: 'lost' }],
  [/退回|返回|逆向|返仓/, { status: 'Exception', subStatus: 'returning_to_sender' }],
  [/妥投|签收/, { status: 'Delivered' }],
  [/配送异常|派送失败|再投|未妥投/, { status: 'AttemptFail', subStatus: 'delivery_failed' }],
  [/自提|代收点|快递柜/, { status: 'AvailableForPickup' }],
  [/配送员|开始配送|派送中|派件/, { status: 'OutForDelivery' }],
  [/揽收任务|下单|接单/, { status: 'Pending' }],
  [/揽收|已收件|取件完成/, { status: 'InfoReceived' }],
  [/滞留|延误/, { status: 'Exception', subStatus: 'processing_delay' }],
  [/异常/, { status: 'Exception', subStatus: 'other' }],
];

export function jdTitleStatus(title: string): Canonical {
  for (const [pattern, canonical] of JD_TITLE_RULES) if (pattern.test(title)) return canonical;
  return { status: 'InTransit' };
}

function jdTracesToEvents(traces: JdTrace[], carrier: Carrier, waybillNo: string): TrackingEvent[] {
  return oldestFirst(
    traces.map((trace) => {
      const title = trace.opeTitle ?? '';
      const when = trace.opeTime ?? '';
      const { status, subStatus } = jdTitleStatus(title);
      return {
        eventId: stableEventId(waybillNo, when, title, trace.opeRemark ?? ''),
        provider: JD_PROVIDER,
        waybillNo,
        carrier,
        status,
        ...(subStatus !== undefined ? { subStatus } : {}),
        rawCode: title,
        occurredAt: chinaLocalToIso(when),
        ...(trace.opeName ? { location: trace.opeName } : {}),
        ...(trace.opeRemark ? { description: trace.opeRemark } : {}),
      };
    }),
  );
}

/** JOS timestamp: yyyy-MM-dd HH:mm:ss in China time. */
function josTimestamp(date: Date): string {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export function josSign(fields: Record<string, string>, appSecret: string): string {
  const text = Object.keys(fields)
    .filter((k) => k !== 'sign')
    .sort()
    .map((k) => `${k}${fields[k]}`)
    .join('');
  return md5(`${appSecret}${text}${appSecret}`, 'hex').toUpperCase();
}

// JOS platform codes that mean our request is wrong (missing method/parameters, unknown method).
const MALFORMED_CODES = new Set(['21', '22', '61']);

export function jdCarrierGateway(options: JdCarrierOptions): CarrierGateway {
  const now = options.now ?? (() => new Date());

  const call = async <T>(method: string, params: Record<string, unknown>): Promise<T> => {
    const fields: Record<string, string> = {
      method,
      app_key: options.appKey,
      access_token: options.accessToken,
      timestamp: josTimestamp(now()),
      v: '2.0',
      '360buy_param_json': JSON.stringify(params),
    };
    fields.sign = josSign(fields, options.appSecret);
    const { body } = await requestJson<JdEnvelope>({ method: 'POST', url: options.routerUrl, form: fields });
    const error = body?.error_response;
    if (error !== undefined) {
      const text = `JD ${method} answered error ${String(error.code)}: ${error.en_desc ?? error.zh_desc ?? ''}`;
      if (MALFORMED_CODES.has(String(error.code))) throw malformedRequest('JD', text, error);
      throw new CarrierProtocolError(text);
    }
    const wrapped = body?.[`${method.replace(/\./g, '_')}_responce`];
    if (wrapped === undefined || wrapped === null || typeof wrapped !== 'object') {
      throw new CarrierProtocolError(`JD ${method} answered without its _responce wrapper`);
    }
    return wrapped as T;
  };

  return {
    // JD's API has no urge, redirect, return, redelivery or claims: the generic open API serves them.
    urge: (request) => options.fallback.urge(request),
    redirect: (request) => options.fallback.redirect(request),
    returnToSender: (request) => options.fallback.returnToSender(request),
    redeliver: (request) => options.fallback.redeliver(request),
    fileClaim: (request) => options.fallback.fileClaim(request),
    claimStatus: (request) => options.fallback.claimStatus(request),

    async intercept({ waybillNo, reason }) {
      const answer = await call<{ resultInfo?: { stateCode?: number; stateMessage?: string; deliveryId?: string } }>(JD_INTERCEPT_METHOD, {
        vendorCode: options.customerCode,
        deliveryId: waybillNo,
        interceptReason: reason,
      });
      const info = answer.resultInfo;
      if (info === undefined || typeof info.stateCode !== 'number') throw new CarrierProtocolError('JD intercept answered no resultInfo.stateCode');
      if (info.stateCode === 100) return { outcome: 'accepted', reference: info.deliveryId ?? waybillNo };
      return { outcome: 'refused', code: String(info.stateCode), message: info.stateMessage ?? 'refused by JD' };
    },

    async track({ carrier, waybillNo }) {
      const answer = await call<{ querytrace_result?: { code?: number; messsage?: string; data?: JdTrace[] } }>(JD_TRACE_METHOD, {
        customerCode: options.customerCode,
        waybillCode: waybillNo,
      });
      const result = answer.querytrace_result;
      if (result === undefined) throw new CarrierProtocolError('JD trace answered no querytrace_result');
      // Any code but 100 (e.g. 101 "no such waybill or no permission"): JD knows nothing we may see.
      if (result.code !== 100) return [];
      return jdTracesToEvents(result.data ?? [], carrier, waybillNo);
    },
  };
}
