import { ERASED_STATUS, purgeExpiredKeys } from '../store/idempotency';
import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, TypedSearchAttributes, WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type SearchAttributePair } from '@temporalio/common';
import { sql } from 'kysely';
import type { Db } from '../store/database';
import { canonicalJson } from '../store/audit-hash';
import { openPersonalFields, openStartRequest, sealPersonalFields, sealStartRequest } from '../store/pii';
import type { AppConfig } from '../config';
import type { CaseAction } from '../domain/case-actions';
import type { CaseView } from '../domain/case-view';
import type { TrackingEvent } from '../domain/tracking';
import { TERMINAL_STATUSES, type ExceptionType } from '../domain/types';
import { autoOpenReason } from '../domain/auto-open';
import { exceptionSeenSignal, OPEN_TRACKED_CASE_WORKFLOW, openerWorkflowId, type OpenTrackedCaseInput } from '../workflows/tracking/contract';
import { withClocksAt, withCustomerFrom } from './case-view-read';
import { CASE_WORKFLOW_TYPE, submitFeedbackUpdate, caseActionUpdate, trackingEventSignal, type OpenCaseInput } from '../workflows/case/contract';
import {
  CarrierKey,
  ExceptionTypeKey,
  OrderIdKey,
  PriorityKey,
  RegionKey,
  WaybillNoKey,
  CaseStatusKey,
  EscalationTierKey,
  AssignedToKey,
  SlaBreachedKey,
} from '../workflows/search-attributes';
import { actorOf, type Principal } from './auth';
import { newCaseId } from './case-ids';
import { HttpProblem } from './problem';
import { handHeldEvents, heldSince, type TrackingDelivery } from './webhooks/inbound-delivery';
import { signalShipmentNotices } from './webhooks/shipment-notices';

export type { TrackingDelivery };
import type { FeedbackBody, OpenCaseBody } from './schemas';
import { caseColumns } from '../store/case-row';
import { executeCaseUpdate } from './case-updates';

/**
 * The API's use cases over the read model and Temporal. Opening a case is the delicate one: the
 * read-model row is written first, under a unique index that enforces one open case per waybill
 * and type, with the exact workflow start request stored beside it; the workflow is started
 * after. Any later retry (same Idempotency-Key, or a tracking event for that case) can finish an
 * interrupted start from the stored request.
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

export interface OpenCaseResult {
  status: number;
  body: Record<string, unknown>;
}

const UNIQUE_VIOLATION = '23505';
/** How long a read of a case opened a moment ago waits for the workflow's first save. */
const FIRST_SAVE_WAIT_MS = 5_000;
const FIRST_SAVE_POLL_MS = 50;

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const pgError = error as { code?: string; constraint?: string };
  return pgError?.code === UNIQUE_VIOLATION && pgError.constraint === constraint;
}

function caseLinks(caseId: string) {
  return {
    self: `/v1/cases/${caseId}`,
    history: `/v1/cases/${caseId}/history`,
    feedback: `/v1/cases/${caseId}/feedback`,
  };
}

/** The case workflow's input for an opened case (also what the benchmark starts bare). */
export function caseStartInput(caseId: string, body: OpenCaseBody, principal: Principal, config: AppConfig): OpenCaseInput {
  return {
    caseId,
    type: body.type,
    orderId: body.orderId,
    waybillNo: body.waybillNo,
    carrier: body.carrier,
    customer: body.customer,
    description: body.description,
    priority: body.priority,
    ...(body.region ? { region: body.region } : {}),
    ...(body.declaredValue !== undefined ? { declaredValue: body.declaredValue } : {}),
    ...(body.insured !== undefined ? { insured: body.insured } : {}),
    ...(body.freight !== undefined ? { freight: body.freight } : {}),
    ...(body.supplierId ? { supplierId: body.supplierId } : {}),
    ...(body.items ? { items: body.items } : {}),
    ...(body.orderValue !== undefined ? { orderValue: body.orderValue } : {}),
    ...(body.newAddress ? { newAddress: body.newAddress } : {}),
    ...(body.returnRemedy ? { returnRemedy: body.returnRemedy } : {}),
    openedBy: actorOf(principal),
    policy: config.slaPolicy,
    ...(config.caseHistoryLimit !== undefined ? { historyLimit: config.caseHistoryLimit } : {}),
    staff: {
      opsWecomKey: config.opsWecomKey,
      tierQueues: {
        1: principal.role === 'agent' ? principal.id : 'tier1-agents',
        2: 'tier2-supervisors',
        3: 'tier3-experts',
      },
    },
  };
}

