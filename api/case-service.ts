import { createHash } from 'node:crypto';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, TypedSearchAttributes, type SearchAttributePair } from '@temporalio/common';
import { sql } from 'kysely';
import type { Db } from '../activities/store/database';
import { canonicalJson } from '../activities/store/audit-hash';
import type { AppConfig } from '../config';
import type { CaseAction } from '../domain/case-actions';
import type { CaseView } from '../domain/case-view';
import type { TrackingEvent } from '../domain/tracking';
import { TERMINAL_STATUSES } from '../domain/types';
import {
  caseViewQuery,
  CASE_WORKFLOW_TYPE,
  submitFeedbackUpdate,
  caseActionUpdate,
  trackingEventSignal,
  type OpenCaseInput,
} from '../workflows/contract';
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
import type { FeedbackBody, OpenCaseBody } from './schemas';

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
}

export interface OpenCaseResult {
  status: number;
  body: Record<string, unknown>;
}

const UNIQUE_VIOLATION = '23505';
const QUERY_DEADLINE_MS = 5_000;

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const pgError = error as { code?: string; constraint?: string };
  return pgError?.code === UNIQUE_VIOLATION && pgError.constraint === constraint;
}

export function caseLinks(caseId: string) {
  return {
    self: `/v1/cases/${caseId}`,
    history: `/v1/cases/${caseId}/history`,
    feedback: `/v1/cases/${caseId}/feedback`,
  };
}

export class CaseService {
  constructor(private readonly deps: CaseServiceDeps) {}

  private get db() {
    return this.deps.db;
  }

