import { isRecord, nonEmptyString, positiveInteger } from '../../core/fields';

/**
 * The platform's order system (OMS) as the simulator keeps it: orders with their waybill, the
 * repair shop's customer and store (with the store's WeCom group-bot key), the items and the
 * supplier that shipped them (drop-ship) or none (our own warehouse).
 */

export interface OmsCustomer {
  customerId: string;
  name: string;
  phone: string;
}

export interface OmsStore {
  storeId: string;
  name: string;
  /** The store's WeCom group-bot key: milestone notices go to this group. */
  wecomKey: string;
}

interface OmsItem {
  sku: string;
  name: string;
  quantity: number;
  /** Fen. */
  unitPrice: number;
}

export interface OmsOrder {
  orderId: string;
  waybillNo: string;
  carrier: string;
  customer: OmsCustomer;
  store: OmsStore;
  items: OmsItem[];
  /** The drop-ship supplier; null when the platform's own warehouse shipped it. */
  supplierId: string | null;
  /** When the parcel left (ISO); absent until shipped. */
  shippedAt?: string;
  /** The delivery time promised to the customer (ISO). */
  promisedDeliveryAt?: string;
  /** The route class the watchlist's rules are set per, e.g. `SH-BJ` or `same-city`. */
  lane?: string;
  /** The delivery address's area code (行政區劃代碼, e.g. `440305`): where the parcel goes. */
  region?: string;
}

export class OmsState {
  readonly customers = new Map<string, OmsCustomer>();
  readonly stores = new Map<string, OmsStore>();
  /** By orderId. */
  readonly orders = new Map<string, OmsOrder>();

  /** The order that shipped this waybill (the latest seeded one if a waybill was reused). */
  orderByWaybill(waybillNo: string): OmsOrder | undefined {
    let found: OmsOrder | undefined;
    for (const order of this.orders.values()) if (order.waybillNo === waybillNo) found = order;
    return found;
  }

  /** Orders shipped at or after `since`, by orderId after `cursor`. */
  shippedSince(since: string, cursor: string, limit: number): OmsOrder[] {
    const from = Date.parse(since);
    return [...this.orders.values()]
      .filter((o) => o.shippedAt !== undefined && Date.parse(o.shippedAt) >= from && o.orderId > cursor)
      .sort((a, b) => (a.orderId < b.orderId ? -1 : 1))
      .slice(0, limit);
  }

  clear(): void {
    this.customers.clear();
    this.stores.clear();
    this.orders.clear();
  }
}

export function parseCustomer(value: unknown, customerId?: string): OmsCustomer | undefined {
  if (!isRecord(value)) return undefined;
  const id = customerId ?? nonEmptyString(value.customerId);
  const name = nonEmptyString(value.name);
  const phone = nonEmptyString(value.phone);
  if (id === undefined || name === undefined || phone === undefined) return undefined;
  return { customerId: id, name, phone };
}

export function parseStore(value: unknown, storeId?: string): OmsStore | undefined {
  if (!isRecord(value)) return undefined;
  const id = storeId ?? nonEmptyString(value.storeId);
  const name = nonEmptyString(value.name);
  const wecomKey = nonEmptyString(value.wecomKey);
  if (id === undefined || name === undefined || wecomKey === undefined) return undefined;
  return { storeId: id, name, wecomKey };
}

function parseItems(value: unknown): OmsItem[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const items: OmsItem[] = [];
  for (const entry of value) {
    if (!isRecord(entry)) return undefined;
    const sku = nonEmptyString(entry.sku);
    const name = nonEmptyString(entry.name);
    const quantity = positiveInteger(entry.quantity);
    const unitPrice = typeof entry.unitPrice === 'number' && Number.isSafeInteger(entry.unitPrice) && entry.unitPrice >= 0 ? entry.unitPrice : undefined;
    if (sku === undefined || name === undefined || quantity === undefined || unitPrice === undefined) return undefined;
    items.push({ sku, name, quantity, unitPrice });
  }
  return items;
}

/**
 * Reads a seeded order. The customer and store may be given whole, or by `customerId` / `storeId`
 * of one seeded before. Returns the problems when the body is not an order.
 */
export function parseOrder(value: unknown, orderId: string, state: OmsState): OmsOrder | string[] {
  if (!isRecord(value)) return ['body must be an object'];
  const problems: string[] = [];
  const waybillNo = nonEmptyString(value.waybillNo);
  const carrier = nonEmptyString(value.carrier);
  if (waybillNo === undefined) problems.push('waybillNo must be a non-empty string');
  if (carrier === undefined) problems.push('carrier must be a non-empty string');
  const customerId = nonEmptyString(value.customerId);
  const customer = value.customer !== undefined ? parseCustomer(value.customer) : customerId !== undefined ? state.customers.get(customerId) : undefined;
  if (customer === undefined) problems.push('customer {customerId, name, phone} or the customerId of a seeded customer is required');
  const storeId = nonEmptyString(value.storeId);
  const store = value.store !== undefined ? parseStore(value.store) : storeId !== undefined ? state.stores.get(storeId) : undefined;
  if (store === undefined) problems.push('store {storeId, name, wecomKey} or the storeId of a seeded store is required');
  const items = parseItems(value.items);
  if (items === undefined) problems.push('items must be [{sku, name, quantity, unitPrice (fen)}] with at least one line');
  const supplierId = value.supplierId === undefined || value.supplierId === null ? null : nonEmptyString(value.supplierId);
  if (supplierId === undefined) problems.push('supplierId must be a non-empty string or null');
  const when = (name: 'shippedAt' | 'promisedDeliveryAt'): string | undefined => {
    const v = value[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) {
      problems.push(`${name} must be an ISO date-time`);
      return undefined;
    }
    return new Date(v).toISOString();
  };
  const shippedAt = when('shippedAt');
  const promisedDeliveryAt = when('promisedDeliveryAt');
  const lane = value.lane === undefined || value.lane === null ? undefined : nonEmptyString(value.lane);
  if (value.lane !== undefined && value.lane !== null && lane === undefined) problems.push('lane must be a non-empty string');
  const region = value.region === undefined || value.region === null ? undefined : nonEmptyString(value.region);
  if (value.region !== undefined && value.region !== null && region === undefined) problems.push('region must be a non-empty string');
  if (problems.length > 0 || waybillNo === undefined || carrier === undefined || customer === undefined || store === undefined || items === undefined) {
    return problems;
  }
  return {
    orderId,
    waybillNo,
    carrier,
    customer,
    store,
    items,
    supplierId: supplierId ?? null,
    ...(shippedAt !== undefined ? { shippedAt } : {}),
    ...(promisedDeliveryAt !== undefined ? { promisedDeliveryAt } : {}),
    ...(lane !== undefined ? { lane } : {}),
    ...(region !== undefined ? { region } : {}),
  };
}
