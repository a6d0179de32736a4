import { ApplicationFailure } from '@temporalio/common';
import type { DeliveryAddress, OrderItem } from '../../domain/types';
import { requestJson, type HttpRequest } from '../http/json-client';

/**
 * The warehouse (WMS) open API: JSON in and out, resources as bodies, errors as
 * `{errorCode, errorMessage}`. Writes are idempotent by `outOrderNo`, which carries our idempotency
 * key. A business refusal (HTTP 200 with errorCode, e.g. STOCK_SHORTAGE) is an answer; a 4xx is a
 * non-retryable ApplicationFailure naming the WMS error; 5xx and network errors throw plain errors
 * (retried by Temporal).
 */

export interface PickRecordResult {
  orderId: string;
  ordered: OrderItem[];
  picked: OrderItem[];
  /** Ordered but not picked (or picked short). */
  missing: OrderItem[];
  /** Picked but not ordered (or picked over). */
  unexpected: OrderItem[];
}

export type ReshipmentResult =
  { outcome: 'created'; reshipOrderNo: string; waybillNo: string; carrier: string } | { outcome: 'refused'; code: string; message: string };

export type ReturnOrderResult =
  { outcome: 'created'; returnOrderNo: string; pickupWaybillNo?: string; status: string } | { outcome: 'refused'; code: string; message: string };

export interface ReturnOrderStatus {
  returnOrderNo: string;
  status: 'CREATED' | 'PICKED_UP' | 'RECEIVED' | string;
  /** When the warehouse received the return (its last update once RECEIVED). */
  receivedAt?: string;
  pickupWaybillNo?: string;
  updatedAt?: string;
}

export interface CreateReshipmentInput {
  idempotencyKey: string;
  orderId: string;
  items: OrderItem[];
  /** Omitted: ship to the original order's address. */
  address?: DeliveryAddress;
  reason: string;
}

export interface CreateReturnOrderInput {
  idempotencyKey: string;
  orderId: string;
  items: OrderItem[];
  reason: string;
  pickupAddress?: DeliveryAddress;
  /** The outbound waybill being returned, when there is one. */
  waybillNo?: string;
}

export interface WmsClient {
  getPickRecord(input: { orderId: string }): Promise<PickRecordResult>;
  createReshipment(input: CreateReshipmentInput): Promise<ReshipmentResult>;
  createReturnOrder(input: CreateReturnOrderInput): Promise<ReturnOrderResult>;
  getReturnOrder(input: { returnOrderNo: string }): Promise<ReturnOrderStatus>;
}

/**
 * The WMS API wants an address on every reship; a reship without one goes to the original order's
 * address, which this marker asks for (the WMS accepts a free-text address).
 */
export const ORIGINAL_ORDER_ADDRESS = 'SAME_AS_ORIGINAL_ORDER';

interface WmsError {
  errorCode?: string;
  errorMessage?: string;
}

/** Quantities per SKU. */
function totals(items: readonly OrderItem[]): Map<string, number> {
  const bySku = new Map<string, number>();
  for (const { sku, qty } of items) bySku.set(sku, (bySku.get(sku) ?? 0) + qty);
  return bySku;
}

/** What `a` has beyond `b`, per SKU, in `a`'s order. */
function beyond(a: Map<string, number>, b: Map<string, number>): OrderItem[] {
  const out: OrderItem[] = [];
  for (const [sku, qty] of a) {
    const extra = qty - (b.get(sku) ?? 0);
    if (extra > 0) out.push({ sku, qty: extra });
  }
  return out;
}

/** Compares an order with its pick: missing = ordered − picked, unexpected = picked − ordered (per SKU). */
export function comparePick(orderId: string, ordered: OrderItem[], picked: OrderItem[]): PickRecordResult {
  const want = totals(ordered);
  const got = totals(picked);
  return { orderId, ordered, picked, missing: beyond(want, got), unexpected: beyond(got, want) };
}

function items(value: unknown): OrderItem[] {
  if (!Array.isArray(value)) return [];
  return value.map((v: { sku?: unknown; qty?: unknown }) => ({ sku: String(v.sku), qty: Number(v.qty) }));
}

function isWmsError(body: unknown): body is Required<Pick<WmsError, 'errorCode'>> & WmsError {
  return typeof body === 'object' && body !== null && typeof (body as WmsError).errorCode === 'string';
}

