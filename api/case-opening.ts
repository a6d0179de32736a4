import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdConflictPolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { canonicalJson } from '../store/audit-hash';
import { openCaseIdOf } from '../store/case-lookup';
import type { Db } from '../store/database';
import { findKey, purgeExpiredKeys } from '../store/idempotency';
import { casesAwaitingStart, insertOpenedCase, openedCase, unsavedStartRequest, withdrawUnstartedCase, type OpeningKey } from '../store/opened-cases';
import { openStartRequest } from '../store/pii';
import { isUniqueViolation } from '../store/store-errors';
import type { AppConfig } from '../config';
import { CASE_WORKFLOW_TYPE, type OpenCaseInput } from '../workflows/case/contract';
import type { Principal } from './auth';
import { newCaseId } from './case-ids';
import { caseStart } from '../workflows/case/case-start';
import { caseStartInput } from './case-start';
import { HttpProblem } from './problem';
import type { OpenCaseBody } from './schemas';
import { handHeldEvents, type TrackingTargets } from './webhooks/inbound-delivery';

/**
 * Opening a case (POST /v1/cases), the API's delicate use case: the read-model row is written
 * first, under a unique index that enforces one open case per waybill and type, with the exact
 * workflow start request stored beside it; the workflow is started after. Any later retry (same
 * Idempotency-Key, or a tracking event for that case) can finish an interrupted start from the
 * stored request, and so does the redelivery sweeper (`finishInterruptedStarts`).
 */

export interface CaseOpeningDeps {
  db: Db;
  temporal: Client;
  config: AppConfig;
  log: (message: string, error?: unknown) => void;
  /** Where tracking events held for the waybill go once the case exists. */
  targets: TrackingTargets;
}

export interface OpenCaseResult {
  status: number;
  body: Record<string, unknown>;
}

function caseLinks(caseId: string) {
  return {
    self: `/v1/cases/${caseId}`,
    history: `/v1/cases/${caseId}/history`,
    feedback: `/v1/cases/${caseId}/feedback`,
  };
}

export class CaseOpening {
  constructor(private readonly deps: CaseOpeningDeps) {}

  private get db() {
    return this.deps.db;
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
      ({ heldEvents } = await this.insertCaseRow(
        input,
        idempotencyKey ? { scope, key: idempotencyKey, requestHash, statusCode: created.status, response: created.body } : undefined,
      ));
    } catch (error) {
      // A key seen before answers as it did then (or 422 for another body), whichever unique
      // index the insert ran into first: the retry of an open collides with its own case too.
      if (idempotencyKey && (isUniqueViolation(error, 'idempotency_keys_pk') || isUniqueViolation(error, 'cases_one_open_per_waybill_type'))) {
        const replay = await this.replayIdempotent(scope, idempotencyKey, requestHash);
        if (replay) return replay;
      }
      if (isUniqueViolation(error, 'cases_one_open_per_waybill_type')) {
        const existing = await openCaseIdOf(this.db, body.waybillNo, body.type);
        throw new HttpProblem(409, 'Case already open', `An open ${body.type} case exists for waybill ${body.waybillNo}`, {
          caseId: existing,
          links: existing ? caseLinks(existing) : undefined,
        });
      }
      throw error;
    }

    try {
      await this.startWorkflow(input);
    } catch (error) {
      this.deps.log(`starting case ${caseId} failed at the client`, error);
      // The client's error does not say the server refused: a start can time out at the client
      // after the server accepted it. Only a case Temporal has never heard of is withdrawn.
      const started = await this.workflowExists(caseId);
      if (started === true) {
        await this.handOverHeldEvents(caseId, body.waybillNo);
        return created;
      }
      if (started === false) {
        // Nothing may stay half-open: without a workflow, the row and the key are withdrawn.
        await withdrawUnstartedCase(this.db, caseId, idempotencyKey ? { scope, key: idempotencyKey } : undefined);
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

  /** The case's read-model row (with its Idempotency-Key), and whether tracking events are held for the waybill. */
  private async insertCaseRow(input: OpenCaseInput, key: OpeningKey | undefined): Promise<{ heldEvents: boolean }> {
    return insertOpenedCase(this.db, openedCase(input, new Date().toISOString(), this.deps.config.payloadEncryptionKey), key);
  }

  /**
   * Tracking events that came while no case was open for the waybill go to the new case. A
   * failure here does not fail the open: the delivery stays pending for the redelivery sweeper.
   */
  private async handOverHeldEvents(caseId: string, waybillNo: string): Promise<void> {
    try {
      await handHeldEvents(this.db, this.deps.targets, caseId, waybillNo);
    } catch (error) {
      this.deps.log(`handing held tracking events to ${caseId} failed; the sweeper will retry`, error);
    }
  }

  /**
   * Case rows whose workflow start never happened (the API died between the insert and the
   * start, or Temporal could not say whether the start succeeded): start them from the stored
   * request. Starting is idempotent, and never restarts a case that already ran.
   */
  async finishInterruptedStarts({ olderThanMs = 60_000, batch = 50 } = {}): Promise<{ finished: number; failures: number }> {
    const rows = await casesAwaitingStart(this.db, new Date(Date.now() - olderThanMs), batch);
    const result = { finished: 0, failures: 0 };
    for (const row of rows) {
      try {
        await this.ensureStarted(row.caseId);
        await this.handOverHeldEvents(row.caseId, row.waybillNo);
        result.finished += 1;
      } catch (error) {
        this.deps.log(`finishing the start of ${row.caseId} failed`, error);
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
      this.deps.log(`describing ${workflowId} failed`, error);
      return undefined;
    }
  }

  private async replayIdempotent(scope: string, key: string, requestHash: string): Promise<OpenCaseResult | undefined> {
    const stored = await findKey(this.db, scope, key);
    if (!stored) return undefined;
    if (stored.requestHash !== requestHash) {
      throw new HttpProblem(422, 'Idempotency key reused', 'This Idempotency-Key was used with a different request body');
    }
    const caseId = (stored.response as { caseId?: string }).caseId;
    if (caseId) await this.ensureStarted(caseId);
    return { status: stored.statusCode, body: stored.response };
  }

  /** Starts the workflow from the stored request if an earlier attempt stopped short of it. */
  async ensureStarted(caseId: string): Promise<void> {
    const stored = await unsavedStartRequest(this.db, caseId);
    if (!stored) return;
    await this.startWorkflow(openStartRequest(stored, this.deps.config.payloadEncryptionKey) as unknown as OpenCaseInput);
  }

  private async startWorkflow(input: OpenCaseInput): Promise<void> {
    try {
      const { taskQueue } = this.deps.config.temporal;
      await this.deps.temporal.workflow.start(CASE_WORKFLOW_TYPE, { ...caseStart(input), taskQueue, workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return;
      throw error;
    }
  }
}
