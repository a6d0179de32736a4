import { isRecord, nonEmptyString } from '../core/fields';

/**
 * The canonical tracking event the simulator knows about a parcel. Status values follow AfterShip's
 * tags (Pending, InfoReceived, InTransit, OutForDelivery, AttemptFail, Delivered, AvailableForPickup,
 * Exception, Expired), like the product's canonical enum.
 */
export interface TrackingEvent {
  eventId: string;
  waybillNo: string;
  carrier: string;
  status: string;
  subStatus?: string;
  rawCode?: string;
  occurredAt: string;
  location?: string;
  description?: string;
}

/** Reads an event from an untrusted body; returns the problems instead when it is not one. */
export function parseTrackingEvent(value: unknown): TrackingEvent | string[] {
  if (!isRecord(value)) return ['event must be an object'];
  const problems: string[] = [];
  const required = ['eventId', 'waybillNo', 'carrier', 'status', 'occurredAt'] as const;
  for (const name of required) {
    if (nonEmptyString(value[name]) === undefined) problems.push(`event.${name} must be a non-empty string`);
  }
  for (const name of ['subStatus', 'rawCode', 'location', 'description'] as const) {
    if (value[name] !== undefined && typeof value[name] !== 'string') problems.push(`event.${name} must be a string`);
  }
  const occurredAt = value.occurredAt;
  if (typeof occurredAt === 'string' && Number.isNaN(Date.parse(occurredAt))) {
    problems.push('event.occurredAt must be an ISO date-time');
  }
  if (problems.length > 0) return problems;
  const event: TrackingEvent = {
    eventId: String(value.eventId),
    waybillNo: String(value.waybillNo),
    carrier: String(value.carrier),
    status: String(value.status),
    occurredAt: String(value.occurredAt),
  };
  for (const name of ['subStatus', 'rawCode', 'location', 'description'] as const) {
    const v = value[name];
    if (typeof v === 'string') event[name] = v;
  }
  return event;
}
