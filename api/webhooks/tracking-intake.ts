import type { Db } from '../../store/database';
import type { TrackingEvent } from '../../domain/tracking';
import { recordInboundEvent, recordedInboundEvent } from '../../store/inbound-events';
import { deliverRecordedEvent, ensureCaseForHeldException, type TrackingTargets } from './inbound-delivery';
import { noticeShipmentMilestone } from './shipment-notices';

/**
 * Where every tracking push lands after its signature is checked, whatever the provider. The
 * event is recorded first (the dedupe key is (provider, event id)), then delivered to every open
 * case of its waybill (./inbound-delivery.ts). The sender gets a 2xx only once that is safe: the
 * event reached every case, or no case was open and it is durably held for one opened later.
 * Otherwise the call throws (the route answers 503) and the event stays recorded as pending: the
 * sender's retry of the same event id finishes the delivery instead of being told "duplicate",
 * and the redelivery sweeper finishes it if the sender never retries.
 */

export interface IntakeResult {
  /** The event was already fully handled: nothing was delivered now. */
  duplicate: boolean;
  deliveredTo: string[];
  /** No open case for the waybill: kept for a case opened later. */
  held: boolean;
  /** The exception asked for a case of this type to be opened (docs/integrations.md). */
  opening?: string;
}

export async function intakeTrackingEvent(db: Db, targets: TrackingTargets, event: TrackingEvent): Promise<IntakeResult> {
  // The event and the waybill's stored tracking (store/shipments.ts) change together, once per event id.
  const inserted = await recordInboundEvent(db, event);
  let recorded = event;
  if (!inserted) {
    const existing = await recordedInboundEvent(db, { provider: event.provider, eventId: event.eventId });
    if (existing.deliveryState === 'held') {
      // A resent exception whose case may never have been asked for (the first attempt failed
      // after holding it): ask again. The opener finds a case already open and does nothing.
      await ensureCaseForHeldException(db, targets, existing.event);
      return { duplicate: true, deliveredTo: [], held: true };
    }
    if (existing.deliveryState !== 'pending') return { duplicate: true, deliveredTo: [], held: false };
    // An earlier attempt recorded it but did not finish delivering: finish it now, with the
    // event as first recorded (a sender's retry should be identical, but the record is the truth).
    recorded = existing.event;
  }
  // ── Customers told (issue 9 part 4): the accepted event goes to its waybill's shipment-notices
  // workflow first; a failure leaves the event pending, so the sender's retry signals it again.
  await noticeShipmentMilestone(targets, recorded);
  const outcome = await deliverRecordedEvent(db, targets, recorded);
  return { duplicate: false, ...outcome };
}
