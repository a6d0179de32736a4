import type { CaseIncident } from '../../domain/incidents';
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  log,
  patched,
  upsertSearchAttributes,
  setCurrentDetails,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { AuditEvent, CaseView, ClockView, TimelineEntry } from '../../domain/case-view';
import {
  allowanceMs,
  dueAt,
  elapsedMs,
  nearestDueAt,
  pauseClock,
  resumeClock,
  startClock,
  stopClock,
  type SlaClock,
} from '../../domain/sla-clock';
import { clockCalendar, clockTargetMs, type ClockName } from '../../domain/sla-policy';
import { isMovement, type TrackingEvent } from '../../domain/tracking';
import { claimFactsOf, MOVING_TO_NEXT_RUN, type CaseFacts, type Evidence } from '../../domain/case-actions';
import { MAX_TIER, WORKFLOW_ACTOR, type Actor, type CaseStatus, type DeliveryAddress, type EscalationTier, type ExceptionType } from '../../domain/types';
import type { CaseCarryOver, Elided, RemedyChoice, TrackingState } from './carry-over';
import type { OpenCaseInput } from './contract';
import {
  AssignedToKey,
  CaseStatusKey,
  EscalationTierKey,
  ExceptionTypeKey,
  PriorityKey,
  SlaBreachedKey,
  SlaDueAtKey,
} from '../search-attributes';
import { storable } from './storable-text';
import { storeRejection } from '../store-rejection';
import { store } from '../activity-proxies';

/**
 * The state of one case inside its workflow, and the only place that changes it. Every change
 * goes through `record()`, which appends to the audit trail; `persist()` ships the trail and a
 * snapshot to PostgreSQL; search attributes follow the state so supervisors see it in the UI.
 */

const TIMELINE_LENGTH = 50;
const CARRIED_TRACKING_EVENTS = 200;
const CARRIED_NOTIFICATIONS = 200;
/**
 * Carrier requests carried from one run to the next: the newest ones. The logistics steps number
 * their idempotency keys by a carried counter per instruction (`carrierRequestNumbers`), not by
 * this list, so cutting it never reuses a key (`patched(CARRIER_REQUEST_COUNTER_PATCH)`).
 */
const CARRIED_CARRIER_REQUESTS = 50;
/** Runs before this patch numbered carrier instructions by the carried list and never cut it. */
export const CARRIER_REQUEST_COUNTER_PATCH = 'carrier-request-keys-by-counter';
/**
 * Notes and evidence items carried from one run to the next: the newest ones. Older ones are in
 * the audit trail (PostgreSQL), and the view says how many it leaves out (`elided`).
 */
const CARRIED_NOTES = 50;
const CARRIED_EVIDENCE_ITEMS = 50;

export { STORE_REJECTED } from '../store-rejection';

/** The clocks that measure our work on the case; they pause while we wait on the customer. */
/**
 * A wait with a timeout always starts a timer (at least 1 ms), even when the deadline is already
 * past by the workflow clock. Whether a timer exists must not depend on Date.now(): in the chaos
 * run a restarted worker ran an activation with the previous task's workflow time (probably after
 * replaying the case to answer a query) and started a 900 ms timer, while every later replay saw
 * the deadline past and skipped it: "[TMPRL1100] ... TimerStarted", the case jammed for good.
 */
export const TIMER_ALWAYS_PATCH = 'wait-with-timeout-always-starts-a-timer';

/**
 * Every wait first saves what is unsaved, so the read model (which GET /v1/cases/{caseId} answers
 * from) never trails the workflow for the length of a wait. Cases that waited before this patch
 * replay without that write.
 */
export const PERSIST_BEFORE_WAIT_PATCH = 'persist-before-wait';

export const WORKING_CLOCKS = ['firstResponse', 'handling', 'resolution'] as const;

/**
 * A request from an action that the main loop must carry out (it ends or restarts a phase). The
 * action's update waits until the loop marks it `applied`, or `superseded` when the case got
 * there first (say, the parcel was delivered while the agent pressed "cancel").
 */
export type PhaseRequest<T> = T & { actor: Actor; settled?: 'applied' | 'superseded' };

export type Interruption = PhaseRequest<
  { kind: 'resolve'; outcome: string; summary: string } | { kind: 'cancel'; reason: string }
