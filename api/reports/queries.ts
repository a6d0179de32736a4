import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../store/database';
import { CARRIERS, EXCEPTION_TYPES, TERMINAL_STATUSES } from '../../domain/types';
import { CLOCK_NAMES } from '../../domain/sla-policy';
import type { ReportPolicy } from '../../config/report-policy';
import { offsetLabel, type ReportRange } from './range';

/**
 * The KPI reports, computed in SQL over the read model. Every figure comes from what the case
 * workflows wrote: the `cases` rows and their snapshot (SLA clocks with elapsed time and breach,
 * feedback, reopens), the claims and supplier follow-up tables, and the recorded tracking events.
 * A case belongs to a range by the local date it was opened on; a supplier follow-up by the date
 * it started; a tracking event by when it occurred.
 */

export interface ReportSettings extends ReportPolicy {
  /** Scores at or below this reopen a case (policy feedback.lowScoreThreshold): a complaint. */
  lowScoreThreshold: number;
}

type Row = Record<string, unknown>;

/** Ratios to 4 decimals; 0 when there is nothing to divide (an empty range answers zeros). */
const ratio = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0);
const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

const inRange = (range: ReportRange, column: RawBuilder<unknown>): RawBuilder<unknown> => sql`${column} >= ${range.start} AND ${column} < ${range.end}`;

