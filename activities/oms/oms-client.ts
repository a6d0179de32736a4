import { ApplicationFailure } from '@temporalio/common';
import { REGION_CODE, type OmsCustomer, type OmsItem, type OmsOrder, type OmsStore } from '../../domain/oms-order';
import { requestJson } from '../http/json-client';

/**
 * The platform's order system (OMS) read API: `GET {OMS_API_URL}/v1/orders?waybillNo=X` answers
 * 200 `{order}` or 404 `{error: "order_not_found"}`. An unknown waybill is an answer (null), not
 * a failure; 5xx and network errors are transient (plain errors, retried by Temporal); an answer
 * that is not an order is non-retryable (asking again will not mend it).
 */

export interface OmsClient {
  lookUpOrderByWaybill(waybillNo: string): Promise<OmsOrder | null>;
  /** One page of orders shipped since `shippedSince` (keyset by order id): how the watchlist learns of parcels before their first scan. */
  listShippedOrders(input: { shippedSince: string; cursor?: string; limit: number }): Promise<{ orders: OmsOrder[]; nextCursor: string | null }>;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function malformed(waybillNo: string, what: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`OMS order for waybill ${waybillNo} is malformed: ${what}`, 'OmsMalformedOrder');
}

function regionOf(value: unknown): string | undefined {
  const region = text(value);
  return region !== undefined && REGION_CODE.test(region) ? region : undefined;
}

/** Reads the OMS answer into an order, refusing anything that is not one. */
function readOmsOrder(waybillNo: string, body: unknown): OmsOrder {
  const order = isObject(body) ? body.order : undefined;
  if (!isObject(order)) throw malformed(waybillNo, 'no order object');
  const c = order.customer;
  const s = order.store;
  if (!isObject(c) || !isObject(s)) throw malformed(waybillNo, 'customer and store are required');
  const customer: OmsCustomer = { customerId: text(c.customerId) ?? '', name: text(c.name) ?? '', phone: text(c.phone) ?? '' };
  const store: OmsStore = { storeId: text(s.storeId) ?? '', name: text(s.name) ?? '', wecomKey: text(s.wecomKey) ?? '' };
  if (!customer.customerId || !store.storeId) throw malformed(waybillNo, 'customer.customerId and store.storeId are required');
  const items: OmsItem[] = (Array.isArray(order.items) ? order.items : []).filter(isObject).map((i) => ({
    sku: String(i.sku),
    name: String(i.name ?? i.sku),
    quantity: Number(i.quantity),
    unitPrice: Number(i.unitPrice ?? 0),
  }));
  const orderId = text(order.orderId);
  if (orderId === undefined) throw malformed(waybillNo, 'orderId is required');
  return {
    orderId,
    waybillNo: text(order.waybillNo) ?? waybillNo,
    carrier: text(order.carrier) ?? 'OTHER',
    customer,
    store,
    items,
    supplierId: text(order.supplierId) ?? null,
    ...(text(order.shippedAt) !== undefined ? { shippedAt: text(order.shippedAt) } : {}),
    ...(text(order.promisedDeliveryAt) !== undefined ? { promisedDeliveryAt: text(order.promisedDeliveryAt) } : {}),
    ...(text(order.lane) !== undefined ? { lane: text(order.lane) } : {}),
    // A destination that is not an area code or region name is left out rather than stored.
    ...(regionOf(order.region) !== undefined ? { region: regionOf(order.region) } : {}),
  };
}

export function omsClient(baseUrl: string): OmsClient {
  return {
    async lookUpOrderByWaybill(waybillNo) {
      try {
        const { body } = await requestJson<unknown>({
          method: 'GET',
          url: `${baseUrl}/v1/orders?waybillNo=${encodeURIComponent(waybillNo)}`,
          timeoutMs: 5_000,
        });
        return readOmsOrder(waybillNo, body);
      } catch (error) {
        if (error instanceof ApplicationFailure && error.type === 'HttpClientError') {
          const detail = error.details?.[0] as { status?: number; body?: { error?: string } } | undefined;
          if (detail?.status === 404 && detail.body?.error === 'order_not_found') return null;
        }
        throw error;
      }
    },

    async listShippedOrders({ shippedSince, cursor, limit }) {
      const query = new URLSearchParams({ shippedSince, limit: String(limit), ...(cursor ? { cursor } : {}) });
      const { body } = await requestJson<{ orders?: unknown[]; nextCursor?: string | null }>({
        method: 'GET',
        url: `${baseUrl}/v1/orders?${query.toString()}`,
        timeoutMs: 10_000,
      });
      const orders = (Array.isArray(body.orders) ? body.orders : []).map((order) => readOmsOrder('(list)', { order }));
      return { orders, nextCursor: typeof body.nextCursor === 'string' ? body.nextCursor : null };
    },
  };
}
