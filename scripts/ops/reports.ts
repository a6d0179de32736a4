import { duration, percent, table, type Row } from './format';
import { renderCarrierScorecard, renderSupplierScorecard } from './scorecards';

/** Each report's JSON (GET /v1/reports/{name}) as the tables an operator reads. */

type Report = Row & { rows?: Row[] };

const withDurations = (rows: Row[], keys: string[]) => rows.map((row) => ({ ...row, ...Object.fromEntries(keys.map((key) => [key, duration(row[key])])) }));
const withPercents = (rows: Row[], keys: string[]) => rows.map((row) => ({ ...row, ...Object.fromEntries(keys.map((key) => [key, percent(row[key])])) }));

export function renderReport(name: string, report: Report): string {
  const title = `${name} report ${String(report.from)} – ${String(report.to)} (UTC${String(report.timeZone)})`;
  const rows = report.rows ?? [];
  switch (name) {
    case 'sla': {
      const clockCols = ['started', 'completed', 'breached', 'breachRate', 'p50Ms', 'p90Ms', 'maxMs'];
      const shape = (list: Row[]) => withPercents(withDurations(list, ['p50Ms', 'p90Ms', 'maxMs']), ['breachRate']);
      return [
        title,
        table(shape(report.byClock as Row[]), ['clock', ...clockCols], 'By clock'),
        table(shape(rows), ['clock', 'type', 'priority', ...clockCols], 'By clock, exception type and priority'),
      ].join('\n\n');
    }
    case 'carriers':
      return [
        title,
        table(withPercents(rows, ['exceptionRate', 'onTimeResolutionRate', 'trackingFreshness']), [
          'carrier',
          'shipmentsSeen',
          'cases',
          'exceptionRate',
          'resolved',
          'onTimeResolutionRate',
          'claims',
          'claimedFen',
          'paidFen',
          'trackingFreshness',
          'damaged',
          'damageRatePerMille',
          'damageRateWithinTarget',
        ]),
        table(
          rows.map((row) => ({ carrier: row.carrier, ...(row.casesByType as Row) })),
          undefined,
          'Cases by exception type',
        ),
      ].join('\n\n');
    case 'suppliers': {
      const cols = [
        'followUps',
        'replied',
        'replyRate',
        'unanswered',
        'open',
        'replyP50Ms',
        'replyP90Ms',
        'reminders',
        'followUpsNeedingReminders',
        'escalations',
      ];
      const shape = (list: Row[]) => withPercents(withDurations(list, ['replyP50Ms', 'replyP90Ms']), ['replyRate']);
      return [title, table(shape([...rows, { supplierId: 'TOTAL', ...(report.totals as Row) }]), ['supplierId', ...cols])].join('\n\n');
    }
    case 'satisfaction': {
      const r = report as Row & Record<string, Row>;
      const lines: Row[] = [
        { metric: 'cases', value: r.cases },
        { metric: 'scored', value: r.scored },
        { metric: 'CSAT (share of 4–5)', value: percent(r.csat) },
        ...Object.entries(r.distribution ?? {}).map(([score, count]) => ({ metric: `score ${score}`, value: count })),
        { metric: 'NPS-style score (5 − 1..3)', value: r.nps?.score },
        { metric: 'promoters / passives / detractors', value: `${String(r.nps?.promoters)} / ${String(r.nps?.passives)} / ${String(r.nps?.detractors)}` },
        { metric: 'missing feedback (of closed)', value: `${String(r.missingFeedback?.count)} (${percent(r.missingFeedback?.rate)})` },
        {
          metric: `repeat contacts (≤ ${String(r.repeatContact?.withinDays)} days)`,
          value: `${String(r.repeatContact?.count)} (${percent(r.repeatContact?.rate)})`,
        },
        {
          metric: 'first-contact resolution',
          value: `${String(r.firstContactResolution?.count)} of ${String(r.firstContactResolution?.resolved)} (${percent(r.firstContactResolution?.rate)})`,
        },
        { metric: 'low-score reopens', value: r.lowScoreReopens?.count },
        { metric: '  recovered / still unsatisfied', value: `${String(r.lowScoreReopens?.recovered)} / ${String(r.lowScoreReopens?.stillUnsatisfied)}` },
        {
          metric: '  in recovery / closed without score',
          value: `${String(r.lowScoreReopens?.inRecovery)} / ${String(r.lowScoreReopens?.closedWithoutScore)}`,
        },
      ];
      return [title, table(lines, ['metric', 'value'])].join('\n\n');
    }
    case 'health': {
      const components = ['exceptionRate', 'onTimeHandling', 'complaints', 'csat', 'claimRate'];
      return [
        title,
        table(
          rows,
          ['dimension', 'key', 'date', 'cases', 'score', ...components.map((c) => `components.${c}.score`)],
          'Daily score (components 0–1, 1 = good)',
        ),
        table(report.trend as Row[], ['dimension', 'key', 'first', 'last', 'change'], 'Trend over the range'),
      ].join('\n\n');
    }
    case 'agents': {
      const flat = (row: Row) => {
        const fcr = row.firstContactResolution as Row | undefined;
        return { ...row, fcr: `${String(fcr?.count)} (${percent(fcr?.rate)})` };
      };
      const list = [...(report.agents as Row[]), { agent: 'TOTAL', ...(report.totals as Row) }].map(flat);
      const shape = withPercents(withDurations(list, ['firstResponseP50Ms', 'resolutionP50Ms']), ['resolutionRate', 'reopenRate', 'csat']);
      return [
        title,
        table(shape, [
          'agent',
          'cases',
          'resolved',
          'resolutionRate',
          'escalated',
          'firstResponseP50Ms',
          'firstResponseBreached',
          'resolutionP50Ms',
          'fcr',
          'reopenRate',
          'scored',
          'csat',
        ]),
      ].join('\n\n');
    }
    case 'carrier-scorecard':
      return renderCarrierScorecard(title, report);
    case 'supplier-scorecard':
      return renderSupplierScorecard(title, report);
    default:
      return [title, table(rows)].join('\n\n');
  }
}
