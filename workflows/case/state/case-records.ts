import type { CaseView } from '../../../domain/case-view';
import type { CaseIncident } from '../../../domain/incidents';
import { type TrackingEvent, isMovement } from '../../../domain/tracking';
import type { Actor } from '../../../domain/types';
import { nextCarrierRequestNumber } from './carried-state';
import { CaseCore } from './case-core';

type CarrierRequest = CaseView['carrierRequests'][number];
type Notification = CaseView['notifications'][number];

/**
 * The named changes for what a case learns and does: tracking scans, notes, incidents, notices
 * sent, carrier requests, reships, returns and claims. The changes that move the case itself
 * (status, tier, evidence, phases) are in ./case-state.ts, which builds on this class.
 */
export class CaseRecords extends CaseCore {
  // --- what the case learns and does -----------------------------------------------------

  applyTrackingEvent(event: TrackingEvent): boolean {
    const { tracking } = this.d;
    if (tracking.events.some((seen) => seen.eventId === event.eventId && seen.provider === event.provider)) {
      return false; // a retried push that slipped past the webhook's own dedupe
    }
    tracking.events.push(event);
    tracking.lastStatus = event.status;
    tracking.lastSubStatus = event.subStatus;
    tracking.lastEventAt = event.occurredAt;
    tracking.lastLocation = event.location;
    if (event.status === 'Delivered') tracking.delivered = true;
    const where = `${event.subStatus ? `/${event.subStatus}` : ''}${event.location ? ` @ ${event.location}` : ''}`;
    this.record('tracking.event', `${event.carrier} ${event.status}${where}`, { ...event }, { kind: 'carrier', id: event.provider });
    return true;
  }

  movementCount(): number {
    return this.d.tracking.events.filter((event) => isMovement(event.status)).length;
  }

  addNote(text: string, actor: Actor): void {
    this.d.notes.push({ text, at: new Date().toISOString(), by: actor.id });
  }

  addIncident(incident: CaseIncident): void {
    this.d.incidents.push(incident);
  }

  endIncident(incidentId: string, endedAt: string): void {
    const incident = this.d.incidents.find((known) => known.incidentId === incidentId);
    if (incident) incident.endedAt = endedAt;
  }

  noteNotification(notification: Notification): void {
    this.d.notifications.push(notification);
  }

  markAcknowledged(): void {
    this.d.acknowledged = true;
  }

  /** The ordinal of the next request of a carrier instruction (its idempotency key). */
  nextCarrierRequestNumber(operation: string): number {
    return nextCarrierRequestNumber(this.d, operation);
  }

  noteCarrierRequest(request: CarrierRequest): void {
    this.d.carrierRequests.push(request);
  }

  /** Counts a reship attempt and returns its number (each has its own WMS key). */
  nextReshipAttempt(): number {
    return ++this.d.reshipAttempts;
  }

  /** An attempt whose outcome is unknown gives its number back, so the retry reuses its key. */
  reuseReshipAttempt(attempt: number): void {
    if (this.d.reshipAttempts === attempt) this.d.reshipAttempts -= 1;
  }

  noteReshipment(reshipment: NonNullable<CaseView['reshipments']>[number]): void {
    this.d.reshipments.push(reshipment);
  }

  /** What the warehouse says of an expected return (its status, when it was received). */
  updateReturn(returnOrderNo: string, update: { status?: string; receivedAt?: string }): void {
    const expected = this.d.returns.find((entry) => entry.returnOrderNo === returnOrderNo);
    if (expected) Object.assign(expected, update);
  }

  nextReturnAttempt(): number {
    return ++this.d.returnAttempts;
  }

  noteReturn(expected: NonNullable<CaseView['returns']>[number]): void {
    this.d.returns.push(expected);
  }

  // --- claims ----------------------------------------------------------------------------

  /** Counts a new claim and returns its number (the child workflow's id). */
  nextClaimNumber(): number {
    return ++this.d.claimCount;
  }

  /** Shows the case's latest claim; `progressed` when it reports progress (an approval waits on it). */
  showClaim(claim: NonNullable<CaseView['claim']>, { progressed = false } = {}): void {
    this.d.claim = claim;
    if (progressed) this.d.claimRevision += 1;
  }
}
