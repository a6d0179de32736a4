import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { openCaseIdsForWaybill } from '../store/case-lookup';
import type { Db } from '../store/database';
import { storedStartRequest } from '../store/opened-cases';
import { openStartRequest } from '../store/pii';
import { caseExists, caseRowForView } from '../store/read-model';
import type { AppConfig } from '../config';
import type { CaseAction } from '../domain/case-actions';
import type { CaseView } from '../domain/case-view';
import type { TrackingEvent } from '../domain/tracking';
import { TERMINAL_STATUSES, type ExceptionType } from '../domain/types';
import { autoOpenReason } from '../domain/auto-open';
import { exceptionSeenSignal, OPEN_TRACKED_CASE_WORKFLOW, openerWorkflowId, type OpenTrackedCaseInput } from '../workflows/tracking/contract';
import { CASE_WORKFLOW_TYPE, submitFeedbackUpdate, caseActionUpdate, trackingEventSignal, type OpenCaseInput } from '../workflows/case/contract';
import { actionKeyClaim, actionUpdateId, claimActionKey, recordActionAnswer, releaseActionKey, type ActionKeys } from './action-keys';
import { actorOf, type Principal } from './auth';
import { CaseOpening, type OpenCaseResult } from './case-opening';
import { caseStart } from '../workflows/case/case-start';
import { withClocksAt, withCustomerFrom } from './case-view-read';
import { executeCaseUpdate } from './case-updates';
import { HttpProblem } from './problem';
import type { FeedbackBody, OpenCaseBody } from './schemas';
import { updateProblem } from './update-problems';
import type { TrackingDelivery, TrackingTargets } from './webhooks/inbound-delivery';
import { signalShipmentNotices } from './webhooks/shipment-notices';

export { caseStartInput } from './case-start';
export type { OpenCaseResult } from './case-opening';
export type { TrackingDelivery };

/**
 * The API's use cases over the read model (through store/) and Temporal: opening a case
 * (./case-opening.ts), reading one, feedback and agent actions (keyed ones: ./action-keys.ts), and
 * the tracking events the webhooks deliver to cases (./webhooks/inbound-delivery.ts calls it as its
 * TrackingTargets).
 */

export interface CaseServiceDeps {
  db: Db;
  temporal: Client;
  config: AppConfig;
  /** Where internal errors go; clients only ever see a generic detail. */
  log?: (message: string, error?: unknown) => void;
}

/** How a case opened by tracking or the watchlist shows it on the case (GET /v1/cases/{caseId}). */
export interface OpenedWithoutAgent {
  /** The OMS did not know the waybill: an agent completes the order and customer. */
  needsCompletion: boolean;
  /** `tracking` (a carrier push) or `watchlist` (a rule); null when an agent opened it. */
  openedFrom: string | null;
  openReason: string | null;
}

/** How long a read of a case opened a moment ago waits for the workflow's first save. */
const FIRST_SAVE_WAIT_MS = 5_000;
const FIRST_SAVE_POLL_MS = 50;

export class CaseService implements TrackingTargets {
  private readonly opening: CaseOpening;
  private readonly actionKeys: ActionKeys;

  constructor(private readonly deps: CaseServiceDeps) {
    this.opening = new CaseOpening({ ...deps, log: (message, error) => this.log(message, error), targets: this });
    this.actionKeys = { db: deps.db, ttlMs: deps.config.platform.idempotencyKeyTtlMs, payloadEncryptionKey: deps.config.payloadEncryptionKey };
  }

  private get db() {
    return this.deps.db;
  }

  private log(message: string, error?: unknown): void {
    (this.deps.log ?? ((line: string, cause?: unknown) => console.error(line, cause)))(message, error);
  }

  openCase(body: OpenCaseBody, principal: Principal, idempotencyKey?: string): Promise<OpenCaseResult> {
    return this.opening.openCase(body, principal, idempotencyKey);
  }

  /** Starts cases whose open was interrupted before their workflow started (the redelivery sweeper). */
  finishInterruptedStarts(options?: { olderThanMs?: number; batch?: number }): Promise<{ finished: number; failures: number }> {
    return this.opening.finishInterruptedStarts(options);
  }

  /** Starts the workflow from the stored request if an earlier attempt stopped short of it. */
  ensureStarted(caseId: string): Promise<void> {
    return this.opening.ensureStarted(caseId);
  }

