import type { Client } from '@temporalio/client';
import type { StuckCaseSettings } from '../../config/stuck-cases';
import type { Db } from '../../store/database';
import { caseSummaries, overdueCases } from '../../store/stuck-cases';
import { findWorkflowTaskProblems, type WorkflowTaskProblem } from './workflow-task-problems';

/**
 * Stuck cases, seen rather than discovered (issue 24 item 3): one list for the report
 * (GET /v1/reports/stuck-cases), the ops CLI's `cases stuck` and the `cases_stuck` gauge.
 *
 * - `workflow-task-failing`: Temporal retries a workflow task of the case for ever (see
 *   ./workflow-task-problems.ts); nothing the case waits for can happen until the code is fixed.
 * - `overdue`: the case let its own deadline pass by more than the grace without a write
 *   (store/stuck-cases.ts); its timer did not fire, or its workflow cannot run.
 *
 * A case failing both ways is listed once, as failing: that is the cause, the overdue deadline
 * its effect.
 */

export const STUCK_REASONS = ['workflow-task-failing', 'overdue'] as const;
export type StuckReason = (typeof STUCK_REASONS)[number];

interface StuckCase {
  /** The case, or null for a workflow that belongs to no case (the watchlist, an outbox). */
  caseId: string | null;
  /** The Temporal workflow that is failing (the case's own, or a child such as a claim). */
  workflowId: string | null;
  workflowType: string | null;
  /** From the read model; null when it holds no row for the case. */
  type: string | null;
  status: string | null;
  reason: StuckReason;
  /** When the first failing attempt was scheduled, or the deadline the case let pass. */
  since: string;
  /** Workflow task attempts so far (0 for an overdue case whose task is not failing). */
  attempts: number;
  /** What the newest failed attempt said, or which deadline passed. */
  lastFailure: string;
}

export interface StuckCasesReport {
  report: 'stuck-cases';
  generatedAt: string;
  thresholds: { workflowTaskAttempts: number; overdueGraceMs: number };
  counts: Record<StuckReason, number>;
  cases: StuckCase[];
}

export interface StuckCasesDependencies {
  db: Db;
  temporal: Client;
  settings: StuckCaseSettings;
  /** The survey window of the SLA policy (feedback.windowMs). */
  feedbackWindowMs: number;
  now?: () => Date;
}

/** Overdue rows read at most; the report is a work list, not an export. */
const OVERDUE_LIMIT = 1_000;
/** A case's workflow id, or a child's (`CASE-…/claim-1`): the case id leads. */
const CASE_ID = /^(CASE-\d{8}-[0-9A-Z]{8})(?:\/|$)/;

export class StuckCases {
  private cached: CachedSweep | undefined;

  constructor(private readonly deps: StuckCasesDependencies) {}

  /** A fresh sweep: what the report route and the CLI show. */
  async report(): Promise<StuckCasesReport> {
    const now = this.deps.now?.() ?? new Date();
    const { settings } = this.deps;
    const [problems, overdue] = await Promise.all([
      findWorkflowTaskProblems(this.deps.temporal, { minAttempts: settings.workflowTaskAttempts, concurrency: settings.describeConcurrency }),
      overdueCases(this.deps.db, { now, graceMs: settings.overdueGraceMs, feedbackWindowMs: this.deps.feedbackWindowMs, limit: OVERDUE_LIMIT }),
    ]);
    const caseIds = problems.map(caseIdOf).filter((id): id is string => id !== null);
    const rows = await caseSummaries(this.deps.db, caseIds);
    const failing: StuckCase[] = problems.map((problem) => {
      const caseId = caseIdOf(problem);
      const row = caseId ? rows.get(caseId) : undefined;
      return {
        caseId,
        workflowId: problem.workflowId,
        workflowType: problem.workflowType,
        type: row?.type ?? null,
        status: row?.status ?? null,
        reason: 'workflow-task-failing',
        since: problem.since.toISOString(),
        attempts: problem.attempts,
        lastFailure: problem.lastFailure,
      };
    });
    const failingIds = new Set(caseIds);
    const late: StuckCase[] = overdue
      .filter((row) => !failingIds.has(row.caseId))
      .map((row) => ({
        caseId: row.caseId,
        workflowId: row.caseId,
        workflowType: null,
        type: row.type,
        status: row.status,
        reason: 'overdue',
        since: row.deadline.toISOString(),
        attempts: 0,
        lastFailure: `deadline ${row.deadline.toISOString()} passed with no write since ${row.updatedAt.toISOString()}`,
      }));
    return {
      report: 'stuck-cases',
      generatedAt: now.toISOString(),
      thresholds: { workflowTaskAttempts: settings.workflowTaskAttempts, overdueGraceMs: settings.overdueGraceMs },
      counts: { 'workflow-task-failing': failing.length, overdue: late.length },
      cases: [...failing, ...late],
    };
  }

  /**
   * The counts for the gauge, from a sweep at most `cacheMs` old: every scrape of every
   * Prometheus would otherwise describe every running workflow. Concurrent scrapes share a sweep,
   * and a sweep still running (Temporal slow or down) is awaited, never doubled.
   */
  async counts(): Promise<Record<StuckReason, number>> {
    const at = Date.now();
    const stale = !this.cached || (this.cached.settled && at - this.cached.at >= this.deps.settings.cacheMs);
    if (stale) {
      const entry: CachedSweep = { at, settled: false, report: this.report() };
      this.cached = entry;
      entry.report.then(
        () => {
          entry.settled = true;
        },
        () => {
          // A failed sweep is not kept: the next scrape tries again.
          if (this.cached === entry) this.cached = undefined;
        },
      );
    }
    return (await (this.cached as CachedSweep).report).counts;
  }
}

interface CachedSweep {
  at: number;
  settled: boolean;
  report: Promise<StuckCasesReport>;
}

/** The case a failing workflow holds up: its own id, or its parent's (a claim settlement's case). */
function caseIdOf(problem: WorkflowTaskProblem): string | null {
  return CASE_ID.exec(problem.workflowId)?.[1] ?? (problem.parentWorkflowId ? (CASE_ID.exec(problem.parentWorkflowId)?.[1] ?? null) : null);
}
