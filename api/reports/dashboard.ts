import type { Db } from '../../store/database';
import {
  atRiskCaseRows,
  caseRegions,
  dashboardCaseFlowRows,
  dashboardClockDayRows,
  dashboardDayRows,
  dashboardKpiRow,
  freshnessDayRows,
  type DashboardFilter,
} from '../../store/dashboard';
import { parcelRows } from '../../store/reports';
import { CARRIERS, EXCEPTION_TYPES } from '../../domain/types';
import { CLOCK_NAMES, type SlaPolicy } from '../../domain/sla-policy';
import { HttpProblem } from '../problem';
import type { ReportSettings } from './kpi-reports';
import { offsetLabel, parseReportRange, type ReportRange } from './range';

/**
 * The director's dashboard (`GET /v1/reports/dashboard`, drawn by the `/dashboard` page): KPI
 * cards with their target from the policy and the change against the previous period of the same
 * length, daily series for the charts, and the open cases that breached or are due soon, with a
 * link to each in the Temporal UI. Ratios have 4 decimals; a figure without data is null.
 */

/** Teams are the tier queues: a case's team is the tier it sits at. */
export const DASHBOARD_TEAMS = ['tier1', 'tier2', 'tier3'] as const;
type Team = (typeof DASHBOARD_TEAMS)[number];

/** How far ahead an SLA deadline counts as "due soon". */
const DUE_SOON_MS = 2 * 3_600_000;
const AT_RISK_LIMIT = 200;
const REGION_OPTIONS = 200;
const DAY_MS = 86_400_000;

interface DashboardQuery {
  range: ReportRange;
  previous: ReportRange;
  filter: DashboardFilter & { team?: Team };
}

type Row = Record<string, unknown>;
const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const ratioOrNull = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);
const msOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** The query string: the range (as every report), and the optional filters carrier, region, type, team. */
export function parseDashboardQuery(query: Record<string, unknown>, settings: ReportSettings): DashboardQuery {
  const range = parseReportRange(query, settings);
  const errors: { path: string; message: string }[] = [];
  const pick = <T extends string>(name: string, allowed: readonly T[] | undefined): T | undefined => {
    const value = query[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') {
      errors.push({ path: `$.${name}`, message: `${name} must be given once` });
      return undefined;
    }
    if (allowed ? !allowed.includes(value as T) : !/^[\p{L}\p{N} _.:-]{1,64}$/u.test(value)) {
      errors.push({
        path: `$.${name}`,
        message: allowed ? `${name} must be one of ${allowed.join(', ')}` : `${name} must be 1–64 letters, digits, spaces or _.:-`,
      });
      return undefined;
    }
    return value as T;
  };
  const carrier = pick('carrier', CARRIERS);
  const region = pick('region', undefined);
  const type = pick('type', EXCEPTION_TYPES);
  const team = pick('team', DASHBOARD_TEAMS);
  if (errors.length) throw new HttpProblem(400, 'Invalid request', `The query string has ${errors.length} invalid field(s)`, { errors });
  // The previous period: as many days, ending the day before `from`.
  const length = range.days.length;
  const firstDay = Date.parse(`${range.from}T00:00:00Z`);
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const previous = parseReportRange({ from: day(firstDay - length * DAY_MS), to: day(firstDay - DAY_MS) }, settings);
  return {
    range,
    previous,
    filter: {
      ...(carrier ? { carrier } : {}),
      ...(region ? { region } : {}),
      ...(type ? { type } : {}),
      ...(team ? { team, tier: DASHBOARD_TEAMS.indexOf(team) + 1 } : {}),
    },
  };
}

interface KpiFigures {
  cases: number;
  resolutionRate: number | null;
  csat: number | null;
  complaintRate: number | null;
  firstResponseP50Ms: number | null;
  handlingP50Ms: number | null;
  resolutionP50Ms: number | null;
  slaAttainment: number | null;
  damageRate: number | null;
  exceptionRate: number | null;
  trackingFreshness: number | null;
}

