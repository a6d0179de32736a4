/**
 * An order as the platform's order system (OMS) tells it, looked up by waybill: who the customer
 * is, which store (and its WeCom group) it belongs to, what was shipped and by which supplier.
 * Cases opened from tracking alone take their order, customer and items from here.
 */

export interface OmsCustomer {
  customerId: string;
  name: string;
  phone: string;
}

export interface OmsStore {
  storeId: string;
  name: string;
  /** The store's WeCom group-bot key. */
  wecomKey: string;
}

export interface OmsItem {
  sku: string;
  name: string;
  quantity: number;
  /** Fen. */
  unitPrice: number;
}

export interface OmsOrder {
  orderId: string;
  waybillNo: string;
  /** The carrier as the OMS names it (e.g. SF, JD); not necessarily one of ours. */
  carrier: string;
  customer: OmsCustomer;
  store: OmsStore;
  items: OmsItem[];
  /** The drop-ship supplier, null when the platform's own warehouse shipped it. */
  supplierId: string | null;
  /** When the parcel left (ISO), if the OMS says. */
  shippedAt?: string;
  /** The delivery time promised to the customer (ISO), if any. */
  promisedDeliveryAt?: string;
  /** The route class the watchlist's rules are set per (e.g. `SH-BJ`, `same-city`). */
  lane?: string;
  /**
   * The parcel's destination as an area code (行政區劃代碼, e.g. `440305`) or region name: the
   * region of a case opened from tracking, which incidents and regional health match on.
   */
  region?: string;
}

/** A region as cases hold it (api/schemas.ts accepts the same from agents). */
export const REGION_CODE = /^\d{6}$|^[A-Za-z-]{2,32}$/;
