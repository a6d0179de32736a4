import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowClient } from '@temporalio/client';
import type { InjectedSinks } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import type { Logger } from 'pino';
import { AuditTrailGap, persistCase, storedThroughSeq, type PersistCaseInput } from '../store/case-store';
import type { Db } from '../store/database';
import { isStoreRejection } from '../store/store-errors';
import { storeWriteAcceptedSignal, storeWriteFailedSignal, type CaseWriteSinks, type StoreWriteFailure } from '../workflows/case/contract';

/**
 * The worker's side of a case's in-task writes (workflows/case/state/case-writer.ts). The SDK
 * awaits a sink before it reports the workflow task's completion, so a task completes only after
 * its write landed: what the history says happened is in PostgreSQL, at no cost in history. While
 * replaying, the SDK does not call the sink (those tasks were written when they ran).
 *
 * Writes of one case go out one at a time, in the order the case made them. A write PostgreSQL
 * cannot take now (down, restarting) is retried; after `waitMs` the task is let go and the write
 * goes on being retried here, ahead of the case's next writes, so a workflow task never outlives
 * its time-out waiting on the database. A write the store refuses for good, or cannot chain
 * (an earlier write never landed), goes back to the case as the `storeWriteFailed` signal.
 */

export interface CaseWriteOptions {
  db: Db;
  /** Signals the case when the store refuses a write or lacks earlier events. */
  client: Pick<WorkflowClient, 'getHandle'>;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** How long a workflow task waits for its write before the write goes on in the background. */
  waitMs?: number;
}

/** Below the 10 s workflow task time-out, with room for the task's other work. */
const DEFAULT_WAIT_MS = 5_000;
const RETRY_INITIAL_MS = 250;
const RETRY_MAX_MS = 5_000;

export function caseWriteSinks(options: CaseWriteOptions): InjectedSinks<CaseWriteSinks> {
  const writes = new CaseWrites(options);
  return {
    caseStore: {
      persist: { fn: (info, input) => writes.write(info, input), callDuringReplay: false },
    },
  };
}

class CaseWrites {
  /** The newest write of each case with one in flight: the next one goes after it. */
  private readonly lastOfCase = new Map<string, Promise<void>>();
  private readonly waitMs: number;

  constructor(private readonly options: CaseWriteOptions) {
    this.waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
  }

  /** Resolves once the write is stored, refused, or has been waited for `waitMs`. */
  write(info: WorkflowInfo, input: PersistCaseInput): Promise<void> {
    const caseId = input.snapshot.caseId;
    const previous = this.lastOfCase.get(caseId) ?? Promise.resolve();
    const done = previous.then(() => this.untilSettled(info, input));
    this.lastOfCase.set(caseId, done);
    void done.finally(() => {
      if (this.lastOfCase.get(caseId) === done) this.lastOfCase.delete(caseId);
    });
    return Promise.race([done, sleep(this.waitMs, undefined, { ref: false })]);
  }

  /** Writes in flight (cases with a write not yet settled). */
  get inFlight(): number {
    return this.lastOfCase.size;
  }

  private async untilSettled(info: WorkflowInfo, input: PersistCaseInput): Promise<void> {
    const caseId = input.snapshot.caseId;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await persistCase(this.options.db, input);
        if (!result.stale && input.snapshot.storeWriteRejected) await this.tell(info, 'accepted');
        return;
      } catch (error) {
        const failure = await this.failureToTell(caseId, error);
        if (failure) {
          this.options.logger.error({ caseId, ...failure, error: String(error) }, 'the store could not take a write of the case: the case is told');
          await this.tell(info, 'failed', failure);
          return;
        }
        const delay = Math.min(RETRY_MAX_MS, RETRY_INITIAL_MS * 2 ** Math.min(attempt - 1, 10));
        if (attempt === 1 || attempt % 10 === 0) {
          this.options.logger.warn({ caseId, attempt, error: String(error) }, `case write failed; retrying in ${delay} ms`);
        }
        await sleep(delay);
      }
    }
  }

  /** A refusal for good or a gap in the trail; undefined for what a retry may fix. */
  private async failureToTell(caseId: string, error: unknown): Promise<StoreWriteFailure | undefined> {
    if (error instanceof AuditTrailGap) return { storedThroughSeq: error.storedThroughSeq };
    if (isStoreRejection(error)) {
      return { storedThroughSeq: await storedThroughSeq(this.options.db, caseId), refusal: error.message };
    }
    return undefined;
  }

  /** Signals the run that made the write; a run that has ended wrote everything at its end. */
  private async tell(info: WorkflowInfo, what: 'accepted' | 'failed', failure?: StoreWriteFailure): Promise<void> {
    const handle = this.options.client.getHandle(info.workflowId, info.runId);
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        if (what === 'failed') await handle.signal(storeWriteFailedSignal, failure!);
        else await handle.signal(storeWriteAcceptedSignal);
        return;
      } catch (error) {
        if (isRunGone(error) || attempt === 5) {
          this.options.logger.warn({ caseId: info.workflowId, runId: info.runId, error: String(error) }, `could not tell the case its write was ${what}`);
          return;
        }
        await sleep(RETRY_INITIAL_MS * 2 ** attempt);
      }
    }
  }
}

function isRunGone(error: unknown): boolean {
  return error instanceof Error && (error.name === 'WorkflowNotFoundError' || /not found|already completed/i.test(error.message));
}
