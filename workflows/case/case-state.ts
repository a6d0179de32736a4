import {
  CancellationScope,
  condition,
  proxyActivities,
  upsertSearchAttributes,
  setCurrentDetails,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { CaseActivities } from '../../activities';
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
import { claimFactsOf, type CaseFacts, type Evidence } from '../../domain/case-actions';
import { MAX_TIER, WORKFLOW_ACTOR, type Actor, type CaseStatus, type DeliveryAddress, type EscalationTier, type ExceptionType } from '../../domain/types';
import type { OpenCaseInput } from '../contract';
import {
  AssignedToKey,
  CaseStatusKey,
  EscalationTierKey,
  ExceptionTypeKey,
  PriorityKey,
  SlaBreachedKey,
  SlaDueAtKey,
} from '../search-attributes';

/**
 * The state of one case inside its workflow, and the only place that changes it. Every change
 * goes through `record()`, which appends to the audit trail; `persist()` ships the trail and a
 * snapshot to PostgreSQL; search attributes follow the state so supervisors see it in the UI.
 */

const TIMELINE_LENGTH = 50;
const CARRIED_TRACKING_EVENTS = 200;
const CARRIED_NOTIFICATIONS = 200;

/** The clocks that measure our work on the case; they pause while we wait on the customer. */
export const WORKING_CLOCKS = ['firstResponse', 'handling', 'resolution'] as const;

const store = proxyActivities<CaseActivities>({
  startToCloseTimeout: '15 seconds',
  // The read model must catch up eventually; it is worth retrying for a long time.
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

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

/** The state handed from one run of a case to the next (continue-as-new). Plain JSON. */
export interface CaseCarryOver {
  status: CaseStatus;
  tier: EscalationTier;
  assignee: string;
  priority: OpenCaseInput['priority'];
  slaBreached: boolean;
  clocks: SlaClock[];
  tracking: CaseState['tracking'];
  carrierRequests: CaseView['carrierRequests'];
  notifications: CaseView['notifications'];
  feedback?: CaseView['feedback'];
  resolution?: CaseView['resolution'];
  evidence: CaseView['evidence'];
  notes: CaseView['notes'];
  statusBeforeEvidence?: CaseStatus;
  evidenceRequests: number;
  earlierFeedback: NonNullable<CaseView['feedback']>[];
  reopens: number;
  claim?: CaseView['claim'];
  claimCount: number;
  reshipAttempts: number;
  returnAttempts: number;
  type: ExceptionType;
  reshipments: NonNullable<CaseView['reshipments']>;
  returns: NonNullable<CaseView['returns']>;
  awaitingRemedy?: NonNullable<CaseView['awaitingRemedy']>;
  remedy?: CaseState['remedy'];
  resolvedAt?: string;
  version: number;
  seq: number;
  timeline: TimelineEntry[];
  openedAt: string;
  acknowledged: boolean;
  runs: number;
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
  readonly tracking: {
    events: TrackingEvent[];
    lastStatus?: TrackingEvent['status'];
    lastSubStatus?: TrackingEvent['subStatus'];
    lastEventAt?: string;
    lastLocation?: string;
    delivered: boolean;
  } = { events: [], delivered: false };
  readonly carrierRequests: CaseView['carrierRequests'] = [];
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
  reopens = 0;
  /** The latest claim, mirrored from its settlement child. */
  claim?: CaseView['claim'];
  claimCount = 0;
  /** Bumped on every progress report of the claim, so an approval can wait for its effect. */
  claimRevision = 0;
  /** The exception type: a DELAYED case past the total-delay threshold becomes LOST. */
  type: ExceptionType;
  /** Reshipments made for this case (WMS order numbers and new waybills). */
  readonly reshipments: NonNullable<CaseView['reshipments']> = [];
  /** A failed delivery: waiting for the customer's choice, and the choice once made. */
  awaitingRemedy?: NonNullable<CaseView['awaitingRemedy']>;
  remedy?: NonNullable<CaseView['remedy']> & { newAddress?: DeliveryAddress };
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

  // --- continue-as-new ------------------------------------------------------------------

  /**
   * Everything the next run needs to go on as if nothing happened: the case's state, the audit
   * sequence and timeline, and the last tracking events (for dedupe; older ones are in the trail).
   * Taken only after `persist()`, so no audit event is left unsaved.
   */
  carryOver(): CaseCarryOver {
    if (this.unsaved.length) throw new Error('carryOver() before persist(): audit events would be lost');
    return {
      status: this.status,
      tier: this.tier,
      assignee: this.assignee,
      priority: this.priority,
      slaBreached: this.slaBreached,
      clocks: [...this.clocks.values()],
      tracking: { ...this.tracking, events: this.tracking.events.slice(-CARRIED_TRACKING_EVENTS) },
      carrierRequests: this.carrierRequests,
      notifications: this.notifications.slice(-CARRIED_NOTIFICATIONS),
      ...(this.feedback ? { feedback: this.feedback } : {}),
      ...(this.resolution ? { resolution: this.resolution } : {}),
      evidence: this.evidence,
      notes: this.notes,
      ...(this.statusBeforeEvidence ? { statusBeforeEvidence: this.statusBeforeEvidence } : {}),
      evidenceRequests: this.evidenceRequests,
      earlierFeedback: this.earlierFeedback,
      reopens: this.reopens,
      ...(this.claim ? { claim: this.claim } : {}),
      claimCount: this.claimCount,
      reshipAttempts: this.reshipAttempts,
      returnAttempts: this.returnAttempts,
      type: this.type,
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
    };
  }

  /** How many runs this case has had (continue-as-new starts a new one). */
  runs = 1;

  static restore(input: OpenCaseInput, carry: CaseCarryOver): CaseState {
    const state = new CaseState(input, carry.openedAt);
    const { clocks, tracking, carrierRequests, notifications, evidence, notes, earlierFeedback, reshipments, returns, timeline, ...scalars } = carry;
    Object.assign(state, scalars);
    state.clocks = new Map(clocks.map((clock) => [clock.name, clock]));
    Object.assign(state.tracking, tracking);
    state.carrierRequests.push(...carrierRequests);
    state.notifications.push(...notifications);
    Object.assign(state.evidence, evidence);
    state.notes.push(...notes);
    state.earlierFeedback.push(...earlierFeedback);
    state.reshipments.push(...reshipments);
    state.returns.push(...returns);
    state.timeline = [...timeline];
    state.persistedVersion = carry.version;
    return state;
  }

  constructor(readonly input: OpenCaseInput, openedAt?: string) {
    this.assignee = input.staff.tierQueues[1];
    this.priority = input.priority;
    this.type = input.type;
    this.openedAt = openedAt ?? new Date().toISOString();
  }

  get caseId(): string {
    return this.input.caseId;
  }

  get policy() {
    return this.input.policy;
  }

  /** Appends an audit event; `summary` is the one line the timeline shows. */
  record(kind: string, summary: string, data: Record<string, unknown> = {}, actor: Actor = WORKFLOW_ACTOR): void {
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
    const target = clockTargetMs(this.policy, name, this.type, this.priority);
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
    const from = this.type;
    this.type = type;
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
   */
  persist(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (!this.unsaved.length && this.version === this.persistedVersion) return;
      const events = [...this.unsaved];
      const snapshot = this.view();
      await store.persistCase({ snapshot, events });
      this.unsaved = this.unsaved.filter((event) => !events.includes(event));
      this.persistedVersion = snapshot.version;
    });
    return this.flushing;
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
    let met: boolean;
    if (timeoutMs === undefined) {
      await condition(test);
      met = true;
    } else if (timeoutMs <= 0) {
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
      ...(this.awaitingRemedy ? { awaitingRemedy: true } : {}),
      ...claimFactsOf(this.claim, this.policy),
    };
  }

  // --- views ------------------------------------------------------------------------------

  view(): CaseView {
    const now = Date.now();
    const due = nearestDueAt([...this.clocks.values()], now);
    return {
      caseId: this.caseId,
      type: this.type,
      ...(this.type !== this.input.type ? { openedAsType: this.input.type } : {}),
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
        eventsSeen: this.tracking.events.length,
      },
      carrierRequests: this.carrierRequests,
      notifications: this.notifications,
      ...(this.feedback ? { feedback: this.feedback } : {}),
      ...(this.earlierFeedback.length ? { earlierFeedback: this.earlierFeedback } : {}),
      ...(this.reopens ? { reopens: this.reopens } : {}),
      ...(this.claim ? { claim: this.claim } : {}),
      ...(this.awaitingRemedy ? { awaitingRemedy: this.awaitingRemedy } : {}),
      ...(this.remedy ? { remedy: { choice: this.remedy.choice, at: this.remedy.at, by: this.remedy.by } } : {}),
      ...(this.reshipments.length ? { reshipments: this.reshipments } : {}),
      ...(this.returns.length ? { returns: this.returns } : {}),
      evidence: this.evidence,
      notes: this.notes,
      timeline: this.timeline,
      version: this.version,
    };
  }

  /** Upserts only the search attributes that changed since the last call. */
  syncSearchAttributes(): void {
    const due = nearestDueAt([...this.clocks.values()], Date.now());
    const wanted: SearchAttributeUpdatePair[] = [
      { key: CaseStatusKey, value: this.status },
      { key: ExceptionTypeKey, value: this.type },
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
