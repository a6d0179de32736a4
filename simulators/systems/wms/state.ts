import type { LineItem, PickRecord } from './items';

export type ReturnStatus = 'CREATED' | 'PICKED_UP' | 'RECEIVED';
const RETURN_FLOW: readonly ReturnStatus[] = ['CREATED', 'PICKED_UP', 'RECEIVED'];

export interface OrderPicks {
  items: LineItem[];
  picked: PickRecord[];
}

export interface ReshipOrder {
  reshipOrderNo: string;
  outOrderNo: string;
  orderId: string;
  items: LineItem[];
  address: unknown;
  reason: string;
  waybillNo: string;
  carrier: string;
  createdAt: string;
}

export interface ReturnOrder {
  returnOrderNo: string;
  outOrderNo: string;
  orderId: string;
  items: LineItem[];
  pickupWaybillNo: string;
  status: ReturnStatus;
  /** When true (the default) every status poll moves the return one step along CREATED → PICKED_UP → RECEIVED. */
  autoAdvance: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The warehouse's memory: what was picked per order, reship orders and reverse-pickup orders. */
export class WmsState {
  readonly picks = new Map<string, OrderPicks>();
  readonly reships = new Map<string, ReshipOrder>();
  readonly returns = new Map<string, ReturnOrder>();

  constructor(private readonly now: () => Date) {}

  /** An order nobody configured was picked exactly as ordered: one line, one unit. */
  picksFor(orderId: string): OrderPicks {
    const configured = this.picks.get(orderId);
    if (configured !== undefined) return configured;
    const at = new Date(this.now().getTime() - 48 * 60 * 60 * 1000).toISOString();
    const line = { sku: `SKU-${orderId}-1`, qty: 1 };
    const made = { items: [line], picked: [{ ...line, picker: 'picker-01', at }] };
    this.picks.set(orderId, made);
    return made;
  }

  advance(ret: ReturnOrder): void {
    const next = RETURN_FLOW[RETURN_FLOW.indexOf(ret.status) + 1];
    if (next !== undefined) this.setStatus(ret, next);
  }

  setStatus(ret: ReturnOrder, status: ReturnStatus): void {
    ret.status = status;
    ret.updatedAt = this.now().toISOString();
  }

  clear(): void {
    this.picks.clear();
    this.reships.clear();
    this.returns.clear();
  }
}

export function isReturnStatus(value: unknown): value is ReturnStatus {
  return typeof value === 'string' && (RETURN_FLOW as readonly string[]).includes(value);
}
