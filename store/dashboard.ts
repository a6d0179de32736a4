import { sql, type RawBuilder } from 'kysely';
import { FINISHED_STATUSES } from '../domain/types';
import type { Db } from './database';
import type { ReportWindow } from './reports';

/**
 * The SQL of the director's dashboard (/v1/reports/dashboard): the same read model as the KPI
 * reports (store/reports.ts), grouped by local day, narrowed by the dashboard's filters. A case
 * belongs to a day by the local date it was opened on (closed cases: the date it was closed on).
 */

/** The dashboard's filters; absent fields do not narrow. `tier` is the team (the tier's queue). */
export interface DashboardFilter {
  carrier?: string;
  region?: string;
  type?: string;
  tier?: number;
}

type Row = Record<string, unknown>;

const CLOCKS = sql`(CASE WHEN jsonb_typeof(c.snapshot->'clocks') = 'array' THEN c.snapshot->'clocks' ELSE '[]'::jsonb END)`;
const EARLIER_FEEDBACK = sql`(CASE WHEN jsonb_typeof(c.snapshot->'earlierFeedback') = 'array' THEN c.snapshot->'earlierFeedback' ELSE '[]'::jsonb END)`;
const SCORE = sql`(c.snapshot->'feedback'->>'score')::int`;
const localDay = (column: RawBuilder<unknown>, window: ReportWindow) =>
  sql`to_char((${column} + make_interval(mins => ${window.utcOffsetMinutes}::int)) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
const inWindow = (window: ReportWindow, column: RawBuilder<unknown>) => sql`${column} >= ${window.start} AND ${column} < ${window.end}`;

/** The filter as a SQL condition on `cases c` (always true without filters). */
function matches(filter: DashboardFilter): RawBuilder<unknown> {
  const conditions: RawBuilder<unknown>[] = [sql`true`];
  if (filter.carrier !== undefined) conditions.push(sql`c.carrier = ${filter.carrier}`);
  if (filter.region !== undefined) conditions.push(sql`c.region = ${filter.region}`);
  if (filter.type !== undefined) conditions.push(sql`c.type = ${filter.type}`);
  if (filter.tier !== undefined) conditions.push(sql`c.tier = ${filter.tier}`);
  return sql.join(conditions, sql` AND `);
}

/** Cases opened (by opened_at) and closed (by closed_at) per local day and type. */
export async function dashboardCaseFlowRows(db: Db, window: ReportWindow, filter: DashboardFilter): Promise<Row[]> {
  const result = await sql<Row>`
    SELECT 'opened' AS kind, ${localDay(sql`c.opened_at`, window)} AS day, c.type, count(*)::int AS cases
    FROM cases c WHERE ${inWindow(window, sql`c.opened_at`)} AND ${matches(filter)} GROUP BY 2, 3
    UNION ALL
    SELECT 'closed' AS kind, ${localDay(sql`c.closed_at`, window)} AS day, c.type, count(*)::int AS cases
    FROM cases c WHERE c.closed_at IS NOT NULL AND ${inWindow(window, sql`c.closed_at`)} AND ${matches(filter)} GROUP BY 2, 3`.execute(db);
  return result.rows;
}

/**
 * Per local day and carrier, over the cases opened that day: cases, scored and satisfied cases,
 * complaints (a score at or below the low-score threshold, now or in an earlier round).
 */
export async function dashboardDayRows(
  db: Db,
  window: ReportWindow,
  filter: DashboardFilter,
  settings: { lowScoreThreshold: number; satisfiedFrom: number },
): Promise<Row[]> {
  const result = await sql<Row>`
    WITH d AS (
      SELECT ${localDay(sql`c.opened_at`, window)} AS day, c.carrier, ${SCORE} AS score,
             (COALESCE(${SCORE} <= ${settings.lowScoreThreshold}, false) OR EXISTS (
                SELECT 1 FROM jsonb_array_elements(${EARLIER_FEEDBACK}) f WHERE (f->>'score')::int <= ${settings.lowScoreThreshold})) AS complaint
      FROM cases c WHERE ${inWindow(window, sql`c.opened_at`)} AND ${matches(filter)}
    )
    SELECT day, carrier, count(*)::int AS cases, count(score)::int AS scored,
           (count(*) FILTER (WHERE score >= ${settings.satisfiedFrom}))::int AS satisfied,
           (count(*) FILTER (WHERE complaint))::int AS complaints
    FROM d GROUP BY day, carrier`.execute(db);
  return result.rows;
}

/** Per local day (opened) and clock: clocks started on the cases of that day, and how many breached. */
export async function dashboardClockDayRows(db: Db, window: ReportWindow, filter: DashboardFilter): Promise<Row[]> {
  const result = await sql<Row>`
    SELECT ${localDay(sql`c.opened_at`, window)} AS day, k->>'name' AS clock, count(*)::int AS started,
           (count(*) FILTER (WHERE COALESCE((k->>'breached')::boolean, false)))::int AS breached
    FROM cases c CROSS JOIN LATERAL jsonb_array_elements(${CLOCKS}) AS k
    WHERE ${inWindow(window, sql`c.opened_at`)} AND ${matches(filter)}
    GROUP BY 1, 2`.execute(db);
  return result.rows;
}

/**
 * The KPI totals of the cases opened in the window, as one row: cases, resolved, scored,
 * satisfied, complaints, damaged; p50 of the stopped first-response, handling and resolution
 * clocks; clocks started and breached.
 */
export async function dashboardKpiRow(
  db: Db,
  window: ReportWindow,
  filter: DashboardFilter,
  settings: { lowScoreThreshold: number; satisfiedFrom: number },
): Promise<Row> {
  const stopped = (name: string) =>
    sql`(SELECT (k->>'elapsedMs')::float8 FROM jsonb_array_elements(${CLOCKS}) k WHERE k->>'name' = ${name} AND k->>'state' = 'stopped' LIMIT 1)`;
  const result = await sql<Row>`
    WITH k AS (
      SELECT c.type, c.resolved_at, ${SCORE} AS score,
             (COALESCE(${SCORE} <= ${settings.lowScoreThreshold}, false) OR EXISTS (
                SELECT 1 FROM jsonb_array_elements(${EARLIER_FEEDBACK}) f WHERE (f->>'score')::int <= ${settings.lowScoreThreshold})) AS complaint,
             ${stopped('firstResponse')} AS first_response, ${stopped('handling')} AS handling, ${stopped('resolution')} AS resolution,
             (SELECT count(*) FROM jsonb_array_elements(${CLOCKS}) x)::int AS clocks,
             (SELECT count(*) FROM jsonb_array_elements(${CLOCKS}) x WHERE COALESCE((x->>'breached')::boolean, false))::int AS clocks_breached
      FROM cases c WHERE ${inWindow(window, sql`c.opened_at`)} AND ${matches(filter)}
    )
    SELECT count(*)::int AS cases,
           (count(*) FILTER (WHERE resolved_at IS NOT NULL))::int AS resolved,
           count(score)::int AS scored,
           (count(*) FILTER (WHERE score >= ${settings.satisfiedFrom}))::int AS satisfied,
           (count(*) FILTER (WHERE complaint))::int AS complaints,
           (count(*) FILTER (WHERE type = 'DAMAGED'))::int AS damaged,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY first_response) AS first_response_p50,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY handling) AS handling_p50,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY resolution) AS resolution_p50,
           COALESCE(sum(clocks), 0)::int AS clocks, COALESCE(sum(clocks_breached), 0)::int AS clocks_breached
    FROM k`.execute(db);
  return result.rows[0] ?? {};
}

/** When a tracking event occurred by the carrier's clock (its received time when that is unreadable), as in store/reports.ts. */
const EVENT_AT = sql`(CASE WHEN e.payload->>'occurredAt' ~ '^\\d{4}-\\d{2}-\\d{2}T' THEN (e.payload->>'occurredAt')::timestamptz ELSE e.received_at END)`;

/**
 * Tracking freshness per local day and carrier: `tracked` = parcels with a tracking event that
 * day, `fresh` = those whose every event that day came at most 24 h after the parcel's previous
 * event (whenever that was; a parcel's first event is fresh).
 */
export async function freshnessDayRows(db: Db, window: ReportWindow): Promise<Row[]> {
  const result = await sql<Row>`
    WITH ev AS (
      SELECT e.payload->>'carrier' AS carrier, e.waybill_no, ${EVENT_AT} AS at FROM inbound_events e
    ), touched AS (
      SELECT DISTINCT carrier, waybill_no FROM ev WHERE ${inWindow(window, sql`at`)}
    ), gaps AS (
      SELECT ev.carrier, ev.waybill_no, ev.at, ev.at - lag(ev.at) OVER (PARTITION BY ev.carrier, ev.waybill_no ORDER BY ev.at) AS gap
      FROM ev JOIN touched t ON t.carrier = ev.carrier AND t.waybill_no = ev.waybill_no
    ), parcels AS (
      SELECT carrier, waybill_no, ${localDay(sql`at`, window)} AS day, COALESCE(max(gap) <= interval '24 hours', true) AS fresh
      FROM gaps WHERE ${inWindow(window, sql`at`)} GROUP BY 1, 2, 3
    )
    SELECT day, carrier, count(*)::int AS tracked, (count(*) FILTER (WHERE fresh))::int AS fresh FROM parcels GROUP BY day, carrier`.execute(db);
  return result.rows;
}

/**
 * Open cases (not yet resolved) matching the filter whose SLA has breached, or whose next SLA
 * deadline falls before `dueBefore`: breached first, then by deadline.
 */
export async function atRiskCaseRows(db: Db, filter: DashboardFilter, dueBefore: Date, limit: number) {
  const finished = sql.join(FINISHED_STATUSES.map((status) => sql.lit(status)));
  const result = await sql<{
    case_id: string;
    type: string;
    status: string;
    priority: string;
    tier: number;
    assignee: string;
    carrier: string;
    region: string | null;
    sla_due_at: Date | null;
    sla_breached: boolean;
  }>`
    SELECT c.case_id, c.type, c.status, c.priority, c.tier, c.assignee, c.carrier, c.region, c.sla_due_at, c.sla_breached
    FROM cases c
    WHERE c.status NOT IN (${finished}) AND ${matches(filter)}
      AND (c.sla_breached OR (c.sla_due_at IS NOT NULL AND c.sla_due_at < ${dueBefore}))
    ORDER BY c.sla_breached DESC, c.sla_due_at ASC NULLS LAST, c.case_id
    LIMIT ${limit}`.execute(db);
  return result.rows;
}

/** The regions of the cases opened in the window, for the dashboard's region filter (the most used first). */
export async function caseRegions(db: Db, window: Pick<ReportWindow, 'start' | 'end'>, limit: number): Promise<string[]> {
  const result = await sql<{ region: string }>`
    SELECT region FROM cases WHERE region IS NOT NULL AND opened_at >= ${window.start} AND opened_at < ${window.end}
    GROUP BY region ORDER BY count(*) DESC, region LIMIT ${limit}`.execute(db);
  return result.rows.map((row) => row.region);
}
