import { EXCEPTION_SUB_STATUSES, TRACKING_STATUSES, type ExceptionSubStatus, type TrackingEvent, type TrackingStatus } from '../../domain/tracking';
import type { Carrier } from '../../domain/types';
import { requestJson } from '../http/json-client';
import type { CarrierAnswer, CarrierClaimStatus, CarrierGateway } from './carrier-gateway';
import { CarrierProtocolError, oldestFirst } from './dialect-support';

/**
 * The generic carrier open API (JSON, `Idempotency-Key` header on writes, `{code, message, data}`
 * answers, code 0 meaning success, 4001 a business refusal) used for carriers without an adapter of
 * their own, and by the dialect adapters for the operations their own API lacks. Its tracking is
 * already in canonical form (AfterShip-style tags), so the mapping only validates it.
 */

const GENERIC_PROVIDER = 'generic';

interface GenericAnswer<T> {
  code: number;
  message: string;
  data?: T;
}

interface GenericTicket {
  ticketId?: string;
}

interface GenericClaim {
  claimNo: string;
  status: string;
  amountFen?: number;
  paidAmountFen?: number;
  rejectReason?: string;
}

interface GenericTrackingEvent {
  eventId?: string;
  waybillNo?: string;
  carrier?: string;
  status?: string;
  subStatus?: string;
  rawCode?: string;
  occurredAt?: string;
  location?: string;
  description?: string;
}

interface GenericTracking {
  waybillNo: string;
  carrier: string;
  status: string;
  events?: GenericTrackingEvent[];
}

const REFUSAL = 4001;
const CLAIM_STATUSES = ['filed', 'accepted', 'paid', 'rejected'] as const;

function isTrackingStatus(value: unknown): value is TrackingStatus {
  return (TRACKING_STATUSES as readonly unknown[]).includes(value);
}

function isSubStatus(value: unknown): value is ExceptionSubStatus {
  return (EXCEPTION_SUB_STATUSES as readonly unknown[]).includes(value);
}

/** Validates one event of the generic format against the canonical vocabulary. */
function canonicalGenericEvent(raw: GenericTrackingEvent, carrier: Carrier, waybillNo: string, index: number): TrackingEvent {
  const known = isTrackingStatus(raw.status);
  // An unknown tag is kept as the raw code and surfaces as an exception to look at, never dropped.
  const status: TrackingStatus = known ? (raw.status as TrackingStatus) : 'Exception';
  const exceptional = status === 'Exception' || status === 'AttemptFail' || status === 'Expired';
  const subStatus: ExceptionSubStatus | undefined = isSubStatus(raw.subStatus) ? raw.subStatus : exceptional && !known ? 'other' : undefined;
  const rawCode = raw.rawCode ?? (known ? undefined : raw.status);
  const occurredAt = raw.occurredAt ?? '';
  return {
    eventId: raw.eventId ?? `${waybillNo}:${occurredAt}:${raw.status ?? ''}:${index}`,
    provider: GENERIC_PROVIDER,
    waybillNo: raw.waybillNo ?? waybillNo,
    carrier,
    status,
    ...(subStatus !== undefined ? { subStatus } : {}),
    ...(rawCode !== undefined ? { rawCode } : {}),
    occurredAt,
    ...(raw.location !== undefined ? { location: raw.location } : {}),
    ...(raw.description !== undefined ? { description: raw.description } : {}),
  };
}

function unexpected(operation: string, body: GenericAnswer<unknown>): CarrierProtocolError {
  return new CarrierProtocolError(`generic carrier API ${operation} answered code ${String(body?.code)}: ${String(body?.message)}`);
}

export function genericCarrierGateway(baseUrl: string): CarrierGateway {
  const api = `${baseUrl}/generic/v1`;

  const write = async <T>(path: string, operation: string, idempotencyKey: string, payload: Record<string, unknown>) => {
    const { body } = await requestJson<GenericAnswer<T>>({
      method: 'POST',
      url: `${api}/${path}`,
      headers: { 'Idempotency-Key': idempotencyKey },
      json: payload,
    });
    if (body === undefined || typeof body.code !== 'number') throw unexpected(operation, body);
    return body;
  };

  const instruction = async (path: string, idempotencyKey: string, payload: Record<string, unknown>): Promise<CarrierAnswer> => {
    const body = await write<GenericTicket>(path, path, idempotencyKey, payload);
    if (body.code === 0) return { outcome: 'accepted', reference: body.data?.ticketId ?? idempotencyKey };
    // Every non-zero code in a 200 answer is the carrier declining (4001 in the documented API).
    return { outcome: 'refused', code: String(body.code), message: body.message };
  };

  return {
    urge: ({ idempotencyKey, carrier, waybillNo, reason }) => instruction('urge', idempotencyKey, { carrier, waybillNo, reason }),
    intercept: ({ idempotencyKey, carrier, waybillNo, reason }) => instruction('intercept', idempotencyKey, { carrier, waybillNo, reason }),
    redirect: ({ idempotencyKey, carrier, waybillNo, newAddress, reason }) =>
      instruction('redirect', idempotencyKey, { carrier, waybillNo, newAddress, reason }),
    returnToSender: ({ idempotencyKey, carrier, waybillNo, reason }) => instruction('return', idempotencyKey, { carrier, waybillNo, reason }),
    redeliver: ({ idempotencyKey, carrier, waybillNo, reason }) => instruction('redeliver', idempotencyKey, { carrier, waybillNo, reason }),

    async fileClaim({ idempotencyKey, carrier, waybillNo, amountFen, reason, evidence }) {
      const body = await write<GenericClaim>('claims', 'file-claim', idempotencyKey, {
        carrier,
        waybillNo,
        amountFen,
        reason,
        ...(evidence !== undefined ? { evidence } : {}),
      });
      if (body.code === 0) {
        if (!body.data?.claimNo) throw unexpected('file-claim', body);
        return { outcome: 'accepted', reference: body.data.claimNo };
      }
      return { outcome: 'refused', code: String(body.code), message: body.message };
    },

    async claimStatus({ claimNo }): Promise<CarrierClaimStatus> {
      const { body } = await requestJson<GenericAnswer<GenericClaim | null>>({
        method: 'GET',
        url: `${api}/claims/${encodeURIComponent(claimNo)}`,
      });
      const claim = body?.data;
      if (body?.code !== 0 || claim === undefined || claim === null) throw unexpected('claim-status', body);
      if (!(CLAIM_STATUSES as readonly string[]).includes(claim.status)) {
        throw new CarrierProtocolError(`generic carrier API answered unknown claim status ${claim.status} for ${claimNo}`);
      }
      return {
        claimNo: claim.claimNo,
        status: claim.status as CarrierClaimStatus['status'],
        ...(claim.paidAmountFen !== undefined ? { paidAmountFen: claim.paidAmountFen } : {}),
        ...(claim.rejectReason !== undefined ? { detail: claim.rejectReason } : {}),
      };
    },

    async track({ carrier, waybillNo }) {
      const { body } = await requestJson<GenericAnswer<GenericTracking>>({
        method: 'GET',
        url: `${api}/tracking/${encodeURIComponent(waybillNo)}?carrier=${encodeURIComponent(carrier)}`,
      });
      // "waybill not found" is the carrier knowing nothing of it yet: an empty trace, not an error.
      if (body?.code === REFUSAL) return [];
      if (body?.code !== 0 || body.data === undefined) throw unexpected('tracking', body);
      const events = (body.data.events ?? []).map((e, i) => canonicalGenericEvent(e, carrier, waybillNo, i));
      return oldestFirst(events);
    },
  };
}
