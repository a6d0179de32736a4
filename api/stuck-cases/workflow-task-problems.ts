import type { Client } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';

/**
 * Running workflows whose workflow task fails or times out attempt after attempt: a
 * nondeterminism error after a deploy, a plain Error thrown in workflow code, a task that never
 * finishes. Temporal retries such a task for ever and the case stands still, with nothing in its
 * status to say so.
 *
 * The Temporal server this project runs (1.29.1, in the CLI v1.5.1 dev server and in the cluster)
 * predates the `TemporalReportedProblems` search attribute (server 1.30), so no visibility query
 * can find these workflows. The one signal it has is the pending workflow task's attempt in
 * DescribeWorkflowExecution, so every running workflow is described, a bounded number at a time.
 * The cause comes from the history: the server writes the first failed or timed-out attempt as an
 * event and keeps the later attempts transient, so the newest WorkflowTaskFailed/TimedOut event
 * is the failure that started the run of attempts.
 */

export interface WorkflowTaskProblem {
  workflowId: string;
  runId: string;
  workflowType: string;
  /** The parent's workflow id, when a child workflow (a claim settlement) is the one failing. */
  parentWorkflowId?: string;
  /** The pending workflow task's attempt: 3 means it failed or timed out twice before. */
  attempts: number;
  /** When the first attempt of the failing task was scheduled. */
  since: Date;
  /** What the newest failed attempt in the history said (decoded: failure messages are encrypted). */
  lastFailure: string;
}

export interface ProblemSweepOptions {
  /** Pending workflow task attempt at which a workflow counts (config/stuck-cases.ts). */
  minAttempts: number;
  /** Describe calls in flight at once. */
  concurrency: number;
}

/** Failure texts are cut here: a stack trace is for the history view, the listing names the cause. */
const FAILURE_TEXT_LIMIT = 500;
/** History pages read backwards looking for the failure before giving up (signals may follow it). */
const HISTORY_PAGES = 3;

const { WorkflowTaskFailedCause, TimeoutType } = temporal.api.enums.v1;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export async function findWorkflowTaskProblems(client: Client, options: ProblemSweepOptions): Promise<WorkflowTaskProblem[]> {
  const running: Array<{ workflowId: string; runId: string; type: string }> = [];
  for await (const execution of client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
    running.push({ workflowId: execution.workflowId, runId: execution.runId, type: execution.type });
  }
  const found: WorkflowTaskProblem[] = [];
  let next = 0;
  const describeNext = async (): Promise<void> => {
    while (next < running.length) {
      const execution = running[next++] as (typeof running)[number];
      const problem = await describeProblem(client, execution, options.minAttempts).catch(() => undefined);
      if (problem) found.push(problem);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, running.length) }, describeNext));
  return found.sort((a, b) => a.since.getTime() - b.since.getTime());
}

/** The workflow's problem, or undefined when its task is healthy (or it finished meanwhile). */
async function describeProblem(
  client: Client,
  execution: { workflowId: string; runId: string; type: string },
  minAttempts: number,
): Promise<WorkflowTaskProblem | undefined> {
  const { namespace } = client.options;
  const described = await client.workflowService.describeWorkflowExecution({
    namespace,
    execution: { workflowId: execution.workflowId, runId: execution.runId },
  });
  const pending = described.pendingWorkflowTask;
  const attempts = pending?.attempt ?? 0;
  if (!pending || attempts < minAttempts) return undefined;
  const parentWorkflowId = described.workflowExecutionInfo?.parentExecution?.workflowId ?? undefined;
  const sinceMs = optionalTsToMs(pending.originalScheduledTime) ?? optionalTsToMs(pending.scheduledTime) ?? Date.now();
  return {
    workflowId: execution.workflowId,
    runId: execution.runId,
    workflowType: execution.type,
    ...(parentWorkflowId ? { parentWorkflowId } : {}),
    attempts,
    since: new Date(sinceMs),
    lastFailure: await lastWorkflowTaskFailure(client, execution),
  };
}

/** The newest WorkflowTaskFailed or WorkflowTaskTimedOut event of the run, as one line of text. */
async function lastWorkflowTaskFailure(client: Client, execution: { workflowId: string; runId: string }): Promise<string> {
  const { namespace } = client.options;
  let nextPageToken: Uint8Array | undefined;
  for (let page = 0; page < HISTORY_PAGES; page++) {
    const response = await client.workflowService.getWorkflowExecutionHistoryReverse({
      namespace,
      execution,
      maximumPageSize: 100,
      ...(nextPageToken ? { nextPageToken } : {}),
    });
    for (const event of response.history?.events ?? []) {
      const text = await failureText(client, event);
      if (text !== undefined) return text.slice(0, FAILURE_TEXT_LIMIT);
    }
    if (!response.nextPageToken?.length) break;
    nextPageToken = response.nextPageToken;
  }
  return 'no workflow task failure in the recent history';
}

async function failureText(client: Client, event: HistoryEvent): Promise<string | undefined> {
  const failed = event.workflowTaskFailedEventAttributes;
  if (failed) {
    const cause = WorkflowTaskFailedCause[failed.cause ?? 0] ?? 'UNSPECIFIED';
    // Failure messages travel encrypted (codec/failure-converter.ts): decode to read one.
    const error = await decodeOptionalFailureToOptionalError(client.workflow.options.loadedDataConverter, failed.failure).catch(() => undefined);
    const message = error?.message ?? failed.failure?.message ?? '';
    return `workflow task failed (${cause.replace(/^WORKFLOW_TASK_FAILED_CAUSE_/, '')})${message ? `: ${message}` : ''}`;
  }
  const timedOut = event.workflowTaskTimedOutEventAttributes;
  if (timedOut) {
    const type = (TimeoutType[timedOut.timeoutType ?? 0] ?? 'UNSPECIFIED').replace(/^TIMEOUT_TYPE_/, '');
    return `workflow task timed out (${type}): the worker did not complete it in time`;
  }
  return undefined;
}
