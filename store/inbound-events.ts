import { sql } from 'kysely';
import type { TrackingEvent } from '../domain/tracking';
import { TERMINAL_STATUSES } from '../domain/types';
import type { Db } from './database';
import type { InboundDeliveryState } from './schema';
import { recordShipmentEvent } from './shipments';

/**
 * Tracking events as received (`inbound_events`) and their delivery to each case
 * (`inbound_deliveries`). An event is keyed by (provider, event id); a delivery by the event and
 * the case. What the states mean, and who moves them, is api/webhooks/inbound-delivery.ts.
 */

export interface InboundEventKey {
  provider: string;
  eventId: string;
}

/** Held events older than this are not handed to new cases: they describe another shipment leg. */
const HELD_EVENT_MAX_AGE_DAYS = 30;

/** Held events received after this are still handed to a newly opened case. */
const heldSince = () => new Date(Date.now() - HELD_EVENT_MAX_AGE_DAYS * 86_400_000);

/** The condition on `received_at` (of `inbound_events`, or of its alias `e`) of a held event still to hand over. */
export const heldRecently = () => sql<boolean>`received_at > ${heldSince()}`;

/**
 * Records an event as `pending`, with its waybill's stored tracking (./shipments.ts) in the same
 * transaction, once per event id. Answers whether this call recorded it (false: seen before).
 */
export async function recordInboundEvent(db: Db, event: TrackingEvent): Promise<boolean> {
  const inserted = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('inbound_events')
      .values({
        provider: event.provider,
        event_id: event.eventId,
        waybill_no: event.waybillNo,
        status: event.status,
        payload: JSON.stringify(event),
        case_id: null,
        delivery_state: 'pending',
      })
      .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (row) await recordShipmentEvent(trx, event);
    return row;
  });
  return inserted !== undefined;
}

/** An event recorded earlier: its state and the event as first recorded. */
export async function recordedInboundEvent(db: Db, { provider, eventId }: InboundEventKey): Promise<{ deliveryState: string; event: TrackingEvent }> {
  const row = await db
    .selectFrom('inbound_events')
    .select(['delivery_state', 'payload'])
    .where('provider', '=', provider)
    .where('event_id', '=', eventId)
    .executeTakeFirstOrThrow();
  return { deliveryState: row.delivery_state, event: row.payload as unknown as TrackingEvent };
}

/** Creates the event's delivery to the case as `pending` unless it exists; answers its state. */
export async function openDelivery(db: Db, { provider, eventId }: InboundEventKey, caseId: string): Promise<InboundDeliveryState> {
  await db
    .insertInto('inbound_deliveries')
    .values({ provider, event_id: eventId, case_id: caseId, state: 'pending' })
    .onConflict((oc) => oc.columns(['provider', 'event_id', 'case_id']).doNothing())
    .execute();
  const row = await db
    .selectFrom('inbound_deliveries')
    .select('state')
    .where('provider', '=', provider)
    .where('event_id', '=', eventId)
    .where('case_id', '=', caseId)
    .executeTakeFirstOrThrow();
  return row.state;
}

/** Counts an attempt of a pending delivery and gives it `state` (still `pending` after a failure). */
export async function markDelivery(
  db: Db,
  { provider, eventId }: InboundEventKey,
  caseId: string,
  state: InboundDeliveryState,
  lastError: string | null,
): Promise<void> {
  await db
    .updateTable('inbound_deliveries')
    .set({ state, last_error: lastError, attempts: sql<number>`attempts + 1`, updated_at: new Date() })
    .where('provider', '=', provider)
    .where('event_id', '=', eventId)
    .where('case_id', '=', caseId)
    .where('state', '=', 'pending')
    .execute();
}

/** The cases an event has a delivery to, whatever its state. */
export async function deliveryTargets(db: Db, { provider, eventId }: InboundEventKey): Promise<string[]> {
  const rows = await db.selectFrom('inbound_deliveries').select('case_id').where('provider', '=', provider).where('event_id', '=', eventId).execute();
  return rows.map((row) => row.case_id);
}

/** Whether the event has been given to any case. */
export async function hasDelivery(db: Db, { provider, eventId }: InboundEventKey): Promise<boolean> {
  const handed = await db
    .selectFrom('inbound_deliveries')
    .select('case_id')
    .where('provider', '=', provider)
    .where('event_id', '=', eventId)
    .executeTakeFirst();
  return handed !== undefined;
}