/** The start options of a case's workflow: its id, search attributes and the UI's summary. */
export function caseStartOptions(input: OpenCaseInput, taskQueue: string) {
  return {
    workflowId: input.caseId,
    taskQueue,
    args: [input],
    typedSearchAttributes: new TypedSearchAttributes(initialSearchAttributes(input)),
    // A case id is used once. A start (a retried open, an interrupted open finished later)
    // must never begin a second life for a case that already ran and finished, whatever
    // way it finished: REJECT_DUPLICATE refuses, and we take "already started" as done.
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    staticSummary: `${input.type} · ${input.carrier} ${input.waybillNo} · order ${input.orderId}`,
    staticDetails: `Priority **${input.priority}**. ${input.description.slice(0, 300)}`,
  };
}

export class CaseService {
  constructor(private readonly deps: CaseServiceDeps) {}

  private get db() {
    return this.deps.db;
  }

  private log(message: string, error?: unknown): void {
    (this.deps.log ?? ((line: string, cause?: unknown) => console.error(line, cause)))(message, error);
  }

  async openCase(body: OpenCaseBody, principal: Principal, idempotencyKey?: string): Promise<OpenCaseResult> {
    const scope = `${principal.id}:POST /v1/cases`;
    const requestHash = createHash('sha256').update(canonicalJson(body)).digest('hex');
    const caseId = newCaseId();
    const input = caseStartInput(caseId, body, principal, this.deps.config);
    const created: OpenCaseResult = {
      status: 201,
      body: { caseId, status: 'OPEN', links: caseLinks(caseId) },
    };
    let heldEvents: boolean;
    if (idempotencyKey) await purgeExpiredKeys(this.db, this.deps.config.platform.idempotencyKeyTtlMs, scope, idempotencyKey);
    try {
      ({ heldEvents } = await this.insertOpenedCase(body, input, idempotencyKey ? { scope, key: idempotencyKey, requestHash, created } : undefined));
    } catch (error) {
      // A key seen before answers as it did then (or 422 for another body), whichever unique
      // index the insert ran into first: the retry of an open collides with its own case too.
      if (idempotencyKey && (isUniqueViolation(error, 'idempotency_keys_pk') || isUniqueViolation(error, 'cases_one_open_per_waybill_type'))) {
        const replay = await this.replayIdempotent(scope, idempotencyKey, requestHash);
        if (replay) return replay;
      }
      if (isUniqueViolation(error, 'cases_one_open_per_waybill_type')) {
        const existing = await this.db
          .selectFrom('cases')
          .select('case_id')
          .where('waybill_no', '=', body.waybillNo)
          .where('type', '=', body.type)
          .where('status', 'not in', TERMINAL_STATUSES)
          .executeTakeFirst();
        throw new HttpProblem(409, 'Case already open', `An open ${body.type} case exists for waybill ${body.waybillNo}`, {
          caseId: existing?.case_id,
          links: existing ? caseLinks(existing.case_id) : undefined,
        });
      }
      throw error;
    }

    try {
      await this.startWorkflow(input);
    } catch (error) {
      this.log(`starting case ${caseId} failed at the client`, error);
      // The client's error does not say the server refused: a start can time out at the client
      // after the server accepted it. Only a case Temporal has never heard of is withdrawn.
      const started = await this.workflowExists(caseId);
      if (started === true) {
        await this.handOverHeldEvents(caseId, body.waybillNo);
        return created;
      }
      if (started === false) {
        // Nothing may stay half-open: without a workflow, the row and the key are withdrawn.
        await this.db.transaction().execute(async (trx) => {
          await trx.deleteFrom('cases').where('case_id', '=', caseId).where('version', '=', 0).execute();
          if (idempotencyKey) {
            await trx.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', idempotencyKey).execute();
          }
        });
      }
      // Unknown (Temporal unreachable even for describe): the row and its stored start request
      // stay, and a retry with the same key, a tracking event or the sweeper finishes the start.
      throw new HttpProblem(503, 'Temporal unavailable', 'The case could not be started; retry shortly');
    }
    // Events held for the waybill go to the new case. One held a moment after the insert looked
    // is found by the redelivery sweeper, which hands held events to open cases lacking them.
    if (heldEvents) await this.handOverHeldEvents(caseId, body.waybillNo);
    return created;
  }

