import type { CaseFacts, Evidence } from '../../../domain/case-actions';
import type { CaseView } from '../../../domain/case-view';
import type { SlaPolicy } from '../../../domain/sla-policy';
import type { TrackingEvent } from '../../../domain/tracking';
import { type Actor, type CaseStatus, type ExceptionType, type Priority, WORKFLOW_ACTOR } from '../../../domain/types';
import type { CaseCarryOver, RemedyChoice } from '../carry-over';
import type { OpenCaseInput, StoreWriteFailure } from '../contract';
import { AuditTrail } from './audit-trail';
import { BackgroundSteps } from './background-steps';
import { carryOver, nextCarrierRequestNumber, takeOver } from './carried-state';
import { openingData, type CaseData, type Interruption, type ReadonlyDeep, type ReopenRequest } from './case-data';
import { CaseWriter } from './case-writer';
import { caseFacts, caseView, pendingPhaseChange, SearchAttributeSync, showCurrentDetails } from './projections';
import { CaseClocks } from './sla-clocks';
import { waitUntil, type WaitOptions } from './waits';
import type { Changing } from './changes/changing';
import { addEvidence, endEvidenceWait, requestEvidence, withdrawEvidenceRequest } from './changes/evidence';
import { assign, convertTo, escalate, markBreached, setPriority, setStatus, undoConversion } from './changes/ownership';
import {
  append,
  applyTrackingEvent,
  endIncident,
  markAcknowledged,
  next,
  reuseReshipAttempt,
  showClaim,
  updateReturn,
  type Counter,
  type Lists,
} from './changes/records';
import * as phases from './changes/phases';
import * as contact from './changes/contact';
import * as severities from './changes/severity';
import type { Severity } from '../../../domain/severity';
import type { CallDirection, CallRecord, PromiseMade, PromiseRecord, ReplyRecord } from '../../../domain/agent-contact';

/**
 * One case inside its workflow, in the shape of Temporal's safe-message-handlers sample: a class
 * around the plain data (`CaseData`) that the playbooks, the watchdog and the message handlers
 * (../actions.ts, ../feedback.ts, ../claims.ts, ../incident.ts) all work through. Its named changes
 * are the only way to alter the data; each says what happened, and those that matter to an auditor
 * are recorded in the trail. Readers get `data`, read-only to the type checker. The changes with
 * rules of their own live by concept in ./changes/ as functions of the data; the class names them.
 *
 * Persistence has one rule: the writer (./case-writer.ts) stores every workflow task's changes as
 * the task completes. The search attributes catch up at the case's defined points (its waits, the
 * ends of handlers and background steps, a confirmed write).
 */
export class CaseState {
  private readonly d: CaseData;
  readonly trail: AuditTrail;
  readonly clocks: CaseClocks;
  private readonly writer: CaseWriter;
  private readonly background = new BackgroundSteps(() => this.showAttributes());
  private readonly attributes = new SearchAttributeSync();
  /** What the changes in ./changes/ work on. */
  private readonly changing: Changing;

  constructor(
    readonly input: OpenCaseInput,
    carried?: CaseCarryOver,
  ) {
    const taken = carried ? takeOver(input, carried) : undefined;
    this.d = taken?.data ?? openingData(input, new Date().toISOString());
    this.trail = taken?.trail ?? new AuditTrail();
    this.writer = new CaseWriter(
      { caseId: input.caseId, trail: this.trail, written: this.d, snapshot: () => this.view(), record: this.record },
      taken?.persistedVersion,
    );
    this.clocks = new CaseClocks(this.d, input.policy, this.record, input.customer.segment);
    this.changing = { d: this.d, record: this.record, clocks: this.clocks, input };
    // The Temporal UI's current details survive continue-as-new: the new run says where it is.
    if (carried) showCurrentDetails(this.d, `run ${this.d.runs}, carried on from the previous one`);
  }

  get data(): ReadonlyDeep<CaseData> {
    return this.d;
  }

  get caseId(): string {
    return this.input.caseId;
  }

  get policy(): SlaPolicy {
    return this.input.policy;
  }

  // --- the trail, what the world sees, writes and waits ----------------------------------

  /** Appends an audit event; `summary` is the one line the timeline shows. */
  readonly record = (kind: string, summary: string, data: Record<string, unknown> = {}, actor: Actor = WORKFLOW_ACTOR): void => {
    this.trail.append(kind, summary, data, actor);
    this.d.version += 1;
  };

  /** A defined point: the search attributes catch up with every change since the last one. */
  showAttributes(): void {
    this.attributes.sync(this.d);
  }

  view(): CaseView {
    return caseView(this.d, this.input, this.trail.timeline());
  }

  facts(): CaseFacts {
    return caseFacts(this.d, this.input);
  }

  pendingPhaseChange(): string | undefined {
    return pendingPhaseChange(this.d);
  }

  carryOver(): CaseCarryOver {
    return carryOver(this.d, this.trail, this.input.severity);
  }

  /** A write confirmed by an activity, whose refusal shows at once (`writeRejected`): a run's end, a LOST conversion. */
  persistConfirmed(): Promise<void> {
    this.showAttributes();
    return this.writer.persistConfirmed();
  }

  /** The worker could not store a task's write (the `storeWriteFailed` signal; see CaseWriter). */
  storeWriteFailed(failure: StoreWriteFailure): void {
    this.writer.storeWriteFailed(failure);
  }

  storeWriteAccepted(): void {
    this.writer.storeWriteAccepted();
  }

  hasUnsaved(): boolean {
    return this.writer.hasUnsaved();
  }

