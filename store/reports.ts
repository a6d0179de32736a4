import { sql, type RawBuilder } from 'kysely';
import { TERMINAL_STATUSES } from '../domain/types';
import type { Db } from './database';

/**
 * The SQL of the KPI reports over the read model: the `cases` rows and their snapshot (SLA clocks
 * with elapsed time and breach, feedback, reopens), the claims and supplier follow-up tables, and
 * the recorded tracking events. Each function answers the grouped rows as PostgreSQL computes
 * them; api/reports/ turns them into figures. A case belongs to a range by the local date it was
 * opened on; a supplier follow-up by the date it started; a tracking event by when it occurred.
 */

/** A report's range as instants, [start, end), and the business time zone's offset for local days. */
export interface ReportWindow {
  start: Date;
  end: Date;
  utcOffsetMinutes: number;
}

/** The report policy's figures that the SQL itself compares against. */
export interface ReportThresholds {
  /** Scores at or below this reopen a case: a complaint. */
  lowScoreThreshold: number;
  /** Scores from this up count as satisfied. */
  satisfiedFrom: number;
  /** A case of the same customer and order within this many days before is a repeat contact. */
  repeatContactDays: number;
}

type Row = Record<string, unknown>;

const inRange = (range: ReportWindow, column: RawBuilder<unknown>): RawBuilder<unknown> => sql`${column} >= ${range.start} AND ${column} < ${range.end}`;