async function kpiFigures(db: Db, range: ReportRange, filter: DashboardFilter, settings: ReportSettings): Promise<KpiFigures> {
  const [row, parcels] = await Promise.all([dashboardKpiRow(db, range, filter, settings), parcelRows(db, range, false)]);
  const mine = parcels.filter((p) => filter.carrier === undefined || p.carrier === filter.carrier);
  const shipments = mine.reduce((sum, p) => sum + num(p.shipments), 0);
  const tracked = mine.reduce((sum, p) => sum + num(p.tracked), 0);
  const fresh = mine.reduce((sum, p) => sum + num(p.fresh), 0);
  const cases = num(row.cases);
  return {
    cases,
    resolutionRate: ratioOrNull(num(row.resolved), cases),
    csat: ratioOrNull(num(row.satisfied), num(row.scored)),
    complaintRate: ratioOrNull(num(row.complaints), cases),
    firstResponseP50Ms: msOrNull(row.first_response_p50),
    handlingP50Ms: msOrNull(row.handling_p50),
    resolutionP50Ms: msOrNull(row.resolution_p50),
    slaAttainment: ratioOrNull(num(row.clocks) - num(row.clocks_breached), num(row.clocks)),
    damageRate: ratioOrNull(num(row.damaged), shipments),
    exceptionRate: ratioOrNull(cases, shipments),
    trackingFreshness: ratioOrNull(fresh, tracked),
  };
}

type KpiKey = keyof KpiFigures;

/** The cards, in the page's order: which figure, whether lower is better, and the policy's target. */
function kpiCards(policy: SlaPolicy, settings: ReportSettings) {
  const cards: Array<{ key: KpiKey; unit: 'count' | 'ratio' | 'ms'; better: 'higher' | 'lower'; target: number | null; targetSource: string | null }> = [
    { key: 'cases', unit: 'count', better: 'lower', target: null, targetSource: null },
    { key: 'firstResponseP50Ms', unit: 'ms', better: 'lower', target: policy.clocks.firstResponse.targetMs, targetSource: 'clocks.firstResponse' },
    { key: 'handlingP50Ms', unit: 'ms', better: 'lower', target: policy.clocks.handling.targetMs, targetSource: 'clocks.handling' },
    { key: 'resolutionP50Ms', unit: 'ms', better: 'lower', target: policy.clocks.resolution.targetMs, targetSource: 'clocks.resolution' },
    { key: 'slaAttainment', unit: 'ratio', better: 'higher', target: null, targetSource: null },
    { key: 'resolutionRate', unit: 'ratio', better: 'higher', target: null, targetSource: null },
    { key: 'csat', unit: 'ratio', better: 'higher', target: null, targetSource: null },
    { key: 'complaintRate', unit: 'ratio', better: 'lower', target: null, targetSource: null },
    { key: 'damageRate', unit: 'ratio', better: 'lower', target: settings.damageRateTarget, targetSource: 'reports.damageRateTarget' },
    { key: 'exceptionRate', unit: 'ratio', better: 'lower', target: null, targetSource: null },
    { key: 'trackingFreshness', unit: 'ratio', better: 'higher', target: null, targetSource: null },
  ];
  return cards;
}