  async openCase(body: OpenCaseBody, principal: Principal, idempotencyKey?: string): Promise<OpenCaseResult> {
    const scope = `${principal.id}:POST /v1/cases`;
    const requestHash = createHash('sha256').update(canonicalJson(body)).digest('hex');
    if (idempotencyKey) {
      const replay = await this.replayIdempotent(scope, idempotencyKey, requestHash);
      if (replay) return replay;
    }

    const caseId = newCaseId();
    const input = this.startRequest(caseId, body, principal);
    const created: OpenCaseResult = {
      status: 201,
      body: { caseId, status: 'OPEN', links: caseLinks(caseId) },
    };
    try {
      await this.db.transaction().execute(async (trx) => {
        const now = new Date().toISOString();
        await trx
          .insertInto('cases')
          .values({
            case_id: caseId,
            type: body.type,
            status: 'OPEN',
            priority: body.priority,
            tier: 1,
            assignee: input.staff.tierQueues[1],
            order_id: body.orderId,
            waybill_no: body.waybillNo,
            carrier: body.carrier,
            region: body.region ?? null,
            customer_id: body.customer.id,
            store_id: body.customer.storeId ?? null,
            supplier_id: body.supplierId ?? null,
            sla_due_at: null,
            sla_breached: false,
            opened_at: now,
            updated_at: now,
            resolved_at: null,
            closed_at: null,
            version: 0,
            snapshot: JSON.stringify({}),
            start_request: JSON.stringify(input),
          })
          .execute();
        if (idempotencyKey) {
          await trx
            .insertInto('idempotency_keys')
            .values({
              scope,
              key: idempotencyKey,
              request_hash: requestHash,
              status_code: created.status,
              response: JSON.stringify(created.body),
            })
            .execute();
        }
      });
    } catch (error) {
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
      if (idempotencyKey && isUniqueViolation(error, 'idempotency_keys_pk')) {
        // A concurrent request with the same key won the race; answer as it did.
        const replay = await this.replayIdempotent(scope, idempotencyKey, requestHash);
        if (replay) return replay;
      }
      throw error;
    }

    try {
      await this.startWorkflow(input);
    } catch (error) {
      // Nothing may stay half-open: without a workflow, the row and the key are withdrawn.
      await this.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('cases').where('case_id', '=', caseId).where('version', '=', 0).execute();
        if (idempotencyKey) {
          await trx.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', idempotencyKey).execute();
        }
      });
      throw new HttpProblem(503, 'Temporal unavailable', `The case could not be started: ${(error as Error).message}`);
    }
    return created;
  }

  private async replayIdempotent(scope: string, key: string, requestHash: string): Promise<OpenCaseResult | undefined> {
    const stored = await this.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!stored) return undefined;
    if (stored.request_hash !== requestHash) {
      throw new HttpProblem(422, 'Idempotency key reused', 'This Idempotency-Key was used with a different request body');
    }
    const caseId = (stored.response as { caseId?: string }).caseId;
    if (caseId) await this.ensureStarted(caseId);
    return { status: stored.status_code, body: stored.response };
  }

  /** Starts the workflow from the stored request if an earlier attempt stopped short of it. */
  private async ensureStarted(caseId: string): Promise<void> {
    const row = await this.db.selectFrom('cases').select(['start_request', 'version']).where('case_id', '=', caseId).executeTakeFirst();
    if (!row || row.version > 0) return;
    await this.startWorkflow(row.start_request as unknown as OpenCaseInput);
  }

  private startRequest(caseId: string, body: OpenCaseBody, principal: Principal): OpenCaseInput {
    const { config } = this.deps;
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

  private async startWorkflow(input: OpenCaseInput): Promise<void> {
    try {
      await this.deps.temporal.workflow.start(CASE_WORKFLOW_TYPE, {
        workflowId: input.caseId,
        taskQueue: this.deps.config.temporal.taskQueue,
        args: [input],
        typedSearchAttributes: new TypedSearchAttributes(initialSearchAttributes(input)),
        staticSummary: `${input.type} · ${input.carrier} ${input.waybillNo} · order ${input.orderId}`,
        staticDetails: `Priority **${input.priority}**. ${input.description.slice(0, 300)}`,
      });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return;
      throw error;
    }
  }

  /** The case as the workflow sees it now; the read model's snapshot once it is closed. */
  async getCase(caseId: string): Promise<CaseView> {
    const row = await this.db.selectFrom('cases').select(['status', 'snapshot', 'version']).where('case_id', '=', caseId).executeTakeFirst();
    if (!row) throw new HttpProblem(404, 'Case not found', `No case ${caseId}`);
    const terminal = (TERMINAL_STATUSES as readonly string[]).includes(row.status);
    if (!terminal) {
      try {
        // A query needs a worker; bound the wait so a worker outage degrades to the read model.
        return await this.deps.temporal.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
          this.deps.temporal.workflow.getHandle(caseId).query(caseViewQuery),
        );
      } catch {
        if (row.version === 0) throw new HttpProblem(503, 'Case starting', 'The case workflow has not answered yet; retry shortly');
        // Otherwise fall back to the read model, which is at most one step behind.
      }
    }
    return row.snapshot as CaseView;
  }

  async submitFeedback(caseId: string, body: FeedbackBody, principal: Principal): Promise<CaseView> {
    await this.requireCase(caseId);
    try {
      return await this.deps.temporal.workflow.getHandle(caseId).executeUpdate(submitFeedbackUpdate, {
        args: [{ ...body, actor: actorOf(principal) }],
      });
    } catch (error) {
      throw updateProblem(error);
    }
  }

  /** SLA_TIME_SCALE: durations typed by people (an extension) scale like the policy's. */
  get slaTimeScale(): number {
    return this.deps.config.slaTimeScale;
  }

  /** An agent or supervisor action, as a validated update: refused actions change nothing. */
  async act(caseId: string, action: CaseAction, principal: Principal): Promise<CaseView> {
    await this.requireCase(caseId);
    try {
      return await this.deps.temporal.workflow.getHandle(caseId).executeUpdate(caseActionUpdate, {
        args: [{ action, actor: actorOf(principal) }],
      });
    } catch (error) {
      throw updateProblem(error);
    }
  }

  /** Delivers a tracking event to a case, starting its workflow if an open was interrupted. */
  async deliverTrackingEvent(caseId: string, event: TrackingEvent): Promise<void> {
    const row = await this.db.selectFrom('cases').select(['start_request']).where('case_id', '=', caseId).executeTakeFirstOrThrow();
    const input = row.start_request as unknown as OpenCaseInput;
    await this.deps.temporal.workflow.signalWithStart(CASE_WORKFLOW_TYPE, {
      workflowId: caseId,
      taskQueue: this.deps.config.temporal.taskQueue,
      args: [input],
      signal: trackingEventSignal,
      signalArgs: [event],
      typedSearchAttributes: new TypedSearchAttributes(initialSearchAttributes(input)),
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
    const found = await this.db.selectFrom('cases').select(sql<number>`1`.as('one')).where('case_id', '=', caseId).executeTakeFirst();
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

/** Maps a refused or failed update to the problem the client should see. */
function updateProblem(error: unknown): HttpProblem {
  if (error instanceof WorkflowNotFoundError) {
    return new HttpProblem(409, 'Case not running', 'The case workflow is no longer running');
  }
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const failure = error.cause;
    if (failure.type === 'InvalidState') return new HttpProblem(409, 'Not allowed in this state', failure.message);
    if (failure.type === 'Forbidden') return new HttpProblem(403, 'Forbidden', failure.message);
    return new HttpProblem(400, 'Invalid request', failure.message);
  }
  if ((error as Error)?.name === 'WorkflowNotFoundError' || /workflow execution already completed/i.test((error as Error)?.message ?? '')) {
    return new HttpProblem(409, 'Case not running', 'The case workflow is no longer running');
  }
  return error instanceof HttpProblem ? error : new HttpProblem(503, 'Temporal unavailable', (error as Error).message);
}
