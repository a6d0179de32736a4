import { Router, type Request, type Response } from 'express';
import type { Db } from '../../store/database';
import type { AppConfig } from '../../config';
import { reportPolicyOf } from '../../config/report-policy';
import { allow } from '../permissions';
import { HttpProblem } from '../problem';
import { toCsv } from '../reports/csv';
import { agentsReport, carriersReport, healthReport, satisfactionReport, slaReport, suppliersReport, type ReportSettings } from '../reports/kpi-reports';
import { parseReportRange, type ReportRange } from '../reports/range';
import { trackingReport } from '../reports/tracking-report';
import { carrierScorecard } from '../reports/carrier-scorecard';
import { supplierScorecard } from '../reports/supplier-scorecard';

/** `GET /v1/reports/{name}?from=&to=`: supervisors, experts and auditors; JSON, or CSV on `Accept: text/csv`. */

type Report = { csvRows: ReadonlyArray<Record<string, unknown>> } & Record<string, unknown>;

export const REPORT_NAMES = [
  'sla',
  'carriers',
  'suppliers',
  'satisfaction',
  'health',
  'tracking',
  'agents',
  'carrier-scorecard',
  'supplier-scorecard',
] as const;
type ReportName = (typeof REPORT_NAMES)[number];

function reportSettings(config: AppConfig): ReportSettings {
  return { ...reportPolicyOf(config.slaPolicy), lowScoreThreshold: config.slaPolicy.feedback.lowScoreThreshold };
}

export function reportsRouter(config: AppConfig, db: Db): Router {
  const router = Router();
  const settings = reportSettings(config);
  const run: Record<ReportName, (range: ReportRange) => Promise<Report>> = {
    sla: (range) => slaReport(db, range),
    carriers: (range) => carriersReport(db, range, settings),
    suppliers: (range) => suppliersReport(db, range),
    satisfaction: (range) => satisfactionReport(db, range, settings),
    health: (range) => healthReport(db, range, settings),
    tracking: (range) => trackingReport(db, range, config.watchlist.freshnessWindowMs),
    agents: (range) => agentsReport(db, range, settings, config.people),
    'carrier-scorecard': (range) => carrierScorecard(db, range, settings),
    'supplier-scorecard': (range) => supplierScorecard(db, range, config.slaPolicy.supplier.responseTargetMs),
  };

  router.get('/:name', allow('GET /v1/reports/{name}'), async (req: Request, res: Response) => {
    const name = String(req.params.name) as ReportName;
    if (!REPORT_NAMES.includes(name)) throw new HttpProblem(404, 'Report not found', `No report ${name}; reports: ${REPORT_NAMES.join(', ')}`);
    const range = parseReportRange(req.query as Record<string, unknown>, settings);
    const { csvRows, ...report } = await run[name](range);
    res.set('cache-control', 'no-store');
    // JSON unless the client prefers CSV (Accept: text/csv); */* and no Accept get JSON.
    if (req.accepts(['application/json', 'text/csv']) === 'text/csv') {
      res.type('text/csv; charset=utf-8').attachment(`${name}-${range.from}-${range.to}.csv`).send(toCsv(csvRows));
      return;
    }
    res.json(report);
  });
  return router;
}