/** The clocks array of a snapshot, or an empty one (a row written before the workflow saved any). */
const CLOCKS = sql`(CASE WHEN jsonb_typeof(c.snapshot->'clocks') = 'array' THEN c.snapshot->'clocks' ELSE '[]'::jsonb END)`;
const EARLIER_FEEDBACK = sql`(CASE WHEN jsonb_typeof(c.snapshot->'earlierFeedback') = 'array' THEN c.snapshot->'earlierFeedback' ELSE '[]'::jsonb END)`;
const SCORE = sql`(c.snapshot->'feedback'->>'score')::int`;
/** The statuses of a case that is over (domain/types), as a SQL list. */
const terminal = sql.join(TERMINAL_STATUSES.map((status) => sql.lit(status)));
/** The local date (business time zone) of an instant, as YYYY-MM-DD. */
const localDay = (column: RawBuilder<unknown>, range: ReportRange) =>
  sql`to_char((${column} + make_interval(mins => ${range.utcOffsetMinutes}::int)) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
/** When a tracking event occurred by the carrier's clock (its received time when that is unreadable). */
const EVENT_AT = sql`(CASE WHEN e.payload->>'occurredAt' ~ '^\\d{4}-\\d{2}-\\d{2}T' THEN (e.payload->>'occurredAt')::timestamptz ELSE e.received_at END)`;

const header = (name: string, range: ReportRange) => ({
  report: name,
  from: range.from,
  to: range.to,
  timeZone: offsetLabel(range.utcOffsetMinutes),
});

// ---------------------------------------------------------------------------------------------
// SLA

export async function slaReport(db: Db, range: ReportRange) {
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
  const figures = (row: Row | undefined) => {
    const started = num(row?.started);
    const breached = num(row?.breached);
    return {
      started,
      completed: num(row?.completed),
      breached,
      breachRate: ratio(breached, started),
      p50Ms: num(row?.p50),
      p90Ms: num(row?.p90),
      maxMs: num(row?.max),
    };
  };
  const totals = result.rows.filter((row) => num(row.level) !== 0);
  const byClock = CLOCK_NAMES.map((clock) => ({ clock, ...figures(totals.find((row) => row.clock === clock)) }));
  const rows = result.rows
    .filter((row) => num(row.level) === 0)
    .map((row) => ({ clock: String(row.clock), type: String(row.type), priority: String(row.priority), ...figures(row) }));
  return {
    ...header('sla', range),
    byClock,
    rows,
    csvRows: [...byClock.map(({ clock, ...row }) => ({ clock, type: '*', priority: '*', ...row })), ...rows],
  };
}

// ---------------------------------------------------------------------------------------------
// Carriers

/**
 * Parcels seen per carrier (and local day when `byDay`): waybills with a tracking event that
 * occurred in the range, and the waybills of cases opened in the range; with, per parcel, whether
 * every gap between two consecutive tracking events was at most 24 h (tracking freshness).
 */
function parcelsQuery(range: ReportRange, byDay: boolean) {
  const day = byDay ? localDay(sql.ref('at'), range) : sql`''`;
  const caseDay = byDay ? localDay(sql`c.opened_at`, range) : sql`''`;
  return sql<Row>`
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
    GROUP BY s.carrier, s.day`;
}

export async function carriersReport(db: Db, range: ReportRange, settings: ReportSettings) {
  const [cases, claims, parcels] = await Promise.all([
    sql<Row>`
      SELECT c.carrier, c.type, count(*)::int AS cases,
             (count(*) FILTER (WHERE c.resolved_at IS NOT NULL))::int AS resolved,
             (count(*) FILTER (WHERE c.resolved_at IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM jsonb_array_elements(${CLOCKS}) k
                WHERE k->>'name' = 'resolution' AND COALESCE((k->>'breached')::boolean, false))))::int AS resolved_on_time
      FROM cases c WHERE ${inRange(range, sql`c.opened_at`)}
      GROUP BY c.carrier, c.type`.execute(db),
    sql<Row>`
      SELECT c.carrier, count(*)::int AS claims,
             COALESCE(sum(cl.amount_fen) FILTER (WHERE cl.status <> 'REJECTED'), 0)::float8 AS claimed_fen,
             COALESCE(sum(cl.amount_fen) FILTER (WHERE cl.status = 'PAID'), 0)::float8 AS paid_fen
      FROM claims cl JOIN cases c ON c.case_id = cl.case_id
      WHERE ${inRange(range, sql`c.opened_at`)}
      GROUP BY c.carrier`.execute(db),
    parcelsQuery(range, false).execute(db),
  ]);
  const rows = CARRIERS.map((carrier) => {
    const mine = cases.rows.filter((row) => row.carrier === carrier);
    const claim = claims.rows.find((row) => row.carrier === carrier);
    const parcel = parcels.rows.find((row) => row.carrier === carrier);
    const total = mine.reduce((sum, row) => sum + num(row.cases), 0);
    const resolved = mine.reduce((sum, row) => sum + num(row.resolved), 0);
    const onTime = mine.reduce((sum, row) => sum + num(row.resolved_on_time), 0);
    const shipments = num(parcel?.shipments);
    const byType = Object.fromEntries(EXCEPTION_TYPES.map((type) => [type, num(mine.find((row) => row.type === type)?.cases)]));
    const damaged = byType.DAMAGED ?? 0;
    const damageRate = ratio(damaged, shipments);
    return {
      carrier,
      shipmentsSeen: shipments,
      cases: total,
      exceptionRate: ratio(total, shipments),
      casesByType: byType,
      exceptionRateByType: Object.fromEntries(EXCEPTION_TYPES.map((type) => [type, ratio(byType[type] ?? 0, shipments)])),
      resolved,
      resolvedOnTime: onTime,
      onTimeResolutionRate: ratio(onTime, resolved),
      claims: num(claim?.claims),
      claimedFen: num(claim?.claimed_fen),
      paidFen: num(claim?.paid_fen),
      trackedParcels: num(parcel?.tracked),
      freshParcels: num(parcel?.fresh),
      trackingFreshness: ratio(num(parcel?.fresh), num(parcel?.tracked)),
      damaged,
      damageRatePerMille: Math.round(damageRate * 1000 * 100) / 100,
      damageRateWithinTarget: shipments === 0 || damaged / shipments <= settings.damageRateTarget,
    };
  });
  return { ...header('carriers', range), damageRateTarget: settings.damageRateTarget, rows, csvRows: rows };
}

// ---------------------------------------------------------------------------------------------
// Suppliers

export async function suppliersReport(db: Db, range: ReportRange) {
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
  const figures = (row: Row | undefined) => {
    const followUps = num(row?.follow_ups);
    return {
      followUps,
      replied: num(row?.replied),
      replyRate: ratio(num(row?.replied), followUps),
      unanswered: num(row?.unanswered),
      open: num(row?.open),
      replyP50Ms: num(row?.p50),
      replyP90Ms: num(row?.p90),
      reminders: num(row?.reminders),
      followUpsNeedingReminders: num(row?.needing_reminders),
      escalations: num(row?.escalations),
    };
  };
  const rows = result.rows.filter((row) => num(row.level) === 0).map((row) => ({ supplierId: String(row.supplier_id), ...figures(row) }));
  const totals = figures(result.rows.find((row) => num(row.level) !== 0));
  return { ...header('suppliers', range), totals, rows, csvRows: [...rows, { supplierId: '*', ...totals }] };
}

// ---------------------------------------------------------------------------------------------
// Satisfaction

export async function satisfactionReport(db: Db, range: ReportRange, settings: ReportSettings) {
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
  const row = result.rows[0] ?? {};
  const scored = num(row.scored);
  const distribution = { '1': num(row.s1), '2': num(row.s2), '3': num(row.s3), '4': num(row.s4), '5': num(row.s5) };
  const satisfied = Object.entries(distribution).reduce((sum, [score, count]) => sum + (Number(score) >= settings.satisfiedFrom ? count : 0), 0);
  const promoters = distribution['5'];
  const passives = distribution['4'];
  const detractors = distribution['1'] + distribution['2'] + distribution['3'];
  const cases = num(row.cases);
  const resolved = num(row.resolved);
  const body = {
    cases,
    scored,
    csat: ratio(satisfied, scored),
    distribution,
    nps: {
      promoters,
      passives,
      detractors,
      score: scored > 0 ? Math.round(((promoters - detractors) / scored) * 1000) / 10 : 0,
    },
    missingFeedback: { count: num(row.missing), closed: num(row.closed), rate: ratio(num(row.missing), num(row.closed)) },
    repeatContact: { count: num(row.repeats), rate: ratio(num(row.repeats), cases), withinDays: settings.repeatContactDays },
    firstContactResolution: { count: num(row.first_contact), resolved, rate: ratio(num(row.first_contact), resolved) },
    lowScoreReopens: {
      count: num(row.low_reopened),
      recovered: num(row.recovered),
      stillUnsatisfied: num(row.still_unsatisfied),
      inRecovery: num(row.in_recovery),
      closedWithoutScore: num(row.closed_without_score),
    },
  };
  return { ...header('satisfaction', range), ...body, csvRows: metricRows(body) };
}

/** A nested object as metric/value lines (for CSV of a report that is not a table). */
function metricRows(value: Record<string, unknown>, prefix = ''): Array<{ metric: string; value: unknown }> {
  return Object.entries(value).flatMap(([key, inner]) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? metricRows(inner as Record<string, unknown>, `${prefix}${key}.`)
      : [{ metric: `${prefix}${key}`, value: inner }],
  );
}

// ---------------------------------------------------------------------------------------------
// Service health

type Component = 'exceptionRate' | 'onTimeHandling' | 'complaints' | 'csat' | 'claimRate';

export async function healthReport(db: Db, range: ReportRange, settings: ReportSettings) {
  const [groups, parcels] = await Promise.all([
    sql<Row>`
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
      FROM h GROUP BY GROUPING SETS ((carrier, day), (region, day))`.execute(db),
    parcelsQuery(range, true).execute(db),
  ]);
  const weights = settings.healthWeights;
  // Parcels seen per carrier and day, looked up once per row rather than searched for.
  const shipmentsByCarrierDay = new Map(parcels.rows.map((p) => [`${String(p.carrier)}\u0000${String(p.day)}`, p.shipments]));
  const rows = groups.rows
    .map((row) => {
      const dimension = num(row.by_region) ? 'region' : 'carrier';
      const key = String(dimension === 'region' ? row.region : row.carrier);
      const day = String(row.day);
      const cases = num(row.cases);
      const shipments = dimension === 'carrier' ? num(shipmentsByCarrierDay.get(`${key}\u0000${day}`)) : undefined;
      // Each component: the measured value and its score in [0, 1] (1 = good); null without data.
      const components: Record<Component, { value: number | null; score: number | null; weight: number }> = {
        exceptionRate: componentOf(
          shipments ? cases / shipments : null,
          (rate) => Math.max(0, 1 - rate / settings.exceptionRateCeiling),
          weights.exceptionRate,
        ),
        onTimeHandling: componentOf(num(row.handling) ? num(row.on_time) / num(row.handling) : null, (share) => share, weights.onTimeHandling),
        complaints: componentOf(cases ? num(row.complaints) / cases : null, (rate) => 1 - rate, weights.complaints),
        csat: componentOf(num(row.scored) ? num(row.satisfied) / num(row.scored) : null, (share) => share, weights.csat),
        claimRate: componentOf(cases ? num(row.claimed) / cases : null, (rate) => 1 - rate, weights.claimRate),
      };
      const scored = Object.values(components).filter((c) => c.score !== null && c.weight > 0);
      const weightSum = scored.reduce((sum, c) => sum + c.weight, 0);
      const score = weightSum > 0 ? Math.round((scored.reduce((sum, c) => sum + c.weight * (c.score as number), 0) / weightSum) * 1000) / 10 : null;
      return { dimension, key, date: day, cases, ...(shipments !== undefined ? { shipmentsSeen: shipments } : {}), score, components };
    })
    .sort((a, b) => a.dimension.localeCompare(b.dimension) || a.key.localeCompare(b.key) || a.date.localeCompare(b.date));
  const trend = healthTrend(rows, range.days);
  const csvRows = rows.map(({ components, ...rest }) => ({
    ...rest,
    ...Object.fromEntries(
      Object.entries(components).flatMap(([name, c]) => [
        [`${name}.value`, c.value],
        [`${name}.score`, c.score],
      ]),
    ),
  }));
  return { ...header('health', range), weights, rows, trend, csvRows };
}

/** What the trend reads of a health row. */
export interface HealthScoreRow {
  dimension: string;
  key: string;
  date: string;
  score: number | null;
}

/**
 * Each (dimension, key)'s score per day of the range, with its first and last known score: one
 * pass grouping the rows by key (a Map, keys in the rows' order), then one pass over the days per
 * key — O(rows + keys × days), where searching the rows for every (key, day) was their product.
 */
export function healthTrend(rows: readonly HealthScoreRow[], days: readonly string[]) {
  const byKey = new Map<string, { dimension: string; key: string; scores: Map<string, number | null> }>();
  for (const row of rows) {
    const joined = `${row.dimension}\u0000${row.key}`;
    let entry = byKey.get(joined);
    if (!entry) byKey.set(joined, (entry = { dimension: row.dimension, key: row.key, scores: new Map() }));
    // The first row of a (key, day) counts, as a search from the start would find it.
    if (!entry.scores.has(row.date)) entry.scores.set(row.date, row.score);
  }
  return [...byKey.values()].map(({ dimension, key, scores }) => {
    const series = days.map((date) => ({ date, score: scores.get(date) ?? null }));
    const known = series.filter((d) => d.score !== null) as Array<{ date: string; score: number }>;
    const first = known[0]?.score ?? null;
    const last = known[known.length - 1]?.score ?? null;
    return { dimension, key, first, last, change: first !== null && last !== null ? Math.round((last - first) * 10) / 10 : 0, days: series };
  });
}

function componentOf(value: number | null, toScore: (value: number) => number, weight: number) {
  if (value === null) return { value: null, score: null, weight };
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  return { value: round(value), score: round(toScore(value)), weight };
}