/** The cases the event was delivered to, in the order their deliveries were created. */
export async function deliveredCaseIds(db: Db, { provider, eventId }: InboundEventKey): Promise<string[]> {
  const rows = await db
    .selectFrom('inbound_deliveries')
    .select('case_id')
    .where('provider', '=', provider)
    .where('event_id', '=', eventId)
    .where('state', '=', 'delivered')
    .orderBy('created_at')
    .execute();
  return rows.map((row) => row.case_id);
}

/** An attempt that left the event pending: the sweeper's grace starts again. */
export async function touchInboundEvent(db: Db, { provider, eventId }: InboundEventKey): Promise<void> {
  await db.updateTable('inbound_events').set({ updated_at: new Date() }).where('provider', '=', provider).where('event_id', '=', eventId).execute();
}

/** Settles a pending event: `held` (no case had it) or `complete`, with the first case that has it. */
export async function settleInboundEvent(db: Db, { provider, eventId }: InboundEventKey, held: boolean, firstCaseId: string | null): Promise<void> {
  await db
    .updateTable('inbound_events')
    .set({ delivery_state: held ? 'held' : 'complete', case_id: firstCaseId, updated_at: new Date() })
    .where('provider', '=', provider)
    .where('event_id', '=', eventId)
    .where('delivery_state', '=', 'pending')
    .execute();
}

/** The events held for a waybill (received within the hand-over age), oldest first. */
export async function heldEventsForWaybill(db: Db, waybillNo: string): Promise<TrackingEvent[]> {
  const rows = await db
    .selectFrom('inbound_events')
    .select(['payload'])
    .where('waybill_no', '=', waybillNo)
    .where('delivery_state', '=', 'held')
    .where(heldRecently())
    .orderBy('received_at')
    .execute();
  return rows.map((row) => row.payload as unknown as TrackingEvent);
}

/** Events still pending since `before`, least recently tried first. */
export async function pendingInboundEvents(db: Db, before: Date, limit: number): Promise<TrackingEvent[]> {
  const rows = await db
    .selectFrom('inbound_events')
    .select('payload')
    .where('delivery_state', '=', 'pending')
    .where('updated_at', '<=', before)
    .orderBy('updated_at')
    .limit(limit)
    .execute();
  return rows.map((row) => row.payload as unknown as TrackingEvent);
}

/** One event to deliver to one case. */
export interface DueDelivery {
  event: TrackingEvent;
  caseId: string;
}

/** Deliveries still pending since `before` of events that are otherwise settled. */
export async function leftoverDeliveries(db: Db, before: Date, limit: number): Promise<DueDelivery[]> {
  const rows = await db
    .selectFrom('inbound_deliveries as d')
    .innerJoin('inbound_events as e', (join) => join.onRef('e.provider', '=', 'd.provider').onRef('e.event_id', '=', 'd.event_id'))
    .select(['e.payload', 'd.case_id'])
    .where('d.state', '=', 'pending')
    .where('e.delivery_state', '<>', 'pending')
    .where('d.updated_at', '<=', before)
    .orderBy('d.updated_at')
    .limit(limit)
    .execute();
  return rows.map(dueDelivery);
}

/** Held events whose waybill has a case open since before `before` that has no delivery of them. */
export async function heldEventsForOpenCases(db: Db, before: Date, limit: number): Promise<DueDelivery[]> {
  const rows = await db
    .selectFrom('inbound_events as e')
    .innerJoin('cases as c', 'c.waybill_no', 'e.waybill_no')
    .leftJoin('inbound_deliveries as d', (join) =>
      join.onRef('d.provider', '=', 'e.provider').onRef('d.event_id', '=', 'e.event_id').onRef('d.case_id', '=', 'c.case_id'),
    )
    .select(['e.payload', 'c.case_id'])
    .where('e.delivery_state', '=', 'held')
    .where('c.status', 'not in', TERMINAL_STATUSES)
    .where('c.opened_at', '<=', before)
    .where('d.case_id', 'is', null)
    .where(sql<boolean>`e.received_at > ${heldSince()}`)
    .orderBy('e.received_at')
    .limit(limit)
    .execute();
  return rows.map(dueDelivery);
}

const dueDelivery = (row: { payload: Record<string, unknown>; case_id: string }): DueDelivery => ({
  event: row.payload as unknown as TrackingEvent,
  caseId: row.case_id,
});
