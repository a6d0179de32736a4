import type { Db } from '../../store/database';
import {
  deliveredCaseIds,
  deliveryTargets,
  hasDelivery,
  heldEventsForOpenCases,
  heldEventsForWaybill,
  leftoverDeliveries,
  markDelivery,
  openDelivery,
  pendingInboundEvents,
  settleInboundEvent,
  touchInboundEvent,
  type InboundEventKey,
} from '../../store/inbound-events';
import type { InboundDeliveryState } from '../../store/schema';
import type { TrackingEvent } from '../../domain/tracking';
import { autoOpenType } from '../../domain/auto-open';
import type { ExceptionType } from '../../domain/types';

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

export interface DeliveryOutcome {
  /** Cases that have the event (this attempt or an earlier one). */
  deliveredTo: string[];
  /** No open case had the waybill: the event is kept for a case opened later. */
  held: boolean;
  /** An exception with no open case: a case of this type is being opened, the event held for it. */
  opening?: ExceptionType;
}

const key = (event: TrackingEvent): InboundEventKey => ({ provider: event.provider, eventId: event.eventId });

/** Delivers to one case unless that delivery is already done; records the outcome either way. */
async function deliverToCase(db: Db, targets: TrackingTargets, event: TrackingEvent, caseId: string): Promise<InboundDeliveryState> {
  const state = await openDelivery(db, key(event), caseId);
  if (state !== 'pending') return state;
  let outcome: TrackingDelivery;
  try {
    outcome = await targets.deliverTrackingEvent(caseId, event);
  } catch (error) {
    await markDelivery(db, key(event), caseId, 'pending', String((error as Error)?.message ?? error).slice(0, 500)).catch(() => undefined);
    throw error;
  }
  const delivered: InboundDeliveryState = outcome === 'delivered' ? 'delivered' : 'case-finished';
  await markDelivery(db, key(event), caseId, delivered, null);
  return delivered;
}

/**
 * Delivers a recorded event to every open case of its waybill and to every target an earlier
 * attempt left pending; settles the event when all are done. Throws (leaving the event pending)
 * if any delivery failed — after trying all of them, so one failing case delays no other.
 */
export async function deliverRecordedEvent(db: Db, targets: TrackingTargets, event: TrackingEvent): Promise<DeliveryOutcome> {
  const earlier = await deliveryTargets(db, key(event));
  const caseIds = [...new Set([...earlier, ...(await targets.openCaseIdsForWaybill(event.waybillNo))])];
  let failure: unknown;
  for (const caseId of caseIds) {
    try {
      await deliverToCase(db, targets, event, caseId);
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) {
    await touchInboundEvent(db, key(event));
    throw failure;
  }
  const deliveredTo = await deliveredCaseIds(db, key(event));
  const held = caseIds.length === 0;
  await settleInboundEvent(db, key(event), held, deliveredTo[0] ?? null);
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
  if (await hasDelivery(db, key(event))) return;
  if ((await targets.openCaseIdsForWaybill(event.waybillNo)).length > 0) return;
  await targets.openCaseForException(event, type);
}

/**
 * Hands the events held for a waybill to a case just opened for it, oldest first. Failures are
 * left pending for the sweeper; the caller's open does not fail for them.
 */
export async function handHeldEvents(db: Db, targets: TrackingTargets, caseId: string, waybillNo: string): Promise<number> {
  let handed = 0;
  for (const event of await heldEventsForWaybill(db, waybillNo)) {
    if ((await deliverToCase(db, targets, event, caseId)) === 'delivered') handed += 1;
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

  for (const event of await pendingInboundEvents(db, before, batch)) {
    try {
      // Customers told: a pending event may never have reached its shipment-notices workflow
      // (the sender gave up after a 503); the workflow ignores an event id it has seen.
      await targets.signalShipmentNotices?.(event);
      await deliverRecordedEvent(db, targets, event);
      result.events += 1;
    } catch {
      result.failures += 1;
    }
  }

  const leftovers = await leftoverDeliveries(db, before, batch);
  const heldForOpenCases = await heldEventsForOpenCases(db, before, batch);
  for (const { event, caseId } of [...leftovers, ...heldForOpenCases]) {
    try {
      await deliverToCase(db, targets, event, caseId);
      result.deliveries += 1;
    } catch {
      result.failures += 1;
    }
  }
  return result;
}