/** The clocks array of a snapshot, or an empty one (a row written before the workflow saved any). */
const CLOCKS = sql`(CASE WHEN jsonb_typeof(c.snapshot->'clocks') = 'array' THEN c.snapshot->'clocks' ELSE '[]'::jsonb END)`;
const EARLIER_FEEDBACK = sql`(CASE WHEN jsonb_typeof(c.snapshot->'earlierFeedback') = 'array' THEN c.snapshot->'earlierFeedback' ELSE '[]'::jsonb END)`;
const SCORE = sql`(c.snapshot->'feedback'->>'score')::int`;
/** The statuses of a case that is over (domain/types), as a SQL list. */
const terminal = sql.join(TERMINAL_STATUSES.map((status) => sql.lit(status)));
/** The local date (business time zone) of an instant, as YYYY-MM-DD. */
const localDay = (column: RawBuilder<unknown>, range: ReportWindow) =>
  sql`to_char((${column} + make_interval(mins => ${range.utcOffsetMinutes}::int)) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
/** When a tracking event occurred by the carrier's clock (its received time when that is unreadable). */
const EVENT_AT = sql`(CASE WHEN e.payload->>'occurredAt' ~ '^\\d{4}-\\d{2}-\\d{2}T' THEN (e.payload->>'occurredAt')::timestamptz ELSE e.received_at END)`;

/** SLA clocks of the cases opened in the range, per (clock, type, priority) and per clock (`level` 1). */
export async function slaClockRows(db: Db, range: ReportWindow): Promise<Row[]> {
  const result = await sql<Row>`
    WITH clk AS (
      SELECT c.type, c.priority, k->>'name' AS clock, k->>'state' AS state,
             (k->>'elapsedMs')::float8 AS elapsed, COALESCE((k->>'breached')::boolean, false) AS breached
      FROM cases c CROSS JOIN LATERAL jsonb_array_elements(${CLOCKS}) AS k
      WHERE ${inRange(range, sql`c.opened_at`)}
    )
    SELECT clock, type, priority, GROUPING(type, priority) AS level,
           count(*)::int AS started,
           (count(*) FILTER (WHERE state = 'stopped'))::int AS completed,
           (count(*) FILTER (WHERE breached))::int AS breached,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY elapsed) FILTER (WHERE state = 'stopped') AS p50,
           percentile_disc(0.9) WITHIN GROUP (ORDER BY elapsed) FILTER (WHERE state = 'stopped') AS p90,
           max(elapsed) FILTER (WHERE state = 'stopped') AS max
    FROM clk
    GROUP BY GROUPING SETS ((clock, type, priority), (clock))
    ORDER BY clock, type, priority`.execute(db);
  return result.rows;
}

/** Cases opened in the range per carrier and type, resolved and resolved within the resolution clock. */
export async function carrierCaseRows(db: Db, range: ReportWindow): Promise<Row[]> {
  const result = await sql<Row>`
    SELECT c.carrier, c.type, count(*)::int AS cases,
           (count(*) FILTER (WHERE c.resolved_at IS NOT NULL))::int AS resolved,
           (count(*) FILTER (WHERE c.resolved_at IS NOT NULL AND NOT EXISTS (
              SELECT 1 FROM jsonb_array_elements(${CLOCKS}) k
              WHERE k->>'name' = 'resolution' AND COALESCE((k->>'breached')::boolean, false))))::int AS resolved_on_time
    FROM cases c WHERE ${inRange(range, sql`c.opened_at`)}
    GROUP BY c.carrier, c.type`.execute(db);
  return result.rows;
}

/** Claims of the cases opened in the range per carrier: how many, claimed and paid (fen). */
export async function carrierClaimRows(db: Db, range: ReportWindow): Promise<Row[]> {
  const result = await sql<Row>`
    SELECT c.carrier, count(*)::int AS claims,
           COALESCE(sum(cl.amount_fen) FILTER (WHERE cl.status <> 'REJECTED'), 0)::float8 AS claimed_fen,
           COALESCE(sum(cl.amount_fen) FILTER (WHERE cl.status = 'PAID'), 0)::float8 AS paid_fen
    FROM claims cl JOIN cases c ON c.case_id = cl.case_id
    WHERE ${inRange(range, sql`c.opened_at`)}
    GROUP BY c.carrier`.execute(db);
  return result.rows;
}

/**
 * Parcels seen per carrier (and local day when `byDay`): waybills with a tracking event that
 * occurred in the range, and the waybills of cases opened in the range; with, per parcel, whether
 * every gap between two consecutive tracking events was at most 24 h (tracking freshness).
 */
export async function parcelRows(db: Db, range: ReportWindow, byDay: boolean): Promise<Row[]> {
  const day = byDay ? localDay(sql.ref('at'), range) : sql`''`;
  const caseDay = byDay ? localDay(sql`c.opened_at`, range) : sql`''`;
  const result = await sql<Row>`
    WITH ev AS (
      SELECT e.payload->>'carrier' AS carrier, e.waybill_no, ${EVENT_AT} AS at FROM inbound_events e
    ), ranged AS (
      SELECT carrier, waybill_no, at, ${day} AS day FROM ev WHERE ${inRange(range, sql`at`)}
    ), gaps AS (
      SELECT carrier, waybill_no, day, at - lag(at) OVER (PARTITION BY carrier, waybill_no, day ORDER BY at) AS gap FROM ranged
    ), parcels AS (
      SELECT carrier, waybill_no, day, COALESCE(max(gap) <= interval '24 hours', true) AS fresh
      FROM gaps GROUP BY carrier, waybill_no, day
    ), seen AS (
      SELECT carrier, waybill_no, day FROM parcels
      UNION SELECT c.carrier, c.waybill_no, ${caseDay} FROM cases c WHERE ${inRange(range, sql`c.opened_at`)}
    )
    SELECT s.carrier, s.day, count(*)::int AS shipments, count(p.waybill_no)::int AS tracked,
           (count(*) FILTER (WHERE p.fresh))::int AS fresh
    FROM seen s LEFT JOIN parcels p ON p.carrier = s.carrier AND p.waybill_no = s.waybill_no AND p.day = s.day
    GROUP BY s.carrier, s.day`.execute(db);
  return result.rows;
}

/** Supplier follow-ups started in the range, per supplier and in total (`level` 1). */
export async function supplierFollowUpRows(db: Db, range: ReportWindow): Promise<Row[]> {
  const result = await sql<Row>`
    SELECT supplier_id, GROUPING(supplier_id) AS level, count(*)::int AS follow_ups,
           (count(*) FILTER (WHERE replied_at IS NOT NULL))::int AS replied,
           (count(*) FILTER (WHERE outcome = 'unanswered'))::int AS unanswered,
           (count(*) FILTER (WHERE outcome = 'open'))::int AS open,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY response_ms) FILTER (WHERE response_ms IS NOT NULL) AS p50,
           percentile_disc(0.9) WITHIN GROUP (ORDER BY response_ms) FILTER (WHERE response_ms IS NOT NULL) AS p90,
           COALESCE(sum(reminders), 0)::int AS reminders,
           (count(*) FILTER (WHERE reminders > 0))::int AS needing_reminders,
           (count(*) FILTER (WHERE escalated_to_manager))::int AS escalations
    FROM supplier_follow_ups
    WHERE ${inRange(range, sql`started_at`)}
    GROUP BY ROLLUP (supplier_id)
    ORDER BY supplier_id`.execute(db);
  return result.rows;
}

/** The satisfaction figures of the cases opened in the range, as one row. */
export async function satisfactionRow(db: Db, range: ReportWindow, settings: ReportThresholds): Promise<Row | undefined> {
  const result = await sql<Row>`
    WITH s AS (
      SELECT c.status, c.tier, c.resolved_at, ${SCORE} AS score,
             COALESCE((c.snapshot->>'reopens')::int, 0) AS reopens,
             EXISTS (SELECT 1 FROM jsonb_array_elements(${EARLIER_FEEDBACK}) f
                     WHERE (f->>'score')::int <= ${settings.lowScoreThreshold}) AS low_before,
             EXISTS (SELECT 1 FROM cases p
                     WHERE p.customer_id = c.customer_id AND p.order_id = c.order_id AND p.case_id <> c.case_id
                       AND p.opened_at < c.opened_at
                       AND p.opened_at >= c.opened_at - make_interval(days => ${settings.repeatContactDays}::int)) AS repeat
      FROM cases c WHERE ${inRange(range, sql`c.opened_at`)}
    )
    SELECT count(*)::int AS cases,
           (count(*) FILTER (WHERE resolved_at IS NOT NULL))::int AS resolved,
           count(score)::int AS scored,
           (count(*) FILTER (WHERE score = 1))::int AS s1, (count(*) FILTER (WHERE score = 2))::int AS s2,
           (count(*) FILTER (WHERE score = 3))::int AS s3, (count(*) FILTER (WHERE score = 4))::int AS s4,
           (count(*) FILTER (WHERE score = 5))::int AS s5,
           (count(*) FILTER (WHERE status = 'CLOSED'))::int AS closed,
           (count(*) FILTER (WHERE status = 'CLOSED' AND score IS NULL))::int AS missing,
           (count(*) FILTER (WHERE repeat))::int AS repeats,
           (count(*) FILTER (WHERE resolved_at IS NOT NULL AND reopens = 0 AND tier = 1))::int AS first_contact,
           (count(*) FILTER (WHERE low_before))::int AS low_reopened,
           (count(*) FILTER (WHERE low_before AND score >= ${settings.satisfiedFrom}))::int AS recovered,
           (count(*) FILTER (WHERE low_before AND score < ${settings.satisfiedFrom}))::int AS still_unsatisfied,
           (count(*) FILTER (WHERE low_before AND score IS NULL AND status NOT IN (${terminal})))::int AS in_recovery,
           (count(*) FILTER (WHERE low_before AND score IS NULL AND status IN (${terminal})))::int AS closed_without_score
    FROM s`.execute(db);
  return result.rows[0];
}

/** Service-health inputs of the cases opened in the range, per (carrier, local day) and per (region, local day) (`by_region` 1). */
export async function healthGroupRows(db: Db, range: ReportWindow, settings: Omit<ReportThresholds, 'repeatContactDays'>): Promise<Row[]> {
  const result = await sql<Row>`
    WITH h AS (
      SELECT ${localDay(sql`c.opened_at`, range)} AS day, c.carrier, COALESCE(c.region, '(none)') AS region, ${SCORE} AS score,
             (${SCORE} <= ${settings.lowScoreThreshold} OR EXISTS (
                SELECT 1 FROM jsonb_array_elements(${EARLIER_FEEDBACK}) f WHERE (f->>'score')::int <= ${settings.lowScoreThreshold})) AS complaint,
             EXISTS (SELECT 1 FROM claims cl WHERE cl.case_id = c.case_id) AS claimed,
             (SELECT bool_or(COALESCE((k->>'breached')::boolean, false)) FROM jsonb_array_elements(${CLOCKS}) k
              WHERE k->>'name' = 'handling') AS handling_breached
      FROM cases c WHERE ${inRange(range, sql`c.opened_at`)}
    )
    SELECT GROUPING(carrier) AS by_region, carrier, region, day, count(*)::int AS cases,
           count(handling_breached)::int AS handling, (count(*) FILTER (WHERE handling_breached = false))::int AS on_time,
           (count(*) FILTER (WHERE complaint))::int AS complaints,
           count(score)::int AS scored, (count(*) FILTER (WHERE score >= ${settings.satisfiedFrom}))::int AS satisfied,
           (count(*) FILTER (WHERE claimed))::int AS claimed
    FROM h GROUP BY GROUPING SETS ((carrier, day), (region, day))`.execute(db);
  return result.rows;
}

/** Cases tracking and the watchlist opened in the range, per carrier, source and type, and how many still need completing. */
export async function autoOpenedRows(db: Db, range: Pick<ReportWindow, 'start' | 'end'>) {
  return db
    .selectFrom('cases')
    .select((eb) => [
      'carrier',
      'opened_from',
      'type',
      eb.fn.countAll<string>().as('cases'),
      sql<string>`count(*) FILTER (WHERE needs_completion AND status NOT IN ('CLOSED', 'CANCELLED'))`.as('incomplete'),
    ])
    .where('opened_from', 'is not', null)
    .where('opened_at', '>=', range.start)
    .where('opened_at', '<', range.end)
    .groupBy(['carrier', 'opened_from', 'type'])
    .orderBy('carrier')
    .execute();
}

/**
 * Per agent (the case's assignee) and in total (`level` 1), over the cases opened in the range:
 * cases, resolved, escalated past tier 1, first-response and resolution times (stopped clocks),
 * first-response breaches, first-contact resolutions (resolved at tier 1 and never reopened),
 * reopened cases, scored and satisfied cases.
 */
export async function agentRows(db: Db, range: ReportWindow, settings: Pick<ReportThresholds, 'satisfiedFrom'>): Promise<Row[]> {
  const clock = (name: string, field: string) =>
    sql`(SELECT (k->>${field}) FROM jsonb_array_elements(${CLOCKS}) k WHERE k->>'name' = ${name} AND k->>'state' = 'stopped' LIMIT 1)`;
  const result = await sql<Row>`
    WITH a AS (
      SELECT c.assignee, c.tier, c.resolved_at, ${SCORE} AS score,
             COALESCE((c.snapshot->>'reopens')::int, 0) AS reopens,
             ${clock('firstResponse', 'elapsedMs')}::float8 AS first_response,
             COALESCE(${clock('firstResponse', 'breached')}::boolean, false) AS first_response_breached,
             ${clock('resolution', 'elapsedMs')}::float8 AS resolution
      FROM cases c WHERE ${inRange(range, sql`c.opened_at`)}
    )
    SELECT GROUPING(assignee) AS level, assignee,
           count(*)::int AS cases,
           (count(*) FILTER (WHERE resolved_at IS NOT NULL))::int AS resolved,
           (count(*) FILTER (WHERE tier > 1))::int AS escalated,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY first_response) AS first_response_p50,
           (count(*) FILTER (WHERE first_response_breached))::int AS first_response_breached,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY resolution) AS resolution_p50,
           (count(*) FILTER (WHERE resolved_at IS NOT NULL AND reopens = 0 AND tier = 1))::int AS first_contact,
           (count(*) FILTER (WHERE reopens > 0))::int AS reopened,
           count(score)::int AS scored,
           (count(*) FILTER (WHERE score >= ${settings.satisfiedFrom}))::int AS satisfied
    FROM a
    GROUP BY GROUPING SETS ((assignee), ())
    ORDER BY level, cases DESC, assignee`.execute(db);
  return result.rows;
}
