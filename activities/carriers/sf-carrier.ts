import type { ExceptionSubStatus, TrackingEvent, TrackingStatus } from '../../domain/tracking';
import type { Carrier, DeliveryAddress } from '../../domain/types';
import { requestJson } from '../http/json-client';
import type { CarrierAnswer, CarrierGateway, CarrierRequestContext } from './carrier-gateway';
import { CarrierProtocolError, chinaLocalToIso, malformedRequest, md5, oldestFirst, stableEventId } from './dialect-support';

/**
 * SF Express open platform (丰桥): POST form fields partnerID, requestID, serviceCode, timestamp,
 * msgDigest = base64(MD5(msgData + timestamp + checkWord)), msgData (JSON). The answer envelope is
 * `{apiResultCode, apiErrorMsg, apiResponseID, apiResultData}` where apiResultData is a JSON *string*
 * of `{success, errorCode, errorMsg, msgData}`.
 *
 * - A1000 + success: accepted. A1000 + !success: the carrier's business refusal (errorCode, errorMsg).
 * - A1006 (bad digest) and other platform codes: thrown (retried). A1001 (missing/invalid field) and
 *   A1004 (no such service for this partner) mean our request is wrong: non-retryable.
 * - Writes are idempotent by `requestID`, which carries the workflow's idempotency key.
 *
 * Operations:
 * - redirect / returnToSender / redeliver: EXP_RECE_WANTED_INTERCEPT msgData.serviceCode 1 / 2 / 4.
 * - intercept: EXP_RECE_WANTED_INTERCEPT with `holdServiceCode` (default 5, 改自取: the parcel stays
 *   at the SF station instead of going out for delivery). SF has a separate return (2), so a hold is
 *   what "intercept" means here; the workflow asks for the return itself when it wants one.
 * - urge: SF documents no urge service; the simulator invented SIM_EXP_RECE_URGE_DELIVERY. Pass
 *   `urgeServiceCode: null` to send urges through the generic open API instead (production SF).
 * - track: EXP_RECE_SEARCH_ROUTES, opCodes mapped to the canonical status below.
 * - fileClaim / claimStatus: SF has no claims API here, so they go through the generic open API.
 */

const SF_PROVIDER = 'sf';
const SF_ROUTES_SERVICE = 'EXP_RECE_SEARCH_ROUTES';
const SF_INTERCEPT_SERVICE = 'EXP_RECE_WANTED_INTERCEPT';
const SF_SIMULATED_URGE_SERVICE = 'SIM_EXP_RECE_URGE_DELIVERY';

export interface SfCarrierOptions {
  /** The `/std/service` endpoint, e.g. https://sfapi.sf-express.com/std/service. */
  serviceUrl: string;
  partnerId: string;
  checkWord: string;
  /** Serves what SF's API lacks (claims, and urges when `urgeServiceCode` is null). */
  fallback: CarrierGateway;
  /** Default SIM_EXP_RECE_URGE_DELIVERY (the simulator's); null = urge through `fallback`. */
  urgeServiceCode?: string | null;
  /** msgData.serviceCode for a plain intercept (hold); default '5' (改自取). */
  holdServiceCode?: string;
  now?: () => Date;
}

interface SfEnvelope {
  apiResultCode?: string;
  apiErrorMsg?: string;
  apiResponseID?: string;
  apiResultData?: string | null;
}

interface SfResult<T> {
  success: boolean;
  errorCode?: string;
  errorMsg?: string | null;
  msgData?: T | null;
}

interface SfRoute {
  acceptTime?: string;
  acceptAddress?: string;
  remark?: string;
  opCode?: string;
}

interface SfRoutesData {
  routeResps?: { mailNo: string; routes?: SfRoute[] }[];
}

type Canonical = { status: TrackingStatus; subStatus?: ExceptionSubStatus };

/**
 * SF route opCodes (the commonly seen ones; SF publishes no complete list). Unknown codes are taken
 * as in-transit scans; the raw code stays on the event.
 */
const SF_OPCODES: Record<string, Canonical> = {
  '50': { status: 'InfoReceived' }, // 顺丰已收取快件
  '54': { status: 'InfoReceived' }, // 上门收件
  '30': { status: 'InTransit' }, // 快件在【...】完成分拣
  '31': { status: 'InTransit' }, // 快件到达【...】
  '36': { status: 'InTransit' }, // 快件已发车
  '105': { status: 'InTransit' }, // 航空/干线
  '106': { status: 'InTransit' },
  '44': { status: 'OutForDelivery' }, // 正在派送途中
  '204': { status: 'OutForDelivery' }, // 派件员已出发
  '130': { status: 'AvailableForPickup' }, // 已放入丰巢柜/代收点
  '607': { status: 'AvailableForPickup' }, // 代理点代收
  '80': { status: 'Delivered' }, // 已签收
  '8000': { status: 'Delivered' },
  '70': { status: 'AttemptFail', subStatus: 'delivery_failed' }, // 派送不成功 (refined by the remark below)
  '33': { status: 'Exception', subStatus: 'processing_delay' }, // 滞留
  '77': { status: 'Exception', subStatus: 'processing_delay' }, // 中转滞留
  '99': { status: 'Exception', subStatus: 'returning_to_sender' }, // 退回/转寄中
  '648': { status: 'Exception', subStatus: 'returning_to_sender' }, // 快件已退回
};

