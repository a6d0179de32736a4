import type { TrackingEvent } from '../../../../domain/tracking';
import type { CaseView } from '../../../../domain/case-view';
import type { CaseData } from '../case-data';
import type { Changing } from './changing';

/** Changes for what the case learns and does: tracking scans, and the lists and counters of its steps. */

/** The case's lists that only grow (older entries leave with continue-as-new; the trail keeps them). */
export type Lists = Pick<CaseData, 'notes' | 'notifications' | 'carrierRequests' | 'reshipments' | 'returns' | 'incidents'>;
/** Counters whose next number names an attempt (its idempotency key, its child workflow's id). */
export type Counter = 'reshipAttempts' | 'returnAttempts' | 'claimCount';

/** Records a scan; false for one the case already has (a retried push that slipped past the webhook's dedupe). */
export function applyTrackingEvent(c: Changing, event: TrackingEvent): boolean {
  const { tracking } = c.d;
  if (tracking.events.some((seen) => seen.eventId === event.eventId && seen.provider === event.provider)) return false;
  tracking.events.push(event);
  tracking.lastStatus = event.status;
  tracking.lastSubStatus = event.subStatus;
  tracking.lastEventAt = event.occurredAt;
  tracking.lastLocation = event.location;
  if (event.status === 'Delivered') tracking.delivered = true;
  const where = `${event.subStatus ? `/${event.subStatus}` : ''}${event.location ? ` @ ${event.location}` : ''}`;
  c.record('tracking.event', `${event.carrier} ${event.status}${where}`, { ...event }, { kind: 'carrier', id: event.provider });
  return true;
}

export function append<K extends keyof Lists>(d: CaseData, list: K, entry: Lists[K][number]): void {
  (d[list] as Array<Lists[K][number]>).push(entry);
}

export function endIncident(d: CaseData, incidentId: string, endedAt: string): void {
  const incident = d.incidents.find((known) => known.incidentId === incidentId);
  if (incident) incident.endedAt = endedAt;
}

export function updateReturn(d: CaseData, returnOrderNo: string, update: { status?: string; receivedAt?: string }): void {
  const expected = d.returns.find((entry) => entry.returnOrderNo === returnOrderNo);
  if (expected) Object.assign(expected, update);
}

/** Counts one more attempt (a reship, a return, a claim) and returns its number. */
export function next(d: CaseData, counter: Counter): number {
  return ++d[counter];
}

/** An attempt whose outcome is unknown gives its number back, so the retry reuses its key. */
export function reuseReshipAttempt(d: CaseData, attempt: number): void {
  if (d.reshipAttempts === attempt) d.reshipAttempts -= 1;
}

/** Set once the customer has been told the case is open (a converted case is not told twice). */
export function markAcknowledged(d: CaseData): void {
  d.acknowledged = true;
}

/** Shows the case's latest claim; `progressed` when it reports progress (an approval waits on it). */
export function showClaim(d: CaseData, claim: NonNullable<CaseView['claim']>, { progressed = false } = {}): void {
  d.claim = claim;
  if (progressed) d.claimRevision += 1;
}