  /**
   * The case as the workflow last saved it (it saves after every change it makes), with the
   * customer's contact details, which the read model keeps masked, opened from the sealed start
   * request while the case is open, and running clocks brought up to now.
   *
   * Not a workflow query: a query sent to a worker that has just restarted can be answered from a
   * replay that takes in events of a workflow task not yet started, with the previous task's
   * clock; the worker then keeps that state for the real task and its commands differ from every
   * later replay. Under the chaos run (worker SIGKILLed every 10 s while agents polled cases)
   * that jammed six cases in 1,000 with nondeterminism errors (bench/chaos/findings/). Reading
   * PostgreSQL also keeps agents' polling off the workers.
   */
  async getCase(caseId: string): Promise<CaseView & OpenedWithoutAgent> {
    let row = await caseRowForView(this.db, caseId);
    if (!row) throw new HttpProblem(404, 'Case not found', `No case ${caseId}`);
    // A case opened a moment ago: its workflow saves it within its first steps; wait for that.
    for (const deadline = Date.now() + FIRST_SAVE_WAIT_MS; row && row.version === 0 && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, FIRST_SAVE_POLL_MS));
      row = await caseRowForView(this.db, caseId);
    }
    if (!row) throw new HttpProblem(404, 'Case not found', `No case ${caseId}`);
    if (row.version === 0) throw new HttpProblem(503, 'Case starting', 'The case workflow has not saved the case yet; retry shortly');
    // Read-model facts the workflow does not keep: how a case opened without an agent.
    const opened: OpenedWithoutAgent = { needsCompletion: row.needsCompletion, openedFrom: row.openedFrom, openReason: row.openReason };
    const view = row.snapshot as CaseView;
    if ((TERMINAL_STATUSES as readonly string[]).includes(row.status)) return { ...view, ...opened };
    return { ...withClocksAt(withCustomerFrom(view, row.startRequest, this.deps.config.payloadEncryptionKey), Date.now()), ...opened };
  }

  async submitFeedback(caseId: string, body: FeedbackBody, principal: Principal): Promise<CaseView> {
    await this.requireCase(caseId);
    try {
      return await executeCaseUpdate(this.deps.temporal.workflow.getHandle(caseId), submitFeedbackUpdate, {
        args: [{ ...body, actor: actorOf(principal) }],
      });
    } catch (error) {
      throw this.updateProblem(error);
    }
  }

  private updateProblem(error: unknown): HttpProblem {
    const problem = updateProblem(error);
    if (problem.status >= 500) this.log('case update failed', error);
    return problem;
  }

  /** SLA_TIME_SCALE: durations typed by people (an extension) scale like the policy's. */
  get slaTimeScale(): number {
    return this.deps.config.slaTimeScale;
  }

  /**
   * An agent or supervisor action, as a validated update: refused actions change nothing. With an
   * Idempotency-Key the action happens once however often it is retried (./action-keys.ts).
   */
  async act(caseId: string, action: CaseAction, principal: Principal, idempotencyKey?: string): Promise<CaseView> {
    await this.requireCase(caseId);
    const claim = idempotencyKey ? actionKeyClaim(caseId, principal.id, idempotencyKey, action) : undefined;
    if (claim) {
      const stored = await claimActionKey(this.actionKeys, claim);
      if (stored) return stored;
    }
    let view: CaseView;
    try {
      view = await executeCaseUpdate(this.deps.temporal.workflow.getHandle(caseId), caseActionUpdate, {
        args: [{ action, actor: actorOf(principal) }],
        ...(idempotencyKey ? { updateId: actionUpdateId(caseId, principal.id, idempotencyKey) } : {}),
      });
    } catch (error) {
      const problem = this.updateProblem(error);
      // A refusal changed nothing: the key is released so a corrected retry may use it. An
      // unknown outcome (5xx) keeps it pending: the retry re-sends the same update id.
      if (claim && problem.status < 500) await releaseActionKey(this.actionKeys, claim);
      throw problem;
    }
    if (claim) await recordActionAnswer(this.actionKeys, claim, view);
    return view;
  }

  /**
   * Delivers a tracking event to a case, starting its workflow if an open was interrupted — but
   * never restarting a case that already ran: a signal-with-start to a finished id would
   * otherwise begin a new run (Temporal's default reuse policy allows a duplicate once the
   * previous run closed), reviving a closed, failed or terminated case with a fresh state.
   * REJECT_DUPLICATE refuses that start; USE_EXISTING signals the running workflow when there
   * is one. A finished case simply does not take the event.
   */
  async deliverTrackingEvent(caseId: string, event: TrackingEvent): Promise<TrackingDelivery> {
    const input = openStartRequest(await storedStartRequest(this.db, caseId), this.deps.config.payloadEncryptionKey) as unknown as OpenCaseInput;
    try {
      await this.deps.temporal.workflow.signalWithStart(CASE_WORKFLOW_TYPE, {
        ...caseStart(input),
        taskQueue: this.deps.config.temporal.taskQueue,
        signal: trackingEventSignal,
        signalArgs: [event],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      });
      return 'delivered';
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return 'case-finished';
      throw error;
    }
  }

  /** Customers told: the event to its waybill's shipment-notices workflow (signal-with-start). */
  async signalShipmentNotices(event: TrackingEvent): Promise<void> {
    await signalShipmentNotices(this.deps.temporal, this.deps.config, event);
  }

  /**
   * An exception for a waybill with no open case: signal-with-start of the waybill's case opener
   * (workflows/tracking/open-tracked-case.ts). Its id is the waybill and the type, so concurrent
   * pushes reach one run (USE_EXISTING) and one case opens; once that run has finished, a later
   * exception may start another (the opener itself finds a case still open and does nothing).
   */
  async openCaseForException(event: TrackingEvent, type: ExceptionType): Promise<void> {
    const input: OpenTrackedCaseInput = {
      waybillNo: event.waybillNo,
      type,
      carrier: event.carrier,
      reason: autoOpenReason(event),
      source: 'tracking',
      event,
    };
    await this.deps.temporal.workflow.signalWithStart(OPEN_TRACKED_CASE_WORKFLOW, {
      workflowId: openerWorkflowId(event.waybillNo, type),
      taskQueue: this.deps.config.temporal.taskQueue,
      args: [input],
      signal: exceptionSeenSignal,
      signalArgs: [{ provider: event.provider, eventId: event.eventId }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      staticSummary: `open ${type} case · ${event.carrier} ${event.waybillNo}`,
    });
  }

  async openCaseIdsForWaybill(waybillNo: string): Promise<string[]> {
    return openCaseIdsForWaybill(this.db, waybillNo);
  }

  async requireCase(caseId: string): Promise<void> {
    if (!(await caseExists(this.db, caseId))) throw new HttpProblem(404, 'Case not found', `No case ${caseId}`);
  }
}