  waitUntil(predicate: () => boolean, timeoutMs: number | undefined, summary: string, options?: WaitOptions): Promise<boolean> {
    this.showAttributes();
    return waitUntil(() => this.d.interruption !== undefined, predicate, timeoutMs, summary, options);
  }

  /** Runs a side step without holding up the caller; see ./background-steps.ts. */
  inBackground(step: () => Promise<void>): void {
    this.background.start(step);
  }

  hasBackground(): boolean {
    return this.background.any();
  }

  settleBackground(options?: { withdraw?: boolean }): Promise<void> {
    return this.background.settle(options);
  }

  // --- named changes ---------------------------------------------------------------------

  /** Status, tier and owner, exception type (./changes/ownership.ts). */
  setStatus = (status: CaseStatus, reason: string, actor: Actor = WORKFLOW_ACTOR): void => setStatus(this.changing, status, reason, actor);
  /** One tier up (capped at tier 3); false when already at the top. */
  escalate = (reason: string, actor: Actor = WORKFLOW_ACTOR): boolean => escalate(this.changing, reason, actor);
  assign = (assignee: string, actor: Actor): void => assign(this.changing, assignee, actor);
  convertTo = (type: ExceptionType, reason: string): void => convertTo(this.changing, type, reason);

  /** Evidence: the working clocks pause while the case waits on the customer (./changes/evidence.ts). */
  requestEvidence = (what: string, actor: Actor = WORKFLOW_ACTOR): void => requestEvidence(this.changing, what, actor);
  addEvidence = (evidence: Evidence, actor: Actor): void => addEvidence(this.changing, evidence, actor);
  withdrawEvidenceRequest = (reason: string, actor: Actor = WORKFLOW_ACTOR): void => withdrawEvidenceRequest(this.changing, reason, actor);
  endEvidenceWait = (reason: string, actor: Actor = WORKFLOW_ACTOR): void => endEvidenceWait(this.changing, reason, actor);

  /** What the case learns and does: scans, the lists of its steps, their counters (./changes/records.ts). */
  applyTrackingEvent = (event: TrackingEvent): boolean => applyTrackingEvent(this.changing, event);
  append = <K extends keyof Lists>(list: K, entry: Lists[K][number]): void => append(this.d, list, entry);
  endIncident = (incidentId: string, endedAt: string): void => endIncident(this.d, incidentId, endedAt);
  updateReturn = (returnOrderNo: string, update: { status?: string; receivedAt?: string }): void => updateReturn(this.d, returnOrderNo, update);

  next = (counter: Counter): number => next(this.d, counter);
  reuseReshipAttempt = (attempt: number): void => reuseReshipAttempt(this.d, attempt);
  nextCarrierRequestNumber = (operation: string): number => nextCarrierRequestNumber(this.d, operation);
  markAcknowledged = (): void => markAcknowledged(this.d);
  showClaim = (claim: NonNullable<CaseView['claim']>, options?: { progressed?: boolean }): void => showClaim(this.d, claim, options);
  markBreached = (): void => markBreached(this.d);
  setPriority = (priority: Priority): void => setPriority(this.d, priority);
  undoConversion = (type: ExceptionType): void => undoConversion(this.d, type);

  /** Staff's own contact with the customer: taking the case, replies, calls, promises (./changes/contact.ts). */
  take = (actor: Actor, reason: string): void => contact.take(this.changing, actor, reason);
  addReply = (reply: ReplyRecord, key: string, actor: Actor): void => contact.addReply(this.changing, reply, key, actor);
  logCall = (call: CallRecord, actor: Actor): void => contact.logCall(this.changing, call, actor);
  makePromise = (promise: PromiseMade, actor: Actor): PromiseRecord => contact.makePromise(this.changing, promise, actor);
  keepPromises = (by: { reply: true } | { call: CallDirection }, actor: Actor): void => contact.keepPromises(this.changing, by, actor);
  breakPromise = (id: string): boolean => contact.breakPromise(this.changing, id);
  /** A complaint's severity and the supervisor's plan (./changes/severity.ts). */
  setSeverity = (severity: Severity, reason: string, actor: Actor): void => severities.setSeverity(this.changing, severity, reason, actor);
  recordPlan = (text: string, actor: Actor): void => severities.recordPlan(this.changing, text, actor);
  /** The number of the next reply: its notification key's ordinal, unique across runs. */
  nextReply = (): number => ++this.d.replyCount;

  /** The customer's choices and answers, and the phases they move (./changes/phases.ts). */
  awaitRemedy = (awaiting: NonNullable<CaseView['awaitingRemedy']>): void => phases.awaitRemedy(this.d, awaiting);
  endRemedyWait = (): void => phases.endRemedyWait(this.d);
  chooseRemedy = (remedy: RemedyChoice): void => phases.chooseRemedy(this.d, remedy);
  giveFeedback = (feedback: NonNullable<CaseView['feedback']>): void => phases.giveFeedback(this.d, feedback);
  requestInterruption = (request: Interruption): void => phases.requestInterruption(this.d, request);
  requestReopen = (request: ReopenRequest): void => phases.requestReopen(this.d, request);
  settleInterruption = (how: phases.Settled): void => phases.settleInterruption(this.d, how);
  settleReopen = (how: phases.Settled): void => phases.settleReopen(this.d, how);
  startReopenRound = (): void => phases.startReopenRound(this.d);
  /** Resolving keeps every open promise of a resolution. */
  markResolved = (outcome: string, summary: string): void => {
    phases.markResolved(this.d, outcome, summary);
    contact.keepPromises(this.changing, { resolved: true });
  };
  markMovingToNextRun = (): void => phases.markMovingToNextRun(this.d);
  markClosed = (): void => phases.markClosed(this.d);
}
