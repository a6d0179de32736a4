import { createHash } from 'node:crypto';
import type { Db } from '../../store/database';
import { openCaseIdOf } from '../../store/case-lookup';
import { heldEventsForWaybill, markDelivery, openDelivery } from '../../store/inbound-events';
import { insertTrackedCase, openedCase, trackedCaseRow } from '../../store/opened-cases';
import type { SlaPolicy } from '../../domain/sla-policy';
import type { TrackingEvent } from '../../domain/tracking';
import { CARRIERS, type Carrier, type CustomerContact, type Priority } from '../../domain/types';
import type { OpenCaseInput } from '../../workflows/case/contract';
import type { HeldEventKey, PrepareTrackedCaseInput, PreparedTrackedCase } from '../../workflows/tracking/contract';

/**
 * The read-model side of opening a case from tracking (the opener workflow, workflows/tracking/,
 * starts the case workflow itself, as workflows/case/case-start.ts says for every door). The row is
 * the API's row (store/opened-cases.ts), under the same rule — one open case per waybill and
 * exception type — with the start request sealed beside it, so every reader (list, view,
 * delivery, sweeper) sees one kind of case.
 */

export interface TrackedCaseDefaults {
  policy: SlaPolicy;
  opsWecomKey: string;
  payloadEncryptionKey: string;
  historyLimit?: number;
}

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `CASE-YYYYMMDD-XXXXXXXX` like api/case-ids.ts, derived from the opening so a retry gets the same id. */
function trackedCaseId(openingId: string, openedAt: string): string {
  const day = openedAt.slice(0, 10).replace(/-/g, '');
  const digest = createHash('sha256').update(openingId).digest();
  return `CASE-${day}-${Array.from(digest.subarray(0, 8), (byte) => ALPHABET[byte % 32]).join('')}`;
}

/** Placeholder contact of a case whose waybill the OMS does not know; in-app only, never an SMS to nobody. */
const UNKNOWN_CUSTOMER: CustomerContact = { id: 'UNKNOWN', name: '待補充 (to complete)', phone: '00000000000', channels: ['inapp'] };

function carrierOf(input: PrepareTrackedCaseInput): Carrier {
  if (input.carrier !== 'OTHER') return input.carrier;
  const fromOms = input.order?.carrier.toUpperCase();
  return (CARRIERS as readonly string[]).includes(fromOms ?? '') ? (fromOms as Carrier) : 'OTHER';
}

function startInput(input: PrepareTrackedCaseInput, caseId: string, defaults: TrackedCaseDefaults): OpenCaseInput {
  const { order } = input;
  const priority: Priority = input.type === 'LOST' || input.type === 'DAMAGED' ? 'high' : 'normal';
  const incomplete = order === null ? ` 待補充: the order system has no order for waybill ${input.waybillNo}; complete the order and customer.` : '';
  const orderValue = order?.items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
  return {
    caseId,
    type: input.type,
    orderId: order?.orderId ?? `UNKNOWN-${input.waybillNo}`,
    waybillNo: input.waybillNo,
    carrier: carrierOf(input),
    customer: order
      ? { id: order.customer.customerId, name: order.customer.name, phone: order.customer.phone, storeId: order.store.storeId }
      : UNKNOWN_CUSTOMER,
    description: `${input.reason}.${incomplete}`.slice(0, 2000),
    priority,
    ...(order?.supplierId ? { supplierId: order.supplierId } : {}),
    // Where the parcel goes, from the order: incidents and regional health match cases on it.
    ...(order?.region ? { region: order.region } : {}),
    ...(order && order.items.length > 0 ? { items: order.items.map((item) => ({ sku: item.sku, qty: item.quantity })) } : {}),
    ...(orderValue ? { orderValue } : {}),
    openedBy: { kind: 'system', id: input.source === 'watchlist' ? 'system:watchlist' : `system:tracking-${input.event?.provider ?? 'push'}` },
    policy: defaults.policy,
    ...(defaults.historyLimit !== undefined ? { historyLimit: defaults.historyLimit } : {}),
    staff: { opsWecomKey: defaults.opsWecomKey, tierQueues: { 1: 'tier1-agents', 2: 'tier2-supervisors', 3: 'tier3-experts' } },
    ...(input.event ? { openingEvent: input.event } : {}),
  };
}

/**
 * Writes the case's row, or finds the case already open for the waybill and type (a retried
 * opening finds its own row): the opener then hands the events to that case instead.
 */
export async function prepareTrackedCase(db: Db, defaults: TrackedCaseDefaults, input: PrepareTrackedCaseInput): Promise<PreparedTrackedCase> {
  const caseId = trackedCaseId(input.openingId, input.openedAt);
  const start = startInput(input, caseId, defaults);
  const own = await trackedCaseRow(db, caseId);
  if (own) return { outcome: 'prepared', caseId, start, needsCompletion: own.needsCompletion };
  const needsCompletion = input.order === null;
  const opened = openedCase(start, input.openedAt, defaults.payloadEncryptionKey, { openedFrom: input.source, reason: input.reason, needsCompletion });
  if (await insertTrackedCase(db, opened)) return { outcome: 'prepared', caseId, start, needsCompletion };
  const open = await openCaseIdOf(db, input.waybillNo, input.type);
  if (open !== undefined) return { outcome: 'exists', caseId: open };
  throw new Error(`case row for ${input.waybillNo} neither written nor found; retrying`);
}

/**
 * The events held for the waybill, each given a pending delivery to the new case; answers those
 * still to be signalled (an earlier attempt may have done some).
 */
export async function takeHeldEvents(db: Db, input: { caseId: string; waybillNo: string }): Promise<TrackingEvent[]> {
  const due: TrackingEvent[] = [];
  for (const event of await heldEventsForWaybill(db, input.waybillNo)) {
    if ((await openDelivery(db, event, input.caseId)) === 'pending') due.push(event);
  }
  return due;
}

/** Marks held events as delivered to the case once the opener has signalled them. */
export async function markHeldEventsDelivered(db: Db, input: { caseId: string; events: HeldEventKey[] }): Promise<void> {
  for (const key of input.events) await markDelivery(db, key, input.caseId, 'delivered', null);
}