  /**
   * The case's read-model row and its Idempotency-Key in one statement (data-modifying CTEs are
   * atomic without a transaction's extra round trips: opening a case is the API's hot path), which
   * also says whether tracking events are held for the waybill.
   */
  private async insertOpenedCase(
    body: OpenCaseBody,
    input: OpenCaseInput,
    idempotency: { scope: string; key: string; requestHash: string; created: OpenCaseResult } | undefined,
  ): Promise<{ heldEvents: boolean }> {
    const now = new Date().toISOString();
    const caseRow = {
      // The row the case lists by until its workflow writes the first snapshot.
      ...caseColumns({
        caseId: input.caseId,
        type: body.type,
        status: 'OPEN',
        priority: body.priority,
        tier: 1,
        assignee: input.staff.tierQueues[1],
        orderId: body.orderId,
        waybillNo: body.waybillNo,
        carrier: body.carrier,
        region: body.region,
        customer: body.customer,
        supplierId: body.supplierId,
        slaBreached: false,
        openedAt: now,
        updatedAt: now,
        version: 0,
      }),
      snapshot: JSON.stringify({}),
      // Kept to finish an interrupted start; the customer's personal fields sealed.
      start_request: JSON.stringify(sealStartRequest(input, this.deps.config.payloadEncryptionKey)),
    };
    const keyRow = idempotency && {
      scope: idempotency.scope,
      key: idempotency.key,
      request_hash: idempotency.requestHash,
      status_code: idempotency.created.status,
      response: JSON.stringify(idempotency.created.body),
    };
    const opened = this.db
      .with('opened', (qc) => qc.insertInto('cases').values(caseRow).returning('case_id'))
      // PostgreSQL runs a data-modifying CTE whether or not the query reads it; without a key the
      // second one is a SELECT of no rows.
      .with('keyed', (qc) =>
        keyRow
          ? qc.insertInto('idempotency_keys').values(keyRow).returning('key')
          : qc
              .selectFrom('idempotency_keys')
              .select('key')
              .where(sql<boolean>`false`),
      );
    const row = await opened
      .selectFrom('opened')
      .select((eb) =>
        eb
          .exists(
            eb
              .selectFrom('inbound_events')
              .select('event_id')
              .where('waybill_no', '=', body.waybillNo)
              .where('delivery_state', '=', 'held')
              .where(sql<boolean>`received_at > ${heldSince()}`),
          )
          .as('held_events'),
      )
      .executeTakeFirstOrThrow();
    return { heldEvents: Boolean(row.held_events) };
  }

  /**
   * Tracking events that came while no case was open for the waybill go to the new case. A
   * failure here does not fail the open: the delivery stays pending for the redelivery sweeper.
   */
  private async handOverHeldEvents(caseId: string, waybillNo: string): Promise<void> {
    try {
      await handHeldEvents(this.db, this, caseId, waybillNo);
    } catch (error) {
      this.log(`handing held tracking events to ${caseId} failed; the sweeper will retry`, error);
    }
  }

  /**
   * Case rows whose workflow start never happened (the API died between the insert and the
   * start, or Temporal could not say whether the start succeeded): start them from the stored
   * request. Starting is idempotent, and never restarts a case that already ran.
   */
  async finishInterruptedStarts({ olderThanMs = 60_000, batch = 50 } = {}): Promise<{ finished: number; failures: number }> {
    const rows = await this.db
      .selectFrom('cases')
      .select(['case_id', 'waybill_no'])
      .where('version', '=', 0)
      .where('status', 'not in', TERMINAL_STATUSES)
      .where('opened_at', '<=', new Date(Date.now() - olderThanMs))
      .orderBy('opened_at')
      .limit(batch)
      .execute();
    const result = { finished: 0, failures: 0 };
    for (const row of rows) {
      try {
        await this.ensureStarted(row.case_id);
        await this.handOverHeldEvents(row.case_id, row.waybill_no);
        result.finished += 1;
      } catch (error) {
        this.log(`finishing the start of ${row.case_id} failed`, error);
        result.failures += 1;
      }
    }
    return result;
  }

  /** true: Temporal has a workflow of this id (any status); false: it has none; undefined: unknown. */
  private async workflowExists(workflowId: string): Promise<boolean | undefined> {
    try {
      await this.deps.temporal.workflow.getHandle(workflowId).describe();
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      this.log(`describing ${workflowId} failed`, error);
      return undefined;
    }
  }

