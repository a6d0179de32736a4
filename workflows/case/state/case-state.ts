import type { Evidence } from '../../../domain/case-actions';
import type { CaseView } from '../../../domain/case-view';
import { type Actor, type CaseStatus, type EscalationTier, type ExceptionType, MAX_TIER, type Priority, WORKFLOW_ACTOR } from '../../../domain/types';
import type { CaseCarryOver, RemedyChoice } from '../carry-over';
import type { OpenCaseInput } from '../contract';
import type { Interruption, ReopenRequest } from './case-data';
import { CaseRecords } from './case-records';
import { showCurrentDetails } from './projections';
import { WORKING_CLOCKS } from './sla-clocks';

/**
 * One case inside its workflow, and the named changes that are the only way to alter its data.
 * Each says what happened to the case; those that matter to an auditor are recorded in the
 * trail. Readers get `data`, read-only to the type checker.
 */
export class CaseState extends CaseRecords {
  constructor(input: OpenCaseInput, carried?: CaseCarryOver) {
    super(input, carried);
    // The Temporal UI's current details survive continue-as-new: the new run says where it is.
    if (carried) showCurrentDetails(this.d, `run ${this.d.runs}, carried on from the previous one`);
  }

  // --- status, ownership, type ------------------------------------------------------------

  setStatus(status: CaseStatus, reason: string, actor: Actor = WORKFLOW_ACTOR): void {
    if (status === this.d.status) return;
    const from = this.d.status;
    this.d.status = status;
    this.record('case.status_changed', `${from} → ${status}: ${reason}`, { from, to: status, reason }, actor);
    showCurrentDetails(this.d, reason);
  }

  /** Moves the case one tier up (capped at tier 3); returns false when already at the top. */
  escalate(reason: string, actor: Actor = WORKFLOW_ACTOR): boolean {
    if (this.d.tier >= MAX_TIER) {
      this.record('case.escalation_capped', `already at tier ${this.d.tier}: ${reason}`, { reason }, actor);
      return false;
    }
    const from = this.d.tier;
    this.d.tier = (from + 1) as EscalationTier;
    this.d.assignee = this.input.staff.tierQueues[this.d.tier];
    this.record(
      'case.escalated',
      `tier ${from} → ${this.d.tier} (${this.d.assignee}): ${reason}`,
      { fromTier: from, toTier: this.d.tier, assignee: this.d.assignee, reason },
      actor,
    );
    showCurrentDetails(this.d, `escalated: ${reason}`);
    return true;
  }

  assign(assignee: string, actor: Actor): void {
    const from = this.d.assignee;
    this.d.assignee = assignee;
    this.record('case.assigned', `${from} → ${assignee}`, { from, to: assignee }, actor);
    showCurrentDetails(this.d, `assigned by ${actor.id}`);
  }

  /** The new priority; its clocks are re-targeted by the caller (a domain rule per clock). */
  setPriority(priority: Priority): void {
    this.d.priority = priority;
  }

  /** A DELAYED parcel past the total-delay threshold becomes LOST; the trail keeps both. */
  convertTo(type: ExceptionType, reason: string): void {
    const from = this.d.currentType;
    this.d.currentType = type;
    this.record('case.converted', `${from} → ${type}: ${reason}`, { from, to: type, reason });
    showCurrentDetails(this.d, `now ${type}: ${reason}`);
  }

  /** A conversion the store refused (another LOST case is open): the case keeps its old type. */
  undoConversion(type: ExceptionType): void {
    this.d.currentType = type;
  }

  markBreached(): void {
    this.d.slaBreached = true;
  }

  // --- evidence ---------------------------------------------------------------------------

  /**
   * Asks the customer for evidence: the case waits on the customer, so its working clocks pause
   * (the SLA does not run while the ball is in the customer's court).
   */
  requestEvidence(what: string, actor: Actor = WORKFLOW_ACTOR): void {
    this.d.evidenceRequests += 1;
    this.d.evidence.requested = { what, at: new Date().toISOString(), by: actor.id };
    this.d.statusBeforeEvidence = this.d.status;
    this.record('evidence.requested', what, { what }, actor);
    for (const clock of WORKING_CLOCKS) this.clocks.pause(clock, 'WAITING_CUSTOMER');
    this.setStatus('WAITING_CUSTOMER', `evidence requested: ${what}`, actor);
  }

  /** Files evidence; when it answers an open request, the clocks resume and work goes on. */
  addEvidence(evidence: Evidence, actor: Actor): void {
    this.d.evidence.items.push({ ...evidence, at: new Date().toISOString(), by: actor.id });
    this.record('evidence.added', `${evidence.kind}: ${evidence.description}`, { ...evidence }, actor);
    if (this.d.evidence.requested) this.endEvidenceWait('evidence received', actor);
  }

  /** The case was resolved or cancelled while it waited for evidence: the request lapses. */
  withdrawEvidenceRequest(reason: string, actor: Actor = WORKFLOW_ACTOR): void {
    const { requested } = this.d.evidence;
    if (!requested) return;
    this.record('evidence.request_withdrawn', `${requested.what}: ${reason}`, { what: requested.what, reason }, actor);
    delete this.d.evidence.requested;
    delete this.d.statusBeforeEvidence;
  }

  /** Stops waiting on the customer: evidence came, or the playbook proceeds without it. */
  endEvidenceWait(reason: string, actor: Actor = WORKFLOW_ACTOR): void {
    if (!this.d.evidence.requested) return;
    delete this.d.evidence.requested;
    for (const clock of WORKING_CLOCKS) this.clocks.resume(clock);
    this.setStatus(this.d.statusBeforeEvidence ?? 'IN_PROGRESS', reason, actor);
    delete this.d.statusBeforeEvidence;
  }

  // --- the customer's choices and answers -------------------------------------------------

  awaitRemedy(awaiting: NonNullable<CaseView['awaitingRemedy']>): void {
    this.d.awaitingRemedy = awaiting;
  }

  endRemedyWait(): void {
    delete this.d.awaitingRemedy;
  }

  chooseRemedy(remedy: RemedyChoice): void {
    this.d.remedy = remedy;
  }

  giveFeedback(feedback: NonNullable<CaseView['feedback']>): void {
    this.d.feedback = feedback;
  }

  // --- phases ----------------------------------------------------------------------------

  requestInterruption(request: Interruption): void {
    this.d.interruption = request;
  }

  requestReopen(request: ReopenRequest): void {
    this.d.reopenRequest = request;
  }

  /**
   * The main loop acted on the pending resolve / cancel (or the case got there first): its update
   * answers. A request already answered keeps its answer.
   */
  settleInterruption(how: 'applied' | 'superseded'): void {
    if (this.d.interruption) this.d.interruption.settled ??= how;
    delete this.d.interruption;
  }

  settleReopen(how: 'applied' | 'superseded'): void {
    if (this.d.reopenRequest) this.d.reopenRequest.settled ??= how;
    delete this.d.reopenRequest;
  }

  /** A new round after a reopen: the last score joins the earlier ones. */
  startReopenRound(): void {
    this.d.reopens += 1;
    if (this.d.feedback) {
      this.d.earlierFeedback.push(this.d.feedback);
      delete this.d.feedback;
    }
  }

  markResolved(outcome: string, summary: string): void {
    this.d.resolvedAt = new Date().toISOString();
    this.d.resolution = { outcome, summary, at: this.d.resolvedAt };
  }

  markMovingToNextRun(): void {
    this.d.movingToNextRun = true;
  }

  markClosed(): void {
    this.d.closedAt = new Date().toISOString();
  }
}