>;

/** Thrown at a playbook's wait when an agent resolved or cancelled the case meanwhile. */
export class CaseInterrupted extends Error {
  override name = 'CaseInterrupted';
}

export class CaseState {
  status: CaseStatus = 'OPEN';
  tier: EscalationTier = 1;
  assignee: string;
  priority: OpenCaseInput['priority'];
  slaBreached = false;
  clocks = new Map<ClockName, SlaClock>();
  /** Bumped whenever a clock changes, so the SLA watchdog re-plans its timer. */
  clockRevision = 0;
  readonly tracking: TrackingState = { events: [], delivered: false };
  readonly carrierRequests: CaseView['carrierRequests'] = [];
  /** Last idempotency-key number used per carrier instruction (see CaseCarryOver). */
  private carrierRequestNumbers: Record<string, number> = {};
  readonly notifications: CaseView['notifications'] = [];
  feedback?: CaseView['feedback'];
  resolution?: CaseView['resolution'];
  readonly evidence: CaseView['evidence'] = { items: [] };
  readonly notes: CaseView['notes'] = [];
  /** Set by a resolve or cancel action: the playbook stops at its next wait. */
  interruption?: Interruption;
  /** Set by a reopen action while the case awaits feedback. */
  reopenRequest?: PhaseRequest<{ reason: string }>;
  /** The status to return to when the evidence the case waits for arrives. */
  statusBeforeEvidence?: CaseStatus;
  /** How many times evidence was requested: each request has its own notification key. */
  evidenceRequests = 0;
  /** Scores given before a reopen; `feedback` holds the current round's. */
  readonly earlierFeedback: NonNullable<CaseView['feedback']>[] = [];
  /** Incidents (weather, regional control, carrier outage) recorded on the case; see ./incident.ts. */
  readonly incidents: CaseIncident[] = [];
  reopens = 0;
  /** The latest claim, mirrored from its settlement child. */
  claim?: CaseView['claim'];
  claimCount = 0;
  /** Bumped on every progress report of the claim, so an approval can wait for its effect. */
  claimRevision = 0;
  /** The exception type now: a DELAYED case past the total-delay threshold becomes LOST. */
  currentType: ExceptionType;

  /** The type the case was opened as (its input); playbooks and clocks go by `currentType`. */
  get openedAsType(): ExceptionType {
    return this.input.type;
  }
  /** Reshipments made for this case (WMS order numbers and new waybills). */
  readonly reshipments: NonNullable<CaseView['reshipments']> = [];
  /** A failed delivery: waiting for the customer's choice, and the choice once made. */
  awaitingRemedy?: NonNullable<CaseView['awaitingRemedy']>;
  remedy?: RemedyChoice;
  /** Attempts at reshipping and at opening returns, refused ones included: each has its own key. */
  reshipAttempts = 0;
  returnAttempts = 0;
  /** Returns expected into the warehouse. */
  readonly returns: NonNullable<CaseView['returns']> = [];
  resolvedAt?: string;
  closedAt?: string;
  version = 0;