  private async replayIdempotent(scope: string, key: string, requestHash: string): Promise<OpenCaseResult | undefined> {
    const stored = await this.db.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
    if (!stored) return undefined;
    if (stored.request_hash !== requestHash) {
      throw new HttpProblem(422, 'Idempotency key reused', 'This Idempotency-Key was used with a different request body');
    }
    const caseId = (stored.response as { caseId?: string }).caseId;
    if (caseId) await this.ensureStarted(caseId);
    return { status: stored.status_code, body: stored.response };
  }

  /** Starts the workflow from the stored request if an earlier attempt stopped short of it. */
  async ensureStarted(caseId: string): Promise<void> {
    const row = await this.db.selectFrom('cases').select(['start_request', 'version']).where('case_id', '=', caseId).executeTakeFirst();
    if (!row || row.version > 0) return;
    await this.startWorkflow(this.startInput(row.start_request));
  }

  private async startWorkflow(input: OpenCaseInput): Promise<void> {
    try {
      await this.deps.temporal.workflow.start(CASE_WORKFLOW_TYPE, caseStartOptions(input, this.deps.config.temporal.taskQueue));
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return;
      throw error;
    }
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
    const read = () =>
      this.db
        .selectFrom('cases')
        .select(['status', 'snapshot', 'version', 'start_request', 'needs_completion', 'opened_from', 'open_reason'])
        .where('case_id', '=', caseId)
        .executeTakeFirst();
    let row = await read();
    if (!row) throw new HttpProblem(404, 'Case not found', `No case ${caseId}`);
    // A case opened a moment ago: its workflow saves it within its first steps; wait for that.
    for (const deadline = Date.now() + FIRST_SAVE_WAIT_MS; row && row.version === 0 && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, FIRST_SAVE_POLL_MS));
      row = await read();
    }
    if (!row) throw new HttpProblem(404, 'Case not found', `No case ${caseId}`);
    if (row.version === 0) throw new HttpProblem(503, 'Case starting', 'The case workflow has not saved the case yet; retry shortly');
    // Read-model facts the workflow does not keep: how a case opened without an agent.
    const opened: OpenedWithoutAgent = { needsCompletion: row.needs_completion, openedFrom: row.opened_from, openReason: row.open_reason };
    const view = row.snapshot as CaseView;
    if ((TERMINAL_STATUSES as readonly string[]).includes(row.status)) return { ...view, ...opened };
    return { ...withClocksAt(withCustomerFrom(view, row.start_request, this.deps.config.payloadEncryptionKey), Date.now()), ...opened };
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

  /** The stored start request, as the workflow takes it (personal fields opened). */
  private startInput(stored: Record<string, unknown>): OpenCaseInput {
    return openStartRequest(stored, this.deps.config.payloadEncryptionKey) as unknown as OpenCaseInput;
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
   * An agent or supervisor action, as a validated update: refused actions change nothing.
   *
   * With an Idempotency-Key the action happens once however often it is retried. Two guards, as
   * neither is enough alone: the update id is derived from (case, principal, key), so Temporal
   * answers a retry reaching the same run with the first update's outcome; and a durable record
   * (idempotency_keys, scoped per case and principal) holds the answer, so a retry reaching a
   * later run (after continue-as-new, where update ids are forgotten) is answered from the record
   * and never reaches the workflow. The record is written `pending` before the update is sent; a
   * retry finding it pending re-sends the same update id (the first attempt's outcome is unknown).
   */
  async act(caseId: string, action: CaseAction, principal: Principal, idempotencyKey?: string): Promise<CaseView> {
    await this.requireCase(caseId);
    const scope = `case:${caseId}:${principal.id}:actions`;
    const requestHash = createHash('sha256').update(canonicalJson(action)).digest('hex');
    if (idempotencyKey) {
      await purgeExpiredKeys(this.db, this.deps.config.platform.idempotencyKeyTtlMs, scope, idempotencyKey);
      const stored = await this.claimActionKey(scope, idempotencyKey, requestHash);
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
      if (idempotencyKey && problem.status < 500) {
        await this.db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', idempotencyKey).where('status_code', '=', 0).execute();
      }
      throw problem;
    }
    if (idempotencyKey) {
      await this.db
        .updateTable('idempotency_keys')
        // The answer is kept for replays with the customer's personal fields sealed, like the start request.
        .set({ status_code: 200, response: JSON.stringify(sealPersonalFields(view, this.deps.config.payloadEncryptionKey)) })
        .where('scope', '=', scope)
        .where('key', '=', idempotencyKey)
        .execute();
    }
    return view;
  }

  /**
   * Records a pending key, or finds the earlier one: its answer if it has one (undefined when it is
   * still pending), a 422 if it came with another body.
   */
  private async claimActionKey(scope: string, key: string, requestHash: string): Promise<CaseView | undefined> {
    const inserted = await this.db
      .insertInto('idempotency_keys')
      .values({ scope, key, request_hash: requestHash, status_code: 0, response: JSON.stringify({}) })
      .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (inserted) return undefined;
    const stored = await this.db.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirstOrThrow();
    if (stored.request_hash !== requestHash) {
      throw new HttpProblem(422, 'Idempotency key reused', 'This Idempotency-Key was used with a different request body');
    }
    if (stored.status_code === ERASED_STATUS) {
      throw new HttpProblem(410, 'Answer erased', "This Idempotency-Key's action was carried out; its answer was erased with the customer's personal data");
    }
    return stored.status_code === 200 ? (openPersonalFields(stored.response, this.deps.config.payloadEncryptionKey) as unknown as CaseView) : undefined;
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
    const row = await this.db.selectFrom('cases').select(['start_request']).where('case_id', '=', caseId).executeTakeFirstOrThrow();
    const input = this.startInput(row.start_request);
    try {
      await this.deps.temporal.workflow.signalWithStart(CASE_WORKFLOW_TYPE, {
        workflowId: caseId,
        taskQueue: this.deps.config.temporal.taskQueue,
        args: [input],
        signal: trackingEventSignal,
        signalArgs: [event],
        typedSearchAttributes: new TypedSearchAttributes(initialSearchAttributes(input)),
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
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
    const rows = await this.db
      .selectFrom('cases')
      .select('case_id')
      .where('waybill_no', '=', waybillNo)
      .where('status', 'not in', TERMINAL_STATUSES)
      .orderBy('opened_at')
      .execute();
    return rows.map((row) => row.case_id);
  }

  async requireCase(caseId: string): Promise<void> {
    const found = await this.db
      .selectFrom('cases')
      .select(sql<number>`1`.as('one'))
      .where('case_id', '=', caseId)
      .executeTakeFirst();
    if (!found) throw new HttpProblem(404, 'Case not found', `No case ${caseId}`);
  }
}

function initialSearchAttributes(input: OpenCaseInput): SearchAttributePair[] {
  return [
    { key: CaseStatusKey, value: 'OPEN' },
    { key: ExceptionTypeKey, value: input.type },
    { key: CarrierKey, value: input.carrier },
    { key: PriorityKey, value: input.priority },
    { key: AssignedToKey, value: input.staff.tierQueues[1] },
    { key: OrderIdKey, value: input.orderId },
    { key: WaybillNoKey, value: input.waybillNo },
    { key: EscalationTierKey, value: 1 },
    { key: SlaBreachedKey, value: false },
    ...(input.region ? [{ key: RegionKey, value: input.region }] : []),
  ];
}

/** Temporal's update id of a keyed action: stable for (case, principal, key), opaque otherwise. */
function actionUpdateId(caseId: string, principalId: string, key: string): string {
  return `action-${createHash('sha256').update(`${caseId}\n${principalId}\n${key}`).digest('hex').slice(0, 40)}`;
}

/** Maps a refused or failed update to the problem the client should see. */
function updateProblem(error: unknown): HttpProblem {
  // Also an update sent to a run that has completed (the client throws the same type).
  if (error instanceof WorkflowNotFoundError) {
    return new HttpProblem(409, 'Case not running', 'The case workflow is no longer running');
  }
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const failure = error.cause;
    if (failure.type === 'InvalidState') return new HttpProblem(409, 'Not allowed in this state', failure.message);
    if (failure.type === 'Forbidden') return new HttpProblem(403, 'Forbidden', failure.message);
    return new HttpProblem(400, 'Invalid request', failure.message);
  }
  // The detail stays generic: internal error text (addresses, stack frames) is logged, not sent.
  return error instanceof HttpProblem ? error : new HttpProblem(503, 'Temporal unavailable', 'The case could not be reached; retry shortly');
}
