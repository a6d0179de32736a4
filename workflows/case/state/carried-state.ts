import type { CaseCarryOver } from '../carry-over';
import type { OpenCaseInput } from '../contract';
import { AuditTrail } from './audit-trail';
import { clocksOf, openingData, type CaseData } from './case-data';

/**
 * The case's data across continue-as-new: what one run hands to the next (`CaseCarryOver`, whose
 * JSON shape running cases and recorded histories hold) and how the next run takes it back.
 */

const CARRIED_TRACKING_EVENTS = 200;
const CARRIED_NOTIFICATIONS = 200;
/**
 * Carrier requests carried from one run to the next: the newest ones. The carrier steps number
 * their idempotency keys by a carried counter per instruction (`carrierRequestNumbers`), not by
 * this list, so cutting it never reuses a key.
 */
const CARRIED_CARRIER_REQUESTS = 50;
/**
 * Notes and evidence items carried from one run to the next: the newest ones. Older ones are in
 * the audit trail (PostgreSQL), and the view says how many it leaves out (`elided`).
 */
const CARRIED_NOTES = 50;
const CARRIED_EVIDENCE_ITEMS = 50;
/** Replies and calls, like notes; settled promises likewise (open ones are always carried: their timers re-arm). */
const CARRIED_REPLIES = 50;
const CARRIED_CALLS = 50;
const CARRIED_SETTLED_PROMISES = 50;

/**
 * Everything the next run needs to go on as if nothing happened: the case's data, the audit
 * sequence and timeline, and the newest entries of the lists that grow (tracking events for
 * dedupe, notifications, notes, evidence): older ones are in the trail, and `elided` counts them.
 * Taken after the wind-down persisted everything it could; events the store refused are carried
 * so the next run retries them (never thrown away, never a workflow-task failure).
 */
export function carryOver(data: CaseData, trail: AuditTrail, openedSeverity: CaseData['severity'] = 'general'): CaseCarryOver {
  const kept = <T>(list: T[], max: number): { items: T[]; dropped: number } => ({
    items: list.slice(-max),
    dropped: Math.max(0, list.length - max),
  });
  const tracking = kept(data.tracking.events, CARRIED_TRACKING_EVENTS);
  const notifications = kept(data.notifications, CARRIED_NOTIFICATIONS);
  const notes = kept(data.notes, CARRIED_NOTES);
  const evidenceItems = kept(data.evidence.items, CARRIED_EVIDENCE_ITEMS);
  const carrierRequests = kept(data.carrierRequests, CARRIED_CARRIER_REQUESTS);
  const replies = kept(data.replies, CARRIED_REPLIES);
  const calls = kept(data.calls, CARRIED_CALLS);
  const settled = data.promises.filter((promise) => promise.status !== 'open').slice(-CARRIED_SETTLED_PROMISES);
  const promises = data.promises.filter((promise) => promise.status === 'open' || settled.includes(promise));
  const unsaved = trail.unsaved();
  return {
    status: data.status,
    tier: data.tier,
    assignee: data.assignee,
    priority: data.priority,
    // Carried once it differs from what the case was opened with (the input, which every run gets).
    ...(data.severity !== openedSeverity ? { severity: data.severity } : {}),
    ...(data.plan ? { plan: data.plan } : {}),
    slaBreached: data.slaBreached,
    clocks: clocksOf(data),
    tracking: { ...data.tracking, events: tracking.items },
    carrierRequests: carrierRequests.items,
    carrierRequestNumbers: { ...data.carrierRequestNumbers },
    notifications: notifications.items,
    ...(data.feedback ? { feedback: data.feedback } : {}),
    ...(data.resolution ? { resolution: data.resolution } : {}),
    evidence: { ...data.evidence, items: evidenceItems.items },
    notes: notes.items,
    ...(data.replies.length ? { replies: replies.items } : {}),
    ...(data.calls.length ? { calls: calls.items } : {}),
    ...(promises.length ? { promises } : {}),
    ...(data.replyCount ? { replyCount: data.replyCount } : {}),
    ...(data.promiseCount ? { promiseCount: data.promiseCount } : {}),
    ...(data.statusBeforeEvidence ? { statusBeforeEvidence: data.statusBeforeEvidence } : {}),
    evidenceRequests: data.evidenceRequests,
    earlierFeedback: data.earlierFeedback,
    ...(data.incidents.length ? { incidents: data.incidents } : {}),
    reopens: data.reopens,
    ...(data.claim ? { claim: data.claim } : {}),
    claimCount: data.claimCount,
    reshipAttempts: data.reshipAttempts,
    returnAttempts: data.returnAttempts,
    type: data.currentType,
    reshipments: data.reshipments,
    returns: data.returns,
    ...(data.awaitingRemedy ? { awaitingRemedy: data.awaitingRemedy } : {}),
    ...(data.remedy ? { remedy: data.remedy } : {}),
    ...(data.resolvedAt ? { resolvedAt: data.resolvedAt } : {}),
    version: data.version,
    seq: trail.lastSeq(),
    timeline: trail.timeline(),
    openedAt: data.openedAt,
    acknowledged: data.acknowledged,
    runs: data.runs + 1,
    elided: {
      notes: data.elided.notes + notes.dropped,
      evidenceItems: data.elided.evidenceItems + evidenceItems.dropped,
      notifications: data.elided.notifications + notifications.dropped,
      trackingEvents: data.elided.trackingEvents + tracking.dropped,
      carrierRequests: (data.elided.carrierRequests ?? 0) + carrierRequests.dropped,
      ...(data.elided.replies || replies.dropped ? { replies: (data.elided.replies ?? 0) + replies.dropped } : {}),
      ...(data.elided.calls || calls.dropped ? { calls: (data.elided.calls ?? 0) + calls.dropped } : {}),
    },
    ...(unsaved.length ? { unsaved } : {}),
  };
}

/** The data, trail and last stored version of a run that goes on from `carry`. */
export function takeOver(input: OpenCaseInput, carry: CaseCarryOver): { data: CaseData; trail: AuditTrail; persistedVersion: number } {
  const { type, clocks, carrierRequestNumbers, incidents, elided, unsaved, seq, timeline, ...carried } = carry;
  const data: CaseData = {
    ...openingData(input, carry.openedAt),
    ...carried,
    // Carried as `type` (the carry-over's JSON shape, which histories hold), kept as currentType.
    currentType: type,
    clocks: Object.fromEntries(clocks.map((clock) => [clock.name, clock])),
    carrierRequestNumbers: { ...(carrierRequestNumbers ?? {}) },
    incidents: incidents ?? [],
    ...(elided ? { elided } : {}),
  };
  // Events the previous run could not store: the first write of this run retries them.
  const trail = new AuditTrail({ seq, timeline, ...(unsaved ? { unsaved } : {}) });
  return { data, trail, persistedVersion: unsaved?.length ? -1 : carry.version };
}

/**
 * The number of the next request of a carrier instruction (its idempotency key's ordinal), and
 * counts it as used: one more than any earlier request of that instruction in any run.
 */
export function nextCarrierRequestNumber(data: CaseData, operation: string): number {
  const next = (data.carrierRequestNumbers[operation] ?? 0) + 1;
  data.carrierRequestNumbers[operation] = next;
  return next;
}
