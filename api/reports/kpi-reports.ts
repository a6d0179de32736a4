import type { Db } from '../../store/database';
import {
  agentRows,
  carrierCaseRows,
  carrierClaimRows,
  healthGroupRows,
  parcelRows,
  satisfactionRow,
  slaClockRows,
  supplierFollowUpRows,
} from '../../store/reports';
import { CARRIERS, EXCEPTION_TYPES } from '../../domain/types';
import { CLOCK_NAMES } from '../../domain/sla-policy';
import type { ReportPolicy } from '../../config/report-policy';
import { offsetLabel, type ReportRange } from './range';
import { peopleReportRows, teamReportRows } from './people-figures';
import type { PeopleDirectory } from '../../config/people';

/**
 * The KPI reports: the figures, ratios and trends made of the grouped rows store/reports.ts reads
 * from the read model. Every figure comes from what the case workflows wrote.
 */

export interface ReportSettings extends ReportPolicy {
  /** Scores at or below this reopen a case (policy feedback.lowScoreThreshold): a complaint. */
  lowScoreThreshold: number;
}

type Row = Record<string, unknown>;

/** Ratios to 4 decimals; 0 when there is nothing to divide (an empty range answers zeros). */
const ratio = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0);
const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

const header = (name: string, range: ReportRange) => ({
  report: name,
  from: range.from,
  to: range.to,
  timeZone: offsetLabel(range.utcOffsetMinutes),
});

// ---------------------------------------------------------------------------------------------
// SLA

export async function slaReport(db: Db, range: ReportRange) {
  const clockRows = await slaClockRows(db, range);
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
  const totals = clockRows.filter((row) => num(row.level) !== 0);
  const byClock = CLOCK_NAMES.map((clock) => ({ clock, ...figures(totals.find((row) => row.clock === clock)) }));
  const rows = clockRows
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

export async function carriersReport(db: Db, range: ReportRange, settings: ReportSettings) {
  const [cases, claims, parcels] = await Promise.all([carrierCaseRows(db, range), carrierClaimRows(db, range), parcelRows(db, range, false)]);
  const rows = CARRIERS.map((carrier) => {
    const mine = cases.filter((row) => row.carrier === carrier);
    const claim = claims.find((row) => row.carrier === carrier);
    const parcel = parcels.find((row) => row.carrier === carrier);
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
  const followUpRows = await supplierFollowUpRows(db, range);
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
  const rows = followUpRows.filter((row) => num(row.level) === 0).map((row) => ({ supplierId: String(row.supplier_id), ...figures(row) }));
  const totals = figures(followUpRows.find((row) => num(row.level) !== 0));
  return { ...header('suppliers', range), totals, rows, csvRows: [...rows, { supplierId: '*', ...totals }] };
}

// ---------------------------------------------------------------------------------------------
// Satisfaction

export async function satisfactionReport(db: Db, range: ReportRange, settings: ReportSettings) {
  const row = (await satisfactionRow(db, range, settings)) ?? {};
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
  const [groups, parcels] = await Promise.all([healthGroupRows(db, range, settings), parcelRows(db, range, true)]);
  const weights = settings.healthWeights;
  // Parcels seen per carrier and day, looked up once per row rather than searched for.
  const shipmentsByCarrierDay = new Map(parcels.map((p) => [`${String(p.carrier)}\u0000${String(p.day)}`, p.shipments]));
  const rows = groups
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

// ---------------------------------------------------------------------------------------------
// Agents

/**
 * The agents' scorecard: per assignee of the cases opened in the range, what they handled and how
 * it went for the customer. First-contact resolution is a case resolved at tier 1 and never
 * reopened, as in the satisfaction report; the reopen rate is over resolved cases.
 */
export async function agentsReport(db: Db, range: ReportRange, settings: ReportSettings, directory?: PeopleDirectory) {
  const rows = await agentRows(db, range, settings);
  const figures = (row: Row | undefined) => {
    const cases = num(row?.cases);
    const resolved = num(row?.resolved);
    const scored = num(row?.scored);
    return {
      cases,
      resolved,
      resolutionRate: ratio(resolved, cases),
      escalated: num(row?.escalated),
      firstResponseP50Ms: num(row?.first_response_p50),
      firstResponseBreached: num(row?.first_response_breached),
      resolutionP50Ms: num(row?.resolution_p50),
      firstContactResolution: { count: num(row?.first_contact), rate: ratio(num(row?.first_contact), resolved) },
      reopened: num(row?.reopened),
      reopenRate: ratio(num(row?.reopened), resolved),
      scored,
      csat: ratio(num(row?.satisfied), scored),
    };
  };
  const agents = rows.filter((row) => num(row.level) === 0).map((row) => ({ agent: String(row.assignee), ...figures(row) }));
  const totals = figures(rows.find((row) => num(row.level) !== 0));
  const flat = ({ firstContactResolution, ...rest }: ReturnType<typeof figures>) => ({
    ...rest,
    firstContactResolutions: firstContactResolution.count,
    firstContactResolutionRate: firstContactResolution.rate,
  });
  // Per person of the directory, with their team, queue takes, load and trail figures.
  const handled = new Map(agents.map((agent) => [agent.agent, { cases: agent.cases, resolved: agent.resolved, scored: agent.scored, csat: agent.csat }]));
  const people = directory ? await peopleReportRows(db, range, directory, handled) : [];
  return {
    ...header('agents', range),
    agents,
    totals,
    people,
    teams: directory ? teamReportRows(directory, people) : [],
    csvRows: [...agents.map(({ agent, ...row }) => ({ agent, ...flat(row) })), { agent: '*', ...flat(totals) }],
  };
}
