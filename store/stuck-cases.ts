import { sql } from 'kysely';
import { TERMINAL_STATUSES } from '../domain/types';
import type { Db } from './database';

/**
 * The read model's half of the stuck-cases report (api/stuck-cases/): open cases that did not
 * move past their own deadline, and the type and status of cases Temporal names by id.
 */

export interface OverdueCaseRow {
  caseId: string;
  type: string;
  status: string;
  /** The deadline the case let pass without a write. */
  deadline: Date;
  /** The case's last write to the read model. */
  updatedAt: Date;
}

export interface OverdueQuery {
  now: Date;
  /** How far past its deadline a case may be before it counts (config/stuck-cases.ts). */
  graceMs: number;
  /** The survey window (policy feedback.windowMs): a case awaiting feedback closes itself by then. */
  feedbackWindowMs: number;
  limit: number;
}

/**
 * A case's own deadline is the next moment its workflow must act by itself: the nearest SLA due
 * time, or, awaiting feedback, the end of the survey window (counted from the resolution, which
 * the survey follows at once). Only a deadline later than the case's last write counts: a clock
 * that already breached keeps its due time in the past, but the breach was written, so the case
 * did move. A case overdue by more than the grace has let its deadline pass without a write —
 * its timer never fired, or its workflow cannot run.
 */
export async function overdueCases(db: Db, query: OverdueQuery): Promise<OverdueCaseRow[]> {
  const deadline = sql<Date>`LEAST(
      CASE WHEN sla_due_at > updated_at THEN sla_due_at END,
      CASE WHEN status = 'AWAITING_FEEDBACK' AND resolved_at IS NOT NULL
                AND resolved_at + make_interval(secs => ${query.feedbackWindowMs / 1000}::float8) > updated_at
           THEN resolved_at + make_interval(secs => ${query.feedbackWindowMs / 1000}::float8) END)`;
  const cutoff = new Date(query.now.getTime() - query.graceMs);
  const rows = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('cases')
        .select(['case_id', 'type', 'status', 'updated_at', deadline.as('deadline')])
        .where('status', 'not in', TERMINAL_STATUSES)
        .as('c'),
    )
    .selectAll()
    .where('deadline', '<', cutoff)
    .orderBy('deadline')
    .limit(query.limit)
    .execute();
  return rows.map((row) => ({
    caseId: row.case_id,
    type: row.type,
    status: row.status,
    deadline: new Date(row.deadline),
    updatedAt: new Date(row.updated_at),
  }));
}

export interface CaseSummaryRow {
  caseId: string;
  type: string;
  status: string;
}

/** Type and status of the named cases that the read model holds (absent ids are left out). */
export async function caseSummaries(db: Db, caseIds: readonly string[]): Promise<Map<string, CaseSummaryRow>> {
  if (caseIds.length === 0) return new Map();
  const rows = await db.selectFrom('cases').select(['case_id', 'type', 'status']).where('case_id', 'in', caseIds).execute();
  return new Map(rows.map((row) => [row.case_id, { caseId: row.case_id, type: row.type, status: row.status }]));
}