export async function dashboardReport(
  db: Db,
  query: DashboardQuery,
  options: { policy: SlaPolicy; settings: ReportSettings; temporalUi: (caseId: string) => string; now?: Date },
) {
  const { range, previous, filter } = query;
  const { settings } = options;
  const { team: _team, ...storeFilter } = filter;
  const now = options.now ?? new Date();
  const [current, before, flow, dayRows, clockRows, parcelDays, freshDays, atRisk, regions] = await Promise.all([
    kpiFigures(db, range, storeFilter, settings),
    kpiFigures(db, previous, storeFilter, settings),
    dashboardCaseFlowRows(db, range, storeFilter),
    dashboardDayRows(db, range, storeFilter, settings),
    dashboardClockDayRows(db, range, storeFilter),
    parcelRows(db, range, true),
    freshnessDayRows(db, range),
    atRiskCaseRows(db, storeFilter, new Date(now.getTime() + DUE_SOON_MS), AT_RISK_LIMIT),
    // The regions named in this period or the previous one (a selected region is kept by the page).
    caseRegions(db, { start: previous.start, end: range.end }, REGION_OPTIONS),
  ]);

  const kpis = kpiCards(options.policy, settings).map((card) => {
    const value = current[card.key];
    const prior = before[card.key];
    const change = value !== null && prior !== null ? Math.round((value - prior) * 10_000) / 10_000 : null;
    const met = card.target === null || value === null ? null : card.better === 'lower' ? value <= card.target : value >= card.target;
    return { ...card, value, previous: prior, change, met };
  });

  const { days } = range;
  const perDay = (rows: Row[], value: (rows: Row[]) => number | null) => days.map((day) => value(rows.filter((row) => row.day === day)));
  const sum = (rows: Row[], field: string) => rows.reduce((total, row) => total + num(row[field]), 0);

  const byType = (kind: 'opened' | 'closed') =>
    EXCEPTION_TYPES.map((type) => ({
      type,
      counts: perDay(
        flow.filter((row) => row.kind === kind && row.type === type),
        (rows) => sum(rows, 'cases'),
      ),
    })).filter((series) => series.counts.some((count) => (count ?? 0) > 0));
  const slaAttainment = CLOCK_NAMES.map((clock) => ({
    clock,
    values: perDay(
      clockRows.filter((row) => row.clock === clock),
      (rows) => ratioOrNull(sum(rows, 'started') - sum(rows, 'breached'), sum(rows, 'started')),
    ),
  })).filter((series) => series.values.some((value) => value !== null));
  const freshShown = freshDays.filter((p) => filter.carrier === undefined || p.carrier === filter.carrier);
  const exceptionRate = CARRIERS.filter((carrier) => filter.carrier === undefined || carrier === filter.carrier)
    .map((carrier) => ({
      carrier,
      values: days.map((day) =>
        ratioOrNull(
          sum(
            dayRows.filter((row) => row.day === day && row.carrier === carrier),
            'cases',
          ),
          sum(
            parcelDays.filter((p) => p.day === day && p.carrier === carrier),
            'shipments',
          ),
        ),
      ),
    }))
    .filter((series) => series.values.some((value) => value !== null));

  return {
    report: 'dashboard',
    from: range.from,
    to: range.to,
    timeZone: offsetLabel(range.utcOffsetMinutes),
    previous: { from: previous.from, to: previous.to },
    filters: {
      carrier: filter.carrier ?? null,
      region: filter.region ?? null,
      type: filter.type ?? null,
      team: filter.team ?? null,
    },
    options: { carriers: CARRIERS, regions, types: EXCEPTION_TYPES, teams: DASHBOARD_TEAMS },
    kpis,
    daily: {
      days,
      opened: byType('opened'),
      closed: byType('closed'),
      slaAttainment,
      csat: perDay(dayRows, (rows) => ratioOrNull(sum(rows, 'satisfied'), sum(rows, 'scored'))),
      complaintRate: perDay(dayRows, (rows) => ratioOrNull(sum(rows, 'complaints'), sum(rows, 'cases'))),
      exceptionRate,
      trackingFreshness: perDay(freshShown, (rows) => ratioOrNull(sum(rows, 'fresh'), sum(rows, 'tracked'))),
    },
    atRisk: {
      dueSoonMs: DUE_SOON_MS,
      cases: atRisk.map((row) => ({
        caseId: row.case_id,
        type: row.type,
        status: row.status,
        priority: row.priority,
        team: DASHBOARD_TEAMS[row.tier - 1] ?? `tier${row.tier}`,
        assignee: row.assignee,
        carrier: row.carrier,
        region: row.region,
        dueAt: row.sla_due_at ? new Date(row.sla_due_at).toISOString() : null,
        breached: row.sla_breached,
        temporalUi: options.temporalUi(row.case_id),
      })),
    },
  };
}
