import { z } from 'zod';
import { ConfigError, formatZodIssues } from './errors';

/**
 * When a case counts as stuck (docs/stuck-cases.md): the thresholds of the stuck-cases report,
 * of the `cases_stuck` gauge and of the ops CLI's `cases stuck`. Read from the environment and
 * validated like the platform settings.
 */
export interface StuckCaseSettings {
  /**
   * A workflow whose pending workflow task is at this attempt or later is failing, not unlucky:
   * one failed or timed-out task is retried at once and usually passes (a worker restart, a
   * deploy); the same task failing again and again never heals by itself.
   */
  workflowTaskAttempts: number;
  /**
   * How long past its own deadline (the nearest SLA due time, or the end of the survey window)
   * a case may go without a write before it counts as overdue. Timers fire late by seconds
   * under load; an hour late is a case nobody is moving.
   */
  overdueGraceMs: number;
  /** How long one sweep of Temporal and the read model is reused by /metrics scrapes (ms). */
  cacheMs: number;
  /** Describe calls in flight at once during a sweep: bounded so a sweep never floods the frontend. */
  describeConcurrency: number;
}

const count = (name: string) => z.coerce.number({ error: `${name} must be a number` }).int(`${name} must be a whole number`);

const stuckEnv = z.object({
  STUCK_WORKFLOW_TASK_ATTEMPTS: count('STUCK_WORKFLOW_TASK_ATTEMPTS').min(2, 'STUCK_WORKFLOW_TASK_ATTEMPTS must be at least 2').default(3),
  STUCK_OVERDUE_GRACE_MS: count('STUCK_OVERDUE_GRACE_MS')
    .min(0, 'STUCK_OVERDUE_GRACE_MS must be 0 or more')
    .default(15 * 60_000),
  STUCK_CASES_CACHE_MS: count('STUCK_CASES_CACHE_MS').min(0).max(600_000, 'STUCK_CASES_CACHE_MS must be at most 600000').default(30_000),
  STUCK_DESCRIBE_CONCURRENCY: count('STUCK_DESCRIBE_CONCURRENCY').min(1).max(64, 'STUCK_DESCRIBE_CONCURRENCY must be at most 64').default(8),
});

/** `env` holds only the variables that are set (empty values already dropped by loadConfig). */
export function loadStuckCaseSettings(env: Record<string, string | undefined>): StuckCaseSettings {
  const parsed = stuckEnv.safeParse(env);
  if (!parsed.success) throw new ConfigError(`Invalid configuration:\n${formatZodIssues(parsed.error)}`);
  const e = parsed.data;
  return {
    workflowTaskAttempts: e.STUCK_WORKFLOW_TASK_ATTEMPTS,
    overdueGraceMs: e.STUCK_OVERDUE_GRACE_MS,
    cacheMs: e.STUCK_CASES_CACHE_MS,
    describeConcurrency: e.STUCK_DESCRIBE_CONCURRENCY,
  };
}
