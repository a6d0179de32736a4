import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../store/database';
import { caseColumns } from '../../store/case-row';
import { sealStartRequest } from '../../store/pii';
import type { SlaPolicy } from '../../domain/sla-policy';
import type { TrackingEvent } from '../../domain/tracking';
import { CARRIERS, TERMINAL_STATUSES, type Carrier, type CustomerContact, type Priority } from '../../domain/types';
import type { OpenCaseInput } from '../../workflows/case/contract';
import type { HeldEventKey, PrepareTrackedCaseInput, PreparedTrackedCase } from '../../workflows/tracking/contract';

/**
 * The read-model side of opening a case from tracking (the opener workflow, workflows/tracking/,
 * starts the case workflow itself). The row is written as the API writes an agent's case — under
 * the unique index of one open case per waybill and type — with the start request sealed beside
 * it, so every reader (list, view, delivery, sweeper) sees one kind of case.
 */

export interface TrackedCaseDefaults {
  policy: SlaPolicy;
  opsWecomKey: string;
  payloadEncryptionKey: string;
  historyLimit?: number;
}

/** Held events older than this describe another shipment leg (as api/webhooks/inbound-delivery.ts). */
const HELD_EVENT_MAX_AGE_DAYS = 30;
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

async function openCaseOf(db: Db, waybillNo: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('cases')
    .select('case_id')
    .where('waybill_no', '=', waybillNo)
    .where('status', 'not in', TERMINAL_STATUSES)
    .orderBy('opened_at')
    .executeTakeFirst();
  return row?.case_id;
}

/**
 * Writes the case's row, or finds the case already open for the waybill (any type: the agent on
 * it gets the events; the watchlist does not pile a second case on a parcel being worked).
 */
export async function prepareTrackedCase(db: Db, defaults: TrackedCaseDefaults, input: PrepareTrackedCaseInput): Promise<PreparedTrackedCase> {
  const caseId = trackedCaseId(input.openingId, input.openedAt);
  const own = await db.selectFrom('cases').select(['start_request', 'needs_completion']).where('case_id', '=', caseId).executeTakeFirst();
  const start = startInput(input, caseId, defaults);
  if (own) return { outcome: 'prepared', caseId, start, needsCompletion: own.needs_completion };
  const existing = await openCaseOf(db, input.waybillNo);
  if (existing !== undefined) return { outcome: 'exists', caseId: existing };

  const needsCompletion = input.order === null;
  const inserted = await db
    .insertInto('cases')
    .values({
      ...caseColumns({
        caseId,
        type: start.type,
        status: 'OPEN',
        priority: start.priority,
        tier: 1,
        assignee: start.staff.tierQueues[1],
        orderId: start.orderId,
        waybillNo: start.waybillNo,
        carrier: start.carrier,
        region: start.region,
        customer: start.customer,
        supplierId: start.supplierId,
        slaBreached: false,
        openedAt: input.openedAt,
        updatedAt: input.openedAt,
        version: 0,
      }),
      snapshot: JSON.stringify({}),
      start_request: JSON.stringify(sealStartRequest(start, defaults.payloadEncryptionKey)),
      needs_completion: needsCompletion,
      opened_from: input.source,
      open_reason: input.reason.slice(0, 500),
    })
    // Any conflict: our own row (a retry) or another open case of this waybill and type.
    .onConflict((oc) => oc.doNothing())
    .returning('case_id')
    .executeTakeFirst();
  if (inserted) return { outcome: 'prepared', caseId, start, needsCompletion };
  const winner = await openCaseOf(db, input.waybillNo);
  if (winner !== undefined) return { outcome: 'exists', caseId: winner };
  throw new Error(`case row for ${input.waybillNo} neither written nor found; retrying`);
}

/**
 * The events held for the waybill, each given a pending delivery to the new case; answers those
 * still to be signalled (an earlier attempt may have done some).
 */
export async function takeHeldEvents(db: Db, input: { caseId: string; waybillNo: string }): Promise<TrackingEvent[]> {
  const since = new Date(Date.now() - HELD_EVENT_MAX_AGE_DAYS * 86_400_000);
  const held = await db
    .selectFrom('inbound_events')
    .select(['provider', 'event_id', 'payload'])
    .where('waybill_no', '=', input.waybillNo)
    .where('delivery_state', '=', 'held')
    .where(sql<boolean>`received_at > ${since}`)
    .orderBy('received_at')
    .execute();
  const due: TrackingEvent[] = [];
  for (const row of held) {
    await db
      .insertInto('inbound_deliveries')
      .values({ provider: row.provider, event_id: row.event_id, case_id: input.caseId, state: 'pending' })
      .onConflict((oc) => oc.columns(['provider', 'event_id', 'case_id']).doNothing())
      .execute();
    const delivery = await db
      .selectFrom('inbound_deliveries')
      .select('state')
      .where('provider', '=', row.provider)
      .where('event_id', '=', row.event_id)
      .where('case_id', '=', input.caseId)
      .executeTakeFirstOrThrow();
    if (delivery.state === 'pending') due.push(row.payload as unknown as TrackingEvent);
  }
  return due;
}

/** Marks held events as delivered to the case once the opener has signalled them. */
export async function markHeldEventsDelivered(db: Db, input: { caseId: string; events: HeldEventKey[] }): Promise<void> {
  for (const { provider, eventId } of input.events) {
    await db
      .updateTable('inbound_deliveries')
      .set({ state: 'delivered', attempts: sql<number>`attempts + 1`, updated_at: new Date() })
      .where('provider', '=', provider)
      .where('event_id', '=', eventId)
      .where('case_id', '=', input.caseId)
      .where('state', '=', 'pending')
      .execute();
  }
}