  private seq = 0;
  private unsaved: AuditEvent[] = [];
  private timeline: TimelineEntry[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private background = new Set<Promise<void>>();
  private lastAttributes = new Map<string, unknown>();
  readonly openedAt: string;
  /** Set once the customer has been told the case is open (a converted case is not told twice). */
  acknowledged = false;
  /** Entries of each list left out of the carried state (older ones live in the trail). */
  elided: Elided = { notes: 0, evidenceItems: 0, notifications: 0, trackingEvents: 0 };
  /** Set once the case decided to continue as new: phase changes wait for the next run. */
  movingToNextRun = false;
  /** The store's refusal of the latest write, until a write succeeds again. */
  writeRejected?: { reason: string; at: string };

  // --- continue-as-new ------------------------------------------------------------------

  /**
   * Everything the next run needs to go on as if nothing happened: the case's state, the audit
   * sequence and timeline, and the newest entries of the lists that grow (tracking events for
   * dedupe, notifications, notes, evidence): older ones are in the trail, and `elided` counts them.
   * Taken after the wind-down persisted everything it could; events the store refused are carried
   * so the next run retries them (never thrown away, never a workflow-task failure).
   */
  carryOver(): CaseCarryOver {
    const kept = <T>(list: T[], max: number): { items: T[]; dropped: number } => ({
      items: list.slice(-max),
      dropped: Math.max(0, list.length - max),
    });
    const tracking = kept(this.tracking.events, CARRIED_TRACKING_EVENTS);
    const notifications = kept(this.notifications, CARRIED_NOTIFICATIONS);
    const notes = kept(this.notes, CARRIED_NOTES);
    const evidenceItems = kept(this.evidence.items, CARRIED_EVIDENCE_ITEMS);
    // Runs before the counter carried the whole list (their keys are numbered by it).
    const cutRequests = patched(CARRIER_REQUEST_COUNTER_PATCH);
    const carrierRequests = cutRequests ? kept(this.carrierRequests, CARRIED_CARRIER_REQUESTS) : { items: this.carrierRequests, dropped: 0 };
    return {
      status: this.status,
      tier: this.tier,
      assignee: this.assignee,
      priority: this.priority,
      slaBreached: this.slaBreached,
      clocks: [...this.clocks.values()],
      tracking: { ...this.tracking, events: tracking.items },
      carrierRequests: carrierRequests.items,
      ...(cutRequests ? { carrierRequestNumbers: this.allCarrierRequestNumbers() } : {}),
      notifications: notifications.items,
      ...(this.feedback ? { feedback: this.feedback } : {}),
      ...(this.resolution ? { resolution: this.resolution } : {}),
      evidence: { ...this.evidence, items: evidenceItems.items },
      notes: notes.items,
      ...(this.statusBeforeEvidence ? { statusBeforeEvidence: this.statusBeforeEvidence } : {}),
      evidenceRequests: this.evidenceRequests,
      earlierFeedback: this.earlierFeedback,
      ...(this.incidents.length ? { incidents: this.incidents } : {}),
      reopens: this.reopens,
      ...(this.claim ? { claim: this.claim } : {}),
      claimCount: this.claimCount,
      reshipAttempts: this.reshipAttempts,
      returnAttempts: this.returnAttempts,
      type: this.currentType,
      reshipments: this.reshipments,
      returns: this.returns,
      ...(this.awaitingRemedy ? { awaitingRemedy: this.awaitingRemedy } : {}),
      ...(this.remedy ? { remedy: this.remedy } : {}),
      ...(this.resolvedAt ? { resolvedAt: this.resolvedAt } : {}),
      version: this.version,
      seq: this.seq,
      timeline: this.timeline,
      openedAt: this.openedAt,
      acknowledged: this.acknowledged,
      runs: this.runs + 1,
      elided: {
        notes: this.elided.notes + notes.dropped,
        evidenceItems: this.elided.evidenceItems + evidenceItems.dropped,
        notifications: this.elided.notifications + notifications.dropped,
        trackingEvents: this.elided.trackingEvents + tracking.dropped,
        ...(cutRequests || this.elided.carrierRequests ? { carrierRequests: (this.elided.carrierRequests ?? 0) + carrierRequests.dropped } : {}),
      },
      ...(this.unsaved.length ? { unsaved: [...this.unsaved] } : {}),
    };
  }

  /**
   * The number of the next request of a carrier instruction (its idempotency key's ordinal), and
   * counts it as used: one more than any earlier request of that instruction in any run.
   */
  nextCarrierRequestNumber(operation: string): number {
    const next = this.carrierRequestNumber(operation) + 1;
    this.carrierRequestNumbers[operation] = next;
    return next;
  }

  /** The last number used for the instruction; counted from the list until the counter knows it. */
  private carrierRequestNumber(operation: string): number {
    const listed = this.carrierRequests.filter((request) => request.operation === operation).length;
    return Math.max(this.carrierRequestNumbers[operation] ?? 0, listed);
  }

  private allCarrierRequestNumbers(): Record<string, number> {
    const numbers: Record<string, number> = { ...this.carrierRequestNumbers };
    for (const request of this.carrierRequests) numbers[request.operation] = this.carrierRequestNumber(request.operation);
    return numbers;
  }

  /** How many runs this case has had (continue-as-new starts a new one). */
  runs = 1;

  static restore(input: OpenCaseInput, carry: CaseCarryOver): CaseState {
    const state = new CaseState(input, carry.openedAt);
    const { type, clocks, tracking, carrierRequests, carrierRequestNumbers, notifications, evidence, notes, earlierFeedback, incidents, reshipments, returns, timeline, elided, unsaved, ...scalars } = carry;
    Object.assign(state, scalars);
    // Carried as `type` (the carry-over's JSON shape, which histories hold), kept as currentType.
    state.currentType = type;
    state.clocks = new Map(clocks.map((clock) => [clock.name, clock]));
    Object.assign(state.tracking, tracking);
    state.carrierRequests.push(...carrierRequests);
    if (carrierRequestNumbers) state.carrierRequestNumbers = { ...carrierRequestNumbers };
    state.notifications.push(...notifications);
    Object.assign(state.evidence, evidence);
    state.notes.push(...notes);
    state.earlierFeedback.push(...earlierFeedback);
    if (incidents) state.incidents.push(...incidents);
    state.reshipments.push(...reshipments);
    state.returns.push(...returns);
    state.timeline = [...timeline];
    if (elided) state.elided = { ...elided };
    // Events the previous run could not store: the first persist of this run retries them.
    if (unsaved?.length) state.unsaved = [...unsaved];
    state.persistedVersion = unsaved?.length ? -1 : carry.version;
    return state;
  }

  constructor(readonly input: OpenCaseInput, openedAt?: string) {
    this.assignee = input.staff.tierQueues[1];
    this.priority = input.priority;
    this.currentType = input.type;
    this.openedAt = openedAt ?? new Date().toISOString();
  }

  get caseId(): string {
    return this.input.caseId;
  }

  get policy() {
    return this.input.policy;
  }

  /** Appends an audit event; `summary` is the one line the timeline shows. */
  record(kind: string, rawSummary: string, rawData: Record<string, unknown> = {}, rawActor: Actor = WORKFLOW_ACTOR): void {
    // Text PostgreSQL cannot store never enters the trail: it is replaced by U+FFFD, and the event
    // says which fields were changed (see storable-text.ts).
    const replaced: string[] = [];
    const cleanData = storable(rawData, replaced);
    const data = replaced.length ? { ...cleanData, unstorableTextReplaced: replaced } : cleanData;
    const summary = storable(rawSummary);
    const actor = storable(rawActor);
    const event: AuditEvent = { seq: ++this.seq, at: new Date().toISOString(), actor, kind, data };
    this.unsaved.push(event);
    this.timeline.push({ seq: event.seq, at: event.at, kind, summary });
    if (this.timeline.length > TIMELINE_LENGTH) this.timeline.shift();
    this.version += 1;
    this.syncSearchAttributes();
  }

  setStatus(status: CaseStatus, reason: string, actor: Actor = WORKFLOW_ACTOR): void {
    if (status === this.status) return;
    const from = this.status;
    this.status = status;
    this.record('case.status_changed', `${from} → ${status}: ${reason}`, { from, to: status, reason }, actor);
    setCurrentDetails(`**${status}** · tier ${this.tier} · ${this.assignee}\n\n${reason}`);
  }

  // --- SLA clocks -------------------------------------------------------------------------

  startClock(name: ClockName): void {
    const target = clockTargetMs(this.policy, name, this.currentType, this.priority);
    this.clocks.set(name, startClock(name, target, Date.now(), clockCalendar(this.policy, name)));
    this.clockChanged();
  }

  stopClock(name: ClockName, reason: string): void {
    const clock = this.clocks.get(name);
    if (!clock || clock.state === 'stopped') return;
    const stopped = stopClock(clock, Date.now());
    this.clocks.set(name, stopped);
    this.record('sla.clock_stopped', `${name} clock stopped: ${reason}`, {
      clock: name,
      reason,
      elapsedMs: elapsedMs(stopped, Date.now()),
      targetMs: allowanceMs(stopped),
      breached: stopped.breachedAt !== undefined,
    });
    this.clockChanged();
  }

  pauseClock(name: ClockName, reason: string): void {
    const clock = this.clocks.get(name);
    if (!clock || clock.state !== 'running') return;
    this.clocks.set(name, pauseClock(clock, Date.now(), reason));
    this.record('sla.clock_paused', `${name} clock paused: ${reason}`, { clock: name, reason });
    this.clockChanged();
  }

  resumeClock(name: ClockName): void {
    const clock = this.clocks.get(name);
    if (!clock || clock.state !== 'paused') return;
    this.clocks.set(name, resumeClock(clock, Date.now()));
    this.record('sla.clock_resumed', `${name} clock resumed`, { clock: name });
    this.clockChanged();
  }

  replaceClock(clock: SlaClock): void {
    this.clocks.set(clock.name, clock);
    this.clockChanged();
  }

  private clockChanged(): void {
    this.clockRevision += 1;
    this.syncSearchAttributes();
  }

  // --- escalation -------------------------------------------------------------------------

  /** Moves the case one tier up (capped at tier 3); returns false when already at the top. */
  escalate(reason: string, actor: Actor = WORKFLOW_ACTOR): boolean {
    if (this.tier >= MAX_TIER) {
      this.record('case.escalation_capped', `already at tier ${this.tier}: ${reason}`, { reason }, actor);
      return false;
    }
    const from = this.tier;
    this.tier = (this.tier + 1) as EscalationTier;
    this.assignee = this.input.staff.tierQueues[this.tier];
    this.record('case.escalated', `tier ${from} → ${this.tier} (${this.assignee}): ${reason}`, {
      fromTier: from,
      toTier: this.tier,
      assignee: this.assignee,
      reason,
    }, actor);
    return true;
  }

  /** A DELAYED parcel past the total-delay threshold becomes LOST; the trail keeps both. */
  convertTo(type: ExceptionType, reason: string): void {
    const from = this.currentType;
    this.currentType = type;
    this.record('case.converted', `${from} → ${type}: ${reason}`, { from, to: type, reason });
  }

  // --- evidence ---------------------------------------------------------------------------

  /**
   * Asks the customer for evidence: the case waits on the customer, so its working clocks pause
   * (the SLA does not run while the ball is in the customer's court).
   */
  async requestEvidence(what: string, actor: Actor = WORKFLOW_ACTOR): Promise<void> {
    this.evidenceRequests += 1;
    this.evidence.requested = { what, at: new Date().toISOString(), by: actor.id };
    this.statusBeforeEvidence = this.status;
    this.record('evidence.requested', what, { what }, actor);
    for (const clock of WORKING_CLOCKS) this.pauseClock(clock, 'WAITING_CUSTOMER');
    this.setStatus('WAITING_CUSTOMER', `evidence requested: ${what}`, actor);
    await this.persist();
  }

  /** Files evidence; when it answers an open request, the clocks resume and work goes on. */
  addEvidence(evidence: Evidence, actor: Actor): void {
    this.evidence.items.push({ ...evidence, at: new Date().toISOString(), by: actor.id });
    this.record('evidence.added', `${evidence.kind}: ${evidence.description}`, { ...evidence }, actor);
    if (this.evidence.requested) this.endEvidenceWait('evidence received', actor);
  }

  /** The case was resolved or cancelled while it waited for evidence: the request lapses. */
  withdrawEvidenceRequest(reason: string, actor: Actor = WORKFLOW_ACTOR): void {
    if (!this.evidence.requested) return;
    this.record('evidence.request_withdrawn', `${this.evidence.requested.what}: ${reason}`, { what: this.evidence.requested.what, reason }, actor);
    delete this.evidence.requested;
    delete this.statusBeforeEvidence;
  }

  /** Stops waiting on the customer: evidence came, or the playbook proceeds without it. */
  endEvidenceWait(reason: string, actor: Actor = WORKFLOW_ACTOR): void {
    if (!this.evidence.requested) return;
    delete this.evidence.requested;
    for (const clock of WORKING_CLOCKS) this.resumeClock(clock);
    this.setStatus(this.statusBeforeEvidence ?? 'IN_PROGRESS', reason, actor);
    delete this.statusBeforeEvidence;
  }

  // --- tracking ---------------------------------------------------------------------------

  applyTrackingEvent(event: TrackingEvent): boolean {
    if (this.tracking.events.some((seen) => seen.eventId === event.eventId && seen.provider === event.provider)) {
      return false; // a retried push that slipped past the webhook's own dedupe
    }
    this.tracking.events.push(event);
    this.tracking.lastStatus = event.status;
    this.tracking.lastSubStatus = event.subStatus;
    this.tracking.lastEventAt = event.occurredAt;
    this.tracking.lastLocation = event.location;
    if (event.status === 'Delivered') this.tracking.delivered = true;
    this.record(
      'tracking.event',
      `${event.carrier} ${event.status}${event.subStatus ? `/${event.subStatus}` : ''}${event.location ? ` @ ${event.location}` : ''}`,
      { ...event },
      { kind: 'carrier', id: event.provider },
    );
    return true;
  }

  movementCount(): number {
    return this.tracking.events.filter((event) => isMovement(event.status)).length;
  }

  // --- persistence ------------------------------------------------------------------------

  /**
   * Ships unsaved audit events and the snapshot. Calls are chained so two handlers never write
   * out of order; the activity skips events already stored, so retries are harmless.
   *
   * A write never jams the case: whatever happens to one write (the store refuses it, or the
   * caller's scope was cancelled), the next call starts afresh, and events not stored stay unsaved
   * for it. A refusal (`StoreRejected`: data PostgreSQL will never take) is loud — an error in the
   * worker log, the workflow's current details, a `store.write_rejected` audit event — and the
   * case goes on working; it resolves this call rather than failing it, so the action or signal
   * that caused it still gets its answer.
   */
  persist(): Promise<void> {
    const write = this.flushing.then(() => this.flush());
    this.flushing = write.catch(() => undefined);
    return write;
  }

  /** Whether any audit event or change to the case is not yet in PostgreSQL. */
  hasUnsaved(): boolean {
    return this.unsaved.length > 0 || this.version !== this.persistedVersion;
  }

  private async flush(): Promise<void> {
    if (!this.hasUnsaved()) return;
    const events = [...this.unsaved];
    const snapshot = this.view();
    try {
      await store.persistCase({ snapshot, events });
    } catch (error) {
      const reason = storeRejection(error);
      if (reason === undefined) throw error; // cancelled: the events stay unsaved for the next write
      this.storeRejected(reason, events);
      return;
    }
    this.unsaved = this.unsaved.filter((event) => !events.includes(event));
    this.persistedVersion = snapshot.version;
    if (this.writeRejected) {
      const since = this.writeRejected.at;
      log.info('the store accepts the case again', { caseId: this.caseId, rejectedSince: since });
      delete this.writeRejected;
      // The snapshot just written still showed the refusal: write the recovery too.
      this.record('store.write_resumed', 'the store takes the case again', { rejectedSince: since });
      this.persist().catch(() => undefined);
    }
  }

  private storeRejected(reason: string, events: AuditEvent[]): void {
    const seqs = events.length ? { fromSeq: events[0]!.seq, toSeq: events[events.length - 1]!.seq } : {};
    log.error('the store refused a write of the case: it stays unsaved and is retried on the next write', {
      caseId: this.caseId,
      reason,
      events: events.length,
      ...seqs,
    });
    setCurrentDetails(`**${this.status}** · STORE WRITE REJECTED\n\n${reason}`);
    // Recorded once per refusal, not on every retry of the same one.
    if (this.writeRejected?.reason === reason) return;
    this.writeRejected = { reason, at: new Date().toISOString() };
    this.record('store.write_rejected', `the store refused a write: ${reason}`, { reason, events: events.length, ...seqs });
  }

  private persistedVersion = -1;

  /**
   * Runs a side step without holding up the caller (a staff notice must not delay the next SLA
   * alarm while the ops group's bot is rate-limited). Its outcome is recorded and persisted when it
   * ends; the workflow settles every background step before it closes or continues as new.
   */
  inBackground(step: () => Promise<void>): void {
    this.backgroundScope ??= new CancellationScope();
    const tracked: Promise<void> = this.backgroundScope
      .run(step)
      .then(() => this.persist())
      .finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  /** Whether a background step (a staff notice) is still running: the run ends only after it. */
  hasBackground(): boolean {
    return this.background.size > 0;
  }

  /** Waits for background steps; with `withdraw`, those still trying are cancelled first. */
  async settleBackground({ withdraw = false }: { withdraw?: boolean } = {}): Promise<void> {
    if (withdraw && this.background.size) this.backgroundScope?.cancel();
    while (this.background.size) await Promise.allSettled([...this.background]);
  }

  private backgroundScope?: CancellationScope;

  /**
   * Waits for a state predicate with a named timer, so the UI says what the case waits for.
   * A playbook's waits are interruptible: when an agent resolves or cancels the case, the wait
   * throws CaseInterrupted and the workflow takes over from the playbook.
   */
  async waitUntil(
    predicate: () => boolean,
    timeoutMs: number | undefined,
    summary: string,
    { interruptible = true }: { interruptible?: boolean } = {},
  ): Promise<boolean> {
    const interrupted = () => interruptible && this.interruption !== undefined;
    const test = () => interrupted() || predicate();
    // Agents read the case from the read model: what the case did before a wait (a new status, an
    // audit event) goes to PostgreSQL now, not whenever the wait ends.
    if (this.hasUnsaved() && patched(PERSIST_BEFORE_WAIT_PATCH)) this.persist().catch(() => undefined);
    let met: boolean;
    if (timeoutMs === undefined) {
      await condition(test);
      met = true;
    } else if (!patched(TIMER_ALWAYS_PATCH) && timeoutMs <= 0) {
      // Cases that waited here before the patch replay without a timer. patched() is asked for
      // every wait with a timeout, not only a past one: a live run whose clock said "900 ms
      // left" and its replay whose clock says "already past" must see the same marker.
      met = test();
    } else {
      met = await condition(test, Math.max(1, Math.round(timeoutMs)), { summary });
    }
    if (interrupted()) throw new CaseInterrupted();
    return met;
  }

  /** What the action rules look at (domain/case-actions). */
  facts(): CaseFacts {
    return {
      status: this.status,
      tier: this.tier,
      priority: this.priority,
      assignee: this.assignee,
      evidenceRequested: this.evidence.requested !== undefined,
      feedbackGiven: this.feedback !== undefined,
      ...(this.pendingPhaseChange() ? { phaseChangePending: this.pendingPhaseChange() } : {}),
      ...(this.awaitingRemedy ? { awaitingRemedy: true } : {}),
      ...claimFactsOf(this.claim, this.policy),
    };
  }

  /**
   * A resolve, cancel or reopen waiting for the main loop, or the move to the next run: while one
   * is pending, another is refused (it would overwrite the first, whose update then never ends).
   */
  pendingPhaseChange(): string | undefined {
    if (this.interruption) return this.interruption.kind;
    if (this.reopenRequest) return 'reopen';
    if (this.movingToNextRun) return MOVING_TO_NEXT_RUN;
    return undefined;
  }

  // --- views ------------------------------------------------------------------------------

  /** The case as readers see it; text PostgreSQL cannot store is replaced (storable-text.ts). */
  view(): CaseView {
    return storable(this.rawView());
  }

  private rawView(): CaseView {
    const now = Date.now();
    const due = nearestDueAt([...this.clocks.values()], now);
    return {
      caseId: this.caseId,
      type: this.currentType,
      ...(this.currentType !== this.openedAsType ? { openedAsType: this.openedAsType } : {}),
      status: this.status,
      priority: this.priority,
      tier: this.tier,
      assignee: this.assignee,
      orderId: this.input.orderId,
      waybillNo: this.input.waybillNo,
      carrier: this.input.carrier,
      ...(this.input.region ? { region: this.input.region } : {}),
      customer: this.input.customer,
      description: this.input.description,
      ...(this.input.declaredValue !== undefined ? { declaredValue: this.input.declaredValue } : {}),
      ...(this.input.insured !== undefined ? { insured: this.input.insured } : {}),
      ...(this.input.freight !== undefined ? { freight: this.input.freight } : {}),
      ...(this.input.supplierId ? { supplierId: this.input.supplierId } : {}),
      ...(this.input.items ? { items: this.input.items } : {}),
      openedAt: this.openedAt,
      openedBy: this.input.openedBy,
      updatedAt: new Date(now).toISOString(),
      ...(this.resolvedAt ? { resolvedAt: this.resolvedAt } : {}),
      ...(this.closedAt ? { closedAt: this.closedAt } : {}),
      ...(this.resolution ? { resolution: this.resolution } : {}),
      slaBreached: this.slaBreached,
      ...(due !== undefined ? { slaDueAt: new Date(due).toISOString() } : {}),
      clocks: [...this.clocks.values()].map((clock) => clockView(clock, now)),
      tracking: {
        ...(this.tracking.lastStatus ? { lastStatus: this.tracking.lastStatus } : {}),
        ...(this.tracking.lastSubStatus ? { lastSubStatus: this.tracking.lastSubStatus } : {}),
        ...(this.tracking.lastEventAt ? { lastEventAt: this.tracking.lastEventAt } : {}),
        ...(this.tracking.lastLocation ? { lastLocation: this.tracking.lastLocation } : {}),
        eventsSeen: this.tracking.events.length + this.elided.trackingEvents,
      },
      carrierRequests: this.carrierRequests,
      notifications: this.notifications,
      ...(this.feedback ? { feedback: this.feedback } : {}),
      ...(this.earlierFeedback.length ? { earlierFeedback: this.earlierFeedback } : {}),
      ...(this.incidents.length ? { incidents: this.incidents } : {}),
      ...(this.reopens ? { reopens: this.reopens } : {}),
      ...(this.claim ? { claim: this.claim } : {}),
      ...(this.awaitingRemedy ? { awaitingRemedy: this.awaitingRemedy } : {}),
      ...(this.remedy ? { remedy: { choice: this.remedy.choice, at: this.remedy.at, by: this.remedy.by } } : {}),
      ...(this.reshipments.length ? { reshipments: this.reshipments } : {}),
      ...(this.returns.length ? { returns: this.returns } : {}),
      evidence: this.evidence,
      notes: this.notes,
      ...(this.elided.notes || this.elided.evidenceItems || this.elided.notifications || this.elided.trackingEvents || this.elided.carrierRequests
        ? { elided: { ...this.elided } }
        : {}),
      ...(this.pendingPhaseChange() ? { pendingPhaseChange: this.pendingPhaseChange() } : {}),
      ...(this.writeRejected ? { storeWriteRejected: this.writeRejected } : {}),
      timeline: this.timeline,
      version: this.version,
    };
  }

  /** Upserts only the search attributes that changed since the last call. */
  syncSearchAttributes(): void {
    const due = nearestDueAt([...this.clocks.values()], Date.now());
    const wanted: SearchAttributeUpdatePair[] = [
      { key: CaseStatusKey, value: this.status },
      { key: ExceptionTypeKey, value: this.currentType },
      { key: EscalationTierKey, value: this.tier },
      { key: PriorityKey, value: this.priority },
      { key: AssignedToKey, value: this.assignee },
      { key: SlaBreachedKey, value: this.slaBreached },
      { key: SlaDueAtKey, value: due !== undefined ? new Date(due) : null },
    ];
    const changed = wanted.filter((pair) => {
      const comparable = pair.value instanceof Date ? pair.value.getTime() : pair.value;
      if (this.lastAttributes.get(pair.key.name) === comparable) return false;
      this.lastAttributes.set(pair.key.name, comparable);
      return true;
    });
    if (changed.length) upsertSearchAttributes(changed);
  }
}

function clockView(clock: SlaClock, now: number): ClockView {
  const due = dueAt(clock, now);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    name: clock.name,
    state: clock.state,
    targetMs: allowanceMs(clock),
    startedAt: iso(clock.startedAt),
    ...(due !== undefined ? { dueAt: iso(due) } : {}),
    elapsedMs: elapsedMs(clock, now),
    breached: clock.breachedAt !== undefined,
    ...(clock.breachedAt !== undefined ? { breachedAt: iso(clock.breachedAt) } : {}),
    warned: clock.warned,
    pauses: clock.pauses.map((pause) => ({
      at: iso(pause.at),
      reason: pause.reason,
      ...(pause.resumedAt !== undefined ? { resumedAt: iso(pause.resumedAt) } : {}),
    })),
    extensions: clock.extensions.map((extension) => ({ at: iso(extension.at), byMs: extension.byMs, reason: extension.reason })),
  };
}
