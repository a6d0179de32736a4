import type { ExceptionSubStatus, TrackingEvent } from './tracking';
import type { ExceptionType } from './types';

/**
 * Which exception opens which case by itself (the README's auto-open table). `Exception`,
 * `AttemptFail` (派件異常, a failed delivery: the REFUSED playbook contacts the customer) and
 * `Expired` open cases; `other` and `unknown` open a DELAYED case (check the tracking, urge the
 * carrier) so a person reads the raw code: nothing is left unseen.
 */
const AUTO_OPEN_TYPES: Readonly<Record<ExceptionSubStatus, ExceptionType>> = {
  lost: 'LOST',
  damaged: 'DAMAGED',
  refused: 'REFUSED',
  delivery_failed: 'REFUSED',
  not_picked_up: 'REFUSED',
  incorrect_address: 'ADDRESS_CHANGE',
  returning_to_sender: 'INTERCEPT',
  returned_to_sender: 'INTERCEPT',
  weather: 'DELAYED',
  processing_delay: 'DELAYED',
  no_update: 'DELAYED',
  customs: 'DELAYED',
  not_signed_in_time: 'DELAYED',
  other: 'DELAYED',
  unknown: 'DELAYED',
};

/** The case type an event opens when its waybill has no open case, or undefined: it opens none. */
export function autoOpenType(event: Pick<TrackingEvent, 'status' | 'subStatus'>): ExceptionType | undefined {
  if (event.status === 'Expired') return 'DELAYED';
  if (event.status === 'AttemptFail') return 'REFUSED';
  if (event.status !== 'Exception') return undefined;
  return AUTO_OPEN_TYPES[event.subStatus ?? 'other'];
}

/** Why the case was opened, in the words an agent reads on it. */
export function autoOpenReason(event: Pick<TrackingEvent, 'provider' | 'status' | 'subStatus' | 'rawCode' | 'description'>): string {
  const code = event.rawCode !== undefined ? ` (${event.provider} code ${event.rawCode})` : ` (${event.provider})`;
  const said = event.description ? `: ${event.description}` : '';
  return `Opened from tracking: ${event.status}${event.subStatus ? `/${event.subStatus}` : ''}${code}${said}`;
}
