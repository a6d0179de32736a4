import { sql } from 'kysely';
import type { Db } from '../../store/database';
import type { InboundDeliveryState } from '../../store/schema';
import type { TrackingEvent } from '../../domain/tracking';
import { autoOpenType } from '../../domain/auto-open';
import { TERMINAL_STATUSES, type ExceptionType } from '../../domain/types';

/** What became of a tracking event sent to one case. */
export type TrackingDelivery = 'delivered' | 'case-finished';
/**
 * Tracking events reach every case they concern, at least once, whatever fails on the way. The
 * case workflow ignores an event id it has seen, so delivering twice is harmless; not delivering
 * is the failure to avoid.
 *
 * - The event is recorded (`inbound_events`, state `pending`) before anything is delivered.
 * - Each target case gets a delivery row (`inbound_deliveries`), marked `delivered` (or
 *   `case-finished`: the case's workflow had already ended) once Temporal has the signal.
 * - The event becomes `complete` when every target is done, or `held` when no case was open for
 *   its waybill: held events are handed to cases opened later for that waybill.
 * - Anything left `pending` (a crash, Temporal unreachable, one of several cases failing) is
 *   finished by the sender's retry of the same event id or by the redelivery sweeper.
 */

/** The part of CaseService delivery needs (a narrow seam, so tests can inject faults). */
export interface TrackingTargets {
  openCaseIdsForWaybill(waybillNo: string): Promise<string[]>;
  deliverTrackingEvent(caseId: string, event: TrackingEvent): Promise<TrackingDelivery>;
  /**
   * Customers told: hands the event to its waybill's shipment-notices workflow when it marks a
   * milestone (api/webhooks/shipment-notices.ts); absent in test doubles that only deliver.
   */
  signalShipmentNotices?(event: TrackingEvent): Promise<void>;
  /**
   * Asks for a case of `type` to be opened for the event's waybill (signal-with-start of the
   * waybill's case opener, workflows/tracking/): idempotent, and a no-op once a case is open.
   * Absent where nothing should open cases (tests of delivery alone).
   */
  openCaseForException?(event: TrackingEvent, type: ExceptionType): Promise<void>;
}

/** Held events older than this are not handed to new cases: they describe another shipment leg. */
const HELD_EVENT_MAX_AGE_DAYS = 30;

export interface DeliveryOutcome {
  /** Cases that have the event (this attempt or an earlier one). */
  deliveredTo: string[];
  /** No open case had the waybill: the event is kept for a case opened later. */
  held: boolean;
  /** An exception with no open case: a case of this type is being opened, the event held for it. */
  opening?: ExceptionType;
}

/** Held events received after this are still handed to a newly opened case. */
export const heldSince = () => new Date(Date.now() - HELD_EVENT_MAX_AGE_DAYS * 86_400_000);

const key = (event: TrackingEvent) => ({ provider: event.provider, eventId: event.eventId });

/** Delivers to one case unless that delivery is already done; records the outcome either way. */
async function deliverToCase(db: Db, targets: TrackingTargets, event: TrackingEvent, caseId: string): Promise<InboundDeliveryState> {
  const { provider, eventId } = key(event);
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
  if (row.state !== 'pending') return row.state;
  const mark = (state: InboundDeliveryState, lastError: string | null) =>
    db
      .updateTable('inbound_deliveries')
      .set({ state, last_error: lastError, attempts: sql<number>`attempts + 1`, updated_at: new Date() })
      .where('provider', '=', provider)
      .where('event_id', '=', eventId)
      .where('case_id', '=', caseId)
      .where('state', '=', 'pending')
      .execute();
  let outcome: TrackingDelivery;
  try {
    outcome = await targets.deliverTrackingEvent(caseId, event);
  } catch (error) {
    await mark('pending', String((error as Error)?.message ?? error).slice(0, 500)).catch(() => undefined);
    throw error;
  }
  const state: InboundDeliveryState = outcome === 'delivered' ? 'delivered' : 'case-finished';
  await mark(state, null);
  return state;
}

/**
 * Delivers a recorded event to every open case of its waybill and to every target an earlier
 * attempt left pending; settles the event when all are done. Throws (leaving the event pending)
 * if any delivery failed — after trying all of them, so one failing case delays no other.
 */