/** Canonical status of one SF route; the remark refines the catch-all "not delivered" code 70. */
export function sfRouteStatus(opCode: string, remark = ''): Canonical {
  const base = SF_OPCODES[opCode] ?? { status: 'InTransit' };
  if (opCode !== '70') return base;
  if (/拒收|拒签|refus/i.test(remark)) return { status: 'Exception', subStatus: 'refused' };
  if (/破损|damage/i.test(remark)) return { status: 'Exception', subStatus: 'damaged' };
  if (/遗失|丢失|lost/i.test(remark)) return { status: 'Exception', subStatus: 'lost' };
  if (/地址|address/i.test(remark)) return { status: 'AttemptFail', subStatus: 'incorrect_address' };
  return base;
}

function sfRoutesToEvents(routes: SfRoute[], carrier: Carrier, waybillNo: string): TrackingEvent[] {
  return oldestFirst(
    routes.map((route) => {
      const opCode = String(route.opCode ?? '');
      const remark = route.remark ?? '';
      const when = route.acceptTime ?? '';
      const { status, subStatus } = sfRouteStatus(opCode, remark);
      return {
        eventId: stableEventId(waybillNo, when, opCode, remark),
        provider: SF_PROVIDER,
        waybillNo,
        carrier,
        status,
        ...(subStatus !== undefined ? { subStatus } : {}),
        rawCode: opCode,
        occurredAt: chinaLocalToIso(when),
        ...(route.acceptAddress ? { location: route.acceptAddress } : {}),
        ...(remark ? { description: remark } : {}),
      };
    }),
  );
}

function sfAddress(address: DeliveryAddress): Record<string, string> {
  return {
    contact: address.name,
    phone: address.phone,
    province: address.province,
    city: address.city,
    county: address.district,
    address: address.detail,
  };
}

export function sfCarrierGateway(options: SfCarrierOptions): CarrierGateway {
  const now = options.now ?? (() => new Date());
  const urgeServiceCode = options.urgeServiceCode === undefined ? SF_SIMULATED_URGE_SERVICE : options.urgeServiceCode;
  const holdServiceCode = options.holdServiceCode ?? '5';

  /** One call; returns the business result, or throws for anything that is not a business answer. */
  const call = async <T>(serviceCode: string, requestId: string, msgData: Record<string, unknown>) => {
    const data = JSON.stringify(msgData);
    const timestamp = String(now().getTime());
    const { body } = await requestJson<SfEnvelope>({
      method: 'POST',
      url: options.serviceUrl,
      form: {
        partnerID: options.partnerId,
        requestID: requestId,
        serviceCode,
        timestamp,
        msgDigest: md5(data + timestamp + options.checkWord, 'base64'),
        msgData: data,
      },
    });
    const code = body?.apiResultCode;
    const platformError = `SF ${serviceCode} answered ${String(code)}: ${String(body?.apiErrorMsg)}`;
    if (code === 'A1001' || code === 'A1004') throw malformedRequest('SF', platformError, body);
    if (code !== 'A1000') throw new CarrierProtocolError(platformError);
    let result: SfResult<T>;
    try {
      result = JSON.parse(body?.apiResultData ?? '') as SfResult<T>;
    } catch {
      throw new CarrierProtocolError(`SF ${serviceCode} answered an unreadable apiResultData`);
    }
    if (typeof result?.success !== 'boolean') throw new CarrierProtocolError(`SF ${serviceCode} answered no success flag`);
    return { result, responseId: body?.apiResponseID ?? requestId };
  };

  const instruction = async (serviceCode: string, request: CarrierRequestContext, msgData: Record<string, unknown>): Promise<CarrierAnswer> => {
    const { result, responseId } = await call<{ ticketId?: string }>(serviceCode, request.idempotencyKey, {
      waybillNo: request.waybillNo,
      ...msgData,
    });
    if (!result.success) {
      return { outcome: 'refused', code: result.errorCode ?? 'UNKNOWN', message: result.errorMsg ?? 'refused by SF' };
    }
    // A replay answers the stored envelope, so apiResponseID is as stable as the requestID.
    return { outcome: 'accepted', reference: result.msgData?.ticketId ?? responseId };
  };

  // role 1 = the shipper asks (寄方); SF's intercept service wants it on every request.
  const intercept = (serviceCode: string, request: CarrierRequestContext, reason: string, extra: Record<string, unknown> = {}) =>
    instruction(SF_INTERCEPT_SERVICE, request, { serviceCode, role: '1', reason, ...extra });

  return {
    urge(request) {
      // SF has no documented urge service: only the simulator's invented code, or the generic API.
      if (urgeServiceCode === null) return options.fallback.urge(request);
      return instruction(urgeServiceCode, request, { reason: request.reason });
    },
    intercept: (request) => intercept(holdServiceCode, request, request.reason),
    redirect: (request) => intercept('1', request, request.reason, { newDestAddress: sfAddress(request.newAddress) }),
    returnToSender: (request) => intercept('2', request, request.reason),
    redeliver: (request) => intercept('4', request, request.reason),
    // SF exposes no claims API: claims go through the generic open API.
    fileClaim: (request) => options.fallback.fileClaim(request),
    claimStatus: (request) => options.fallback.claimStatus(request),

    async track({ carrier, waybillNo }) {
      // A route query is a read: requestID only has to be unique, it is not an idempotency key.
      const { result } = await call<SfRoutesData>(SF_ROUTES_SERVICE, `routes-${waybillNo}-${now().getTime()}`, {
        trackingType: '1',
        trackingNumber: [waybillNo],
        methodType: '1',
      });
      // 8014 and the like: SF does not know the waybill (yet).
      if (!result.success) return [];
      const resp = result.msgData?.routeResps?.find((r) => r.mailNo === waybillNo);
      return sfRoutesToEvents(resp?.routes ?? [], carrier, waybillNo);
    },
  };
}
