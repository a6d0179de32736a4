import { z } from 'zod';
import { ConfigError, formatZodIssues } from './errors';

/**
 * The case worker's capacity settings (worker/create-worker.ts), from the environment so an
 * operator sizes a worker to its host without a rebuild. The defaults are the ones
 * `npm run bench:scale` measured on this project's 2-core machine (README → Benchmarks → Scale
 * gives the figures and the reasons).
 */

export interface WorkerSettings {
  /** WORKER_MAX_CACHED_WORKFLOWS: workflows kept in memory between their tasks (sticky cache). */
  maxCachedWorkflows: number;
  /** WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: workflow tasks run at once. */
  maxConcurrentWorkflowTaskExecutions: number;
  /** WORKER_MAX_CONCURRENT_ACTIVITIES: activities run at once. */
  maxConcurrentActivityTaskExecutions: number;
  /** WORKER_WORKFLOW_POLLERS: concurrent long polls for workflow tasks (sticky and normal queue together). */
  maxConcurrentWorkflowTaskPolls: number;
  /** WORKER_ACTIVITY_POLLERS: concurrent long polls for activity tasks. */
  maxConcurrentActivityTaskPolls: number;
  /** WORKER_STICKY_QUEUE_TIMEOUT_MS: how long a task waits on a dead worker's sticky queue before any worker may take it. */
  stickyQueueScheduleToStartTimeoutMs: number;
}

export const DEFAULT_WORKER_SETTINGS: WorkerSettings = {
  // Cases idle for hours between tasks, so the cache only has to hold the ones in motion. Measured:
  // a cached case costs ~0.85 MiB of RSS, and with 1,000 the worker held 1.09–1.19 GiB (peak
  // 1.34 GiB), over the 1 GiB goal; with 500 it levelled off at ~0.94 GiB, still serving 99 % of
  // a case's later tasks from the cache. An evicted case replays its short history on its next
  // task, hours later for an idle one.
  maxCachedWorkflows: 500,
  // Workflows run on one workflow thread: a task started waits for the CPU behind every other
  // started task, and a worker that dies loses every started task to its 10 s time-out (after
  // which Temporal refuses updates and backs off). With 8 instead of the SDK's 40, the chaos run's
  // workflow tasks took 0.30 s at p50 instead of 0.84 s (p90 0.68 s instead of 3.4 s), and 81
  // cases had closed by +533 s instead of 51 (docs/benchmarks.md, Worker settings).
  maxConcurrentWorkflowTaskExecutions: 8,
  // The SDK's default; at most ~50 were in use (notifications retried against WeCom's rate limit).
  maxConcurrentActivityTaskExecutions: 100,
  // The SDK's defaults: with every slot in use Core stops polling, so pollers were never the limit.
  maxConcurrentWorkflowTaskPolls: 10,
  maxConcurrentActivityTaskPolls: 10,
  // A worker that dies leaves its cached cases' next tasks on its sticky queue until this time-out;
  // the SDK's 10 s is most of the chaos run's 15 s recovery goal. A live worker takes them in
  // milliseconds (the scale bench saw 13 sticky misses in 7,345 workflow tasks).
  stickyQueueScheduleToStartTimeoutMs: 3_000,
};

const positive = (name: string, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be at least 1`)
    .max(max, `${name} must be at most ${max}`);

const workerEnv = z.object({
  WORKER_MAX_CACHED_WORKFLOWS: positive('WORKER_MAX_CACHED_WORKFLOWS', 1_000_000).default(DEFAULT_WORKER_SETTINGS.maxCachedWorkflows),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: positive('WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', 10_000).default(
    DEFAULT_WORKER_SETTINGS.maxConcurrentWorkflowTaskExecutions,
  ),
  WORKER_MAX_CONCURRENT_ACTIVITIES: positive('WORKER_MAX_CONCURRENT_ACTIVITIES', 10_000).default(DEFAULT_WORKER_SETTINGS.maxConcurrentActivityTaskExecutions),
  // The SDK needs at least 2 workflow pollers once a sticky queue is in use (one sticky, one normal).
  WORKER_WORKFLOW_POLLERS: positive('WORKER_WORKFLOW_POLLERS', 1_000)
    .min(2, 'WORKER_WORKFLOW_POLLERS must be at least 2')
    .default(DEFAULT_WORKER_SETTINGS.maxConcurrentWorkflowTaskPolls),
  WORKER_ACTIVITY_POLLERS: positive('WORKER_ACTIVITY_POLLERS', 1_000).default(DEFAULT_WORKER_SETTINGS.maxConcurrentActivityTaskPolls),
  WORKER_STICKY_QUEUE_TIMEOUT_MS: positive('WORKER_STICKY_QUEUE_TIMEOUT_MS', 600_000).default(DEFAULT_WORKER_SETTINGS.stickyQueueScheduleToStartTimeoutMs),
});

/** `env` holds only the variables that are set (empty values already dropped by loadConfig). */
export function loadWorkerSettings(env: Record<string, string | undefined>): WorkerSettings {
  const parsed = workerEnv.safeParse(env);
  if (!parsed.success) throw new ConfigError(`Invalid configuration:\n${formatZodIssues(parsed.error)}`);
  const e = parsed.data;
  return {
    maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentWorkflowTaskExecutions: e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxConcurrentActivityTaskExecutions: e.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTaskPolls: e.WORKER_WORKFLOW_POLLERS,
    maxConcurrentActivityTaskPolls: e.WORKER_ACTIVITY_POLLERS,
    stickyQueueScheduleToStartTimeoutMs: e.WORKER_STICKY_QUEUE_TIMEOUT_MS,
  };
}
