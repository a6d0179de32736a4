import { KUAIDI100_STATES } from '../../domain/kuaidi100-states';
import type { ExceptionSubStatus, TrackingEvent, TrackingStatus } from '../../domain/tracking';
import type { Carrier, DeliveryAddress } from '../../domain/types';
import { requestJson } from '../http/json-client';
import type { CarrierAnswer, CarrierGateway, CarrierRequestContext } from './carrier-gateway';
import { CarrierProtocolError, chinaLocalToIso, malformedRequest, md5, oldestFirst, stableEventId } from './dialect-support';

/**
 * Kuaidi100 (快递100), the aggregator that speaks for many carriers:
 * - track: POST /poll/query.do, form customer, param {com, num}, sign = upper(MD5(param + key + customer)).
 *   Answers the trace newest first with Kuaidi100 `state` codes, mapped below.
 * - intercept / redirect / returnToSender: POST /label/order method=interceptOrder, form key, t,
 *   param {kuaidicom, kuaidinum, interceptType, orderid, reason, recManInfo?},
 *   sign = upper(MD5(param + t + key + secret)). interceptType RETURN_SEND_STATION (held at the
 *   sender's station) / MODIFY_ADDR (needs recManInfo) / RETURN_SEND_ADDR. Idempotent by `orderid`,
 *   which carries our idempotency key.
 * - urge, redeliver, fileClaim, claimStatus: Kuaidi100 has none of them, so they go through the
 *   generic open API (`fallback`), which serves every carrier.
 * A bad sign (returnCode / code 503) throws and is retried; a malformed request (400) is
 * non-retryable; any other unsuccessful intercept answer is the carrier's refusal.
 */

const KUAIDI100_PROVIDER = 'kuaidi100';

/** Our carrier names as Kuaidi100 company codes (`com`); the rest are sent lower-cased. */
const DEFAULT_KUAIDI100_COMPANIES: Partial<Record<Carrier, string>> = { SF: 'shunfeng', JD: 'jd' };

export interface Kuaidi100CarrierOptions {
  /** Root of the API, e.g. https://poll.kuaidi100.com (query and subscription) and the label API under it. */
  baseUrl: string;
  customer: string;
  key: string;
  secret: string;
  fallback: CarrierGateway;
  companies?: Partial<Record<Carrier, string>>;
  now?: () => Date;
}

interface Kuaidi100Trace {
  time?: string;
  ftime?: string;
  context?: string;
  status?: string;
  statusCode?: string;
  areaName?: string;
}

interface Kuaidi100QueryAnswer {
  result?: boolean;
  returnCode?: string;
  message?: string;
  status?: string;
  state?: string;
  nu?: string;
  data?: Kuaidi100Trace[];
}

interface Kuaidi100LabelAnswer {
  success?: boolean;
  code?: number;
  message?: string;
  data?: { taskId?: string } | null;
}

type Canonical = { status: TrackingStatus; subStatus?: ExceptionSubStatus };

/** The table of domain/kuaidi100-states.ts without the names; undefined for an unknown code. */
function knownState(state: string): Canonical | undefined {
  const known = Object.hasOwn(KUAIDI100_STATES, state) ? KUAIDI100_STATES[state] : undefined;
  if (known === undefined) return undefined;
  const { status, subStatus } = known;
  return { status, ...(subStatus !== undefined ? { subStatus } : {}) };
}

/**
 * A trace answer's state. Unlike a push (domain: unknown → Exception/unknown), a trace scan's
 * unknown sub-state falls back to its main state (the first digit), then to in transit: the query
 * is a look at the trace, not a report of trouble.
 */
export function kuaidi100Status(state: string): Canonical {
  return knownState(state) ?? (state.length === 3 ? knownState(state.charAt(0)) : undefined) ?? { status: 'InTransit' };
}

