import type { Carrier } from './types';

/**
 * One canonical tracking vocabulary (modelled on AfterShip's tags) that every carrier's raw code
 * maps to. The raw code always stays on the event, so nothing a carrier said is lost.
 */

export const TRACKING_STATUSES = [
  'Pending',
  'InfoReceived',
  'InTransit',
  'OutForDelivery',
  'AttemptFail',
  'Delivered',
  'AvailableForPickup',
  'Exception',
  'Expired',
] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

export const EXCEPTION_SUB_STATUSES = [
  'lost',
  'damaged',
  'refused',
  'incorrect_address',
  'returning_to_sender',
  'returned_to_sender',
  'weather',
  'processing_delay',
  'no_update',
  'customs',
  'not_signed_in_time',
  'delivery_failed',
  /** Waiting in a locker or station (快遞櫃/驛站) past the pick-up time. */
  'not_picked_up',
  'other',
  /** A carrier code no table knows: kept raw on the event, for a person to read. */
  'unknown',
] as const;
export type ExceptionSubStatus = (typeof EXCEPTION_SUB_STATUSES)[number];

export interface TrackingEvent {
  /** The sender's event id, used to drop duplicates of a retried push. */
  eventId: string;
  provider: string;
  waybillNo: string;
  carrier: Carrier;
  status: TrackingStatus;
  subStatus?: ExceptionSubStatus;
  /** The carrier's own code, kept verbatim. */
  rawCode?: string;
  occurredAt: string;
  location?: string;
  description?: string;
}

/** Statuses that mean the parcel is moving again after being stuck. */
const MOVEMENT: readonly TrackingStatus[] = ['InfoReceived', 'InTransit', 'OutForDelivery', 'AvailableForPickup', 'Delivered'];

export function isMovement(status: TrackingStatus): boolean {
  return MOVEMENT.includes(status);
}