export async function deliverRecordedEvent(db: Db, targets: TrackingTargets, event: TrackingEvent): Promise<DeliveryOutcome> {
  const { provider, eventId } = key(event);
  const earlier = await db.selectFrom('inbound_deliveries').select('case_id').where('provider', '=', provider).where('event_id', '=', eventId).execute();
  const caseIds = [...new Set([...earlier.map((row) => row.case_id), ...(await targets.openCaseIdsForWaybill(event.waybillNo))])];
  let failure: unknown;
  for (const caseId of caseIds) {
    try {
      await deliverToCase(db, targets, event, caseId);
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) {
    await db.updateTable('inbound_events').set({ updated_at: new Date() }).where('provider', '=', provider).where('event_id', '=', eventId).execute();
    throw failure;
  }
  const deliveredTo = (
    await db
      .selectFrom('inbound_deliveries')
      .select('case_id')
      .where('provider', '=', provider)
      .where('event_id', '=', eventId)
      .where('state', '=', 'delivered')
      .orderBy('created_at')
      .execute()
  ).map((row) => row.case_id);
  const held = caseIds.length === 0;
  await db
    .updateTable('inbound_events')
    .set({ delivery_state: held ? 'held' : 'complete', case_id: deliveredTo[0] ?? null, updated_at: new Date() })
    .where('provider', '=', provider)
    .where('event_id', '=', eventId)
    .where('delivery_state', '=', 'pending')
    .execute();
  // Held first, then the opener asked: the opener hands every held event to the case it opens,
  // so two exceptions pushed at once both reach the one case. Should asking fail, the sender's
  // retry finds the event held and asks again (ensureCaseForHeldException).
  const opening = held ? autoOpenType(event) : undefined;
  if (opening !== undefined && targets.openCaseForException) await targets.openCaseForException(event, opening);
  return { deliveredTo, held, ...(opening !== undefined ? { opening } : {}) };
}

/**
 * A held exception event seen again (a resend): asks for its case again unless it was already
 * handed to one — a resend of an exception whose case opened and closed since opens nothing.
 */
export async function ensureCaseForHeldException(db: Db, targets: TrackingTargets, event: TrackingEvent): Promise<void> {
  const type = autoOpenType(event);
  if (type === undefined || !targets.openCaseForException) return;
  const handed = await db
    .selectFrom('inbound_deliveries')
    .select('case_id')
    .where('provider', '=', event.provider)
    .where('event_id', '=', event.eventId)
    .executeTakeFirst();
  if (handed) return;
  if ((await targets.openCaseIdsForWaybill(event.waybillNo)).length > 0) return;
  await targets.openCaseForException(event, type);
}

/**
 * Hands the events held for a waybill to a case just opened for it, oldest first. Failures are
 * left pending for the sweeper; the caller's open does not fail for them.
 */
export async function handHeldEvents(db: Db, targets: TrackingTargets, caseId: string, waybillNo: string): Promise<number> {
  const held = await db
    .selectFrom('inbound_events')
    .select(['payload'])
    .where('waybill_no', '=', waybillNo)
    .where('delivery_state', '=', 'held')
    .where(sql<boolean>`received_at > ${heldSince()}`)
    .orderBy('received_at')
    .execute();
  let handed = 0;
  for (const row of held) {
    if ((await deliverToCase(db, targets, row.payload as unknown as TrackingEvent, caseId)) === 'delivered') handed += 1;
  }
  return handed;
}

export interface SweepResult {
  /** Events whose delivery was finished. */
  events: number;
  /** Single deliveries (held events to later cases, leftovers) finished. */
  deliveries: number;
  failures: number;
}

/**
 * One pass of the redelivery sweeper over tracking events: events left pending (a crash between
 * record and delivery, a failed attempt the sender never retried), deliveries left pending, and
 * held events whose waybill has an open case that does not have them yet (a crash after a case
 * opened but before the hand-over). `graceMs` leaves young rows to the request still handling them.
 */
export async function sweepTrackingEvents(db: Db, targets: TrackingTargets, { graceMs = 10_000, batch = 100 } = {}): Promise<SweepResult> {
  const result: SweepResult = { events: 0, deliveries: 0, failures: 0 };
  const before = new Date(Date.now() - graceMs);

  const pendingEvents = await db
    .selectFrom('inbound_events')
    .select('payload')
    .where('delivery_state', '=', 'pending')
    .where('updated_at', '<=', before)
    .orderBy('updated_at')
    .limit(batch)
    .execute();
  for (const row of pendingEvents) {
    try {
      // Customers told: a pending event may never have reached its shipment-notices workflow
      // (the sender gave up after a 503); the workflow ignores an event id it has seen.
      await targets.signalShipmentNotices?.(row.payload as unknown as TrackingEvent);
      await deliverRecordedEvent(db, targets, row.payload as unknown as TrackingEvent);
      result.events += 1;
    } catch {
      result.failures += 1;
    }
  }

  const leftovers = await db
    .selectFrom('inbound_deliveries as d')
    .innerJoin('inbound_events as e', (join) => join.onRef('e.provider', '=', 'd.provider').onRef('e.event_id', '=', 'd.event_id'))
    .select(['e.payload', 'd.case_id'])
    .where('d.state', '=', 'pending')
    .where('e.delivery_state', '<>', 'pending')
    .where('d.updated_at', '<=', before)
    .orderBy('d.updated_at')
    .limit(batch)
    .execute();
  const heldForOpenCases = await db
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
    .limit(batch)
    .execute();
  for (const row of [...leftovers, ...heldForOpenCases]) {
    try {
      await deliverToCase(db, targets, row.payload as unknown as TrackingEvent, row.case_id);
      result.deliveries += 1;
    } catch {
      result.failures += 1;
    }
  }
  return result;
}