export function wmsClient(baseUrl: string): WmsClient {
  const api = `${baseUrl}/v1`;

  /** requestJson, with 4xx failures restated as the WMS's own error. */
  const call = async <T>(what: string, request: HttpRequest): Promise<T> => {
    try {
      const { body } = await requestJson<T>(request);
      return body;
    } catch (error) {
      if (error instanceof ApplicationFailure && error.nonRetryable) {
        const detail = error.details?.[0] as { status?: number; body?: WmsError } | undefined;
        const code = detail?.body?.errorCode ?? 'HTTP_ERROR';
        throw ApplicationFailure.nonRetryable(
          `WMS ${what} failed with ${String(detail?.status)} ${code}: ${detail?.body?.errorMessage ?? error.message}`,
          `Wms${code}`,
          detail,
        );
      }
      throw error;
    }
  };

  return {
    async getPickRecord({ orderId }) {
      const body = await call<{ orderId?: string; items?: unknown; picked?: unknown } | WmsError>(`pick record of ${orderId}`, {
        method: 'GET',
        url: `${api}/pick-records/${encodeURIComponent(orderId)}`,
      });
      if (isWmsError(body)) {
        // ORDER_NOT_FOUND and the like: the question has no answer, and asking again will not give one.
        throw ApplicationFailure.nonRetryable(`WMS has no pick record for ${orderId}: ${body.errorCode} ${body.errorMessage ?? ''}`, `Wms${body.errorCode}`);
      }
      const record = body as { orderId?: string; items?: unknown; picked?: unknown };
      return comparePick(record.orderId ?? orderId, items(record.items), items(record.picked));
    },

    async createReshipment({ idempotencyKey, orderId, items: lines, address, reason }) {
      const body = await call<{ reshipOrderNo?: string; waybillNo?: string; carrier?: string } | WmsError>(`reship of ${orderId}`, {
        method: 'POST',
        url: `${api}/reship-orders`,
        json: { outOrderNo: idempotencyKey, orderId, items: lines, address: address ?? ORIGINAL_ORDER_ADDRESS, reason },
      });
      if (isWmsError(body)) return { outcome: 'refused', code: body.errorCode, message: body.errorMessage ?? body.errorCode };
      const order = body as { reshipOrderNo?: string; waybillNo?: string; carrier?: string };
      if (!order.reshipOrderNo || !order.waybillNo) throw new Error(`WMS reship of ${orderId} answered without reshipOrderNo/waybillNo`);
      return { outcome: 'created', reshipOrderNo: order.reshipOrderNo, waybillNo: order.waybillNo, carrier: order.carrier ?? 'UNKNOWN' };
    },

    async createReturnOrder({ idempotencyKey, orderId, items: lines, reason, pickupAddress, waybillNo }) {
      const body = await call<{ returnOrderNo?: string; pickupWaybillNo?: string; status?: string } | WmsError>(`return order of ${orderId}`, {
        method: 'POST',
        url: `${api}/return-orders`,
        json: {
          outOrderNo: idempotencyKey,
          orderId,
          items: lines,
          reason,
          ...(pickupAddress !== undefined ? { pickupAddress } : {}),
          ...(waybillNo !== undefined ? { waybillNo } : {}),
        },
      });
      if (isWmsError(body)) return { outcome: 'refused', code: body.errorCode, message: body.errorMessage ?? body.errorCode };
      const ret = body as { returnOrderNo?: string; pickupWaybillNo?: string; status?: string };
      if (!ret.returnOrderNo) throw new Error(`WMS return order of ${orderId} answered without returnOrderNo`);
      return {
        outcome: 'created',
        returnOrderNo: ret.returnOrderNo,
        ...(ret.pickupWaybillNo ? { pickupWaybillNo: ret.pickupWaybillNo } : {}),
        status: ret.status ?? 'CREATED',
      };
    },

    async getReturnOrder({ returnOrderNo }) {
      const ret = await call<{ returnOrderNo?: string; status?: string; receivedAt?: string; updatedAt?: string; pickupWaybillNo?: string }>(
        `return order ${returnOrderNo}`,
        { method: 'GET', url: `${api}/return-orders/${encodeURIComponent(returnOrderNo)}` },
      );
      const status = ret.status ?? 'UNKNOWN';
      // The WMS API has no receivedAt of its own: once RECEIVED, its last update is the receipt.
      const receivedAt = ret.receivedAt ?? (status === 'RECEIVED' ? ret.updatedAt : undefined);
      return {
        returnOrderNo: ret.returnOrderNo ?? returnOrderNo,
        status,
        ...(receivedAt !== undefined ? { receivedAt } : {}),
        ...(ret.pickupWaybillNo !== undefined ? { pickupWaybillNo: ret.pickupWaybillNo } : {}),
        ...(ret.updatedAt !== undefined ? { updatedAt: ret.updatedAt } : {}),
      };
    },
  };
}