function kuaidi100DataToEvents(data: Kuaidi100Trace[], carrier: Carrier, waybillNo: string): TrackingEvent[] {
  // Kuaidi100 lists newest first; reversing before the stable sort keeps same-second scans in order.
  return oldestFirst(
    [...data].reverse().map((trace) => {
      const code = String(trace.statusCode ?? '0');
      const when = trace.ftime ?? trace.time ?? '';
      const context = trace.context ?? '';
      const { status, subStatus } = kuaidi100Status(code);
      return {
        eventId: stableEventId(waybillNo, when, code, context),
        provider: KUAIDI100_PROVIDER,
        waybillNo,
        carrier,
        status,
        ...(subStatus !== undefined ? { subStatus } : {}),
        rawCode: code,
        occurredAt: chinaLocalToIso(when),
        ...(trace.areaName ? { location: trace.areaName } : {}),
        ...(context ? { description: context } : {}),
      };
    }),
  );
}

function recipient(address: DeliveryAddress): Record<string, string> {
  return {
    name: address.name,
    mobile: address.phone,
    printAddr: `${address.province}${address.city}${address.district}${address.detail}`,
  };
}

export function kuaidi100CarrierGateway(options: Kuaidi100CarrierOptions): CarrierGateway {
  const now = options.now ?? (() => new Date());
  const companies = { ...DEFAULT_KUAIDI100_COMPANIES, ...options.companies };
  const com = (carrier: Carrier): string => companies[carrier] ?? carrier.toLowerCase();

  const interceptOrder = async (
    interceptType: 'RETURN_SEND_STATION' | 'MODIFY_ADDR' | 'RETURN_SEND_ADDR',
    request: CarrierRequestContext & { reason: string },
    extra: Record<string, unknown> = {},
  ): Promise<CarrierAnswer> => {
    const param = JSON.stringify({
      kuaidicom: com(request.carrier),
      kuaidinum: request.waybillNo,
      interceptType,
      orderid: request.idempotencyKey,
      reason: request.reason,
      ...extra,
    });
    const t = String(now().getTime());
    const { body } = await requestJson<Kuaidi100LabelAnswer>({
      method: 'POST',
      url: `${options.baseUrl}/label/order`,
      form: { method: 'interceptOrder', key: options.key, t, param, sign: md5(param + t + options.key + options.secret, 'hex').toUpperCase() },
    });
    if (body?.success === true) return { outcome: 'accepted', reference: body.data?.taskId ?? request.idempotencyKey };
    const text = `Kuaidi100 interceptOrder ${interceptType} answered ${String(body?.code)}: ${String(body?.message)}`;
    if (body?.code === 503) throw new CarrierProtocolError(text);
    if (body?.code === 400) throw malformedRequest('Kuaidi100', text, body);
    if (body?.success !== false) throw new CarrierProtocolError(text);
    return { outcome: 'refused', code: String(body.code ?? 'UNKNOWN'), message: body.message ?? 'refused by Kuaidi100' };
  };

  return {
    intercept: (request) => interceptOrder('RETURN_SEND_STATION', request),
    redirect: (request) => interceptOrder('MODIFY_ADDR', request, { recManInfo: recipient(request.newAddress) }),
    returnToSender: (request) => interceptOrder('RETURN_SEND_ADDR', request),
    // Kuaidi100 has no urge, redelivery or claims: the generic open API serves them.
    urge: (request) => options.fallback.urge(request),
    redeliver: (request) => options.fallback.redeliver(request),
    fileClaim: (request) => options.fallback.fileClaim(request),
    claimStatus: (request) => options.fallback.claimStatus(request),

    async track({ carrier, waybillNo }) {
      const param = JSON.stringify({ com: com(carrier), num: waybillNo, resultv2: '1' });
      const { body } = await requestJson<Kuaidi100QueryAnswer>({
        method: 'POST',
        url: `${options.baseUrl}/poll/query.do`,
        form: { customer: options.customer, param, sign: md5(param + options.key + options.customer, 'hex').toUpperCase() },
      });
      if (body?.result === false) {
        const text = `Kuaidi100 query answered ${String(body.returnCode)}: ${String(body.message)}`;
        if (body.returnCode === '503') throw new CarrierProtocolError(text);
        if (body.returnCode === '400') throw malformedRequest('Kuaidi100', text, body);
        // 500 查询无结果 and the like: nothing known about the waybill yet.
        return [];
      }
      if (body?.status !== '200' || !Array.isArray(body.data)) {
        throw new CarrierProtocolError(`Kuaidi100 query answered status ${String(body?.status)}: ${String(body?.message)}`);
      }
      return kuaidi100DataToEvents(body.data, carrier, waybillNo);
    },
  };
}
