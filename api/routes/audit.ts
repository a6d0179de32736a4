import { Router, type Response } from 'express';
import type { TrailIntegrity } from '../../store/audit-hash';
import type { Db } from '../../store/database';
import { casesOpenedPage, countCasesOpened, verifiedTrail } from '../../store/read-model';
import { temporalUiLink, type AppConfig } from '../../config';
import { reportPolicyOf } from '../../config/report-policy';
import { allow } from '../permissions';
import { parseReportRange } from '../reports/range';

/**
 * `GET /v1/audit/export?from=&to=`: the trail of every case opened in the range (local dates in
 * the business time zone, as for reports), streamed as NDJSON, one line per case with its events,
 * the chain's verification and a link to the case in the Temporal UI; a last `summary` line
 * counts verified and failed trails. Cases are read a page at a time, so the export's memory does
 * not grow with the range.
 */

const PAGE = 100;

interface AuditExportCase {
  kind: 'case';
  caseId: string;
  type: string;
  carrier: string;
  status: string;
  openedAt: string;
  temporalUi: string;
  integrity: TrailIntegrity;
  events: unknown[];
}

interface AuditExportSummary {
  kind: 'summary';
  from: string;
  to: string;
  cases: number;
  verified: number;
  failed: number;
  failedCaseIds: string[];
}

/** Writes one line, waiting for the socket to drain (or close: a reader that left) when it is full. */
async function write(res: Response, line: unknown): Promise<void> {
  if (res.write(`${JSON.stringify(line)}\n`) || res.destroyed) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export function auditRouter(config: AppConfig, db: Db): Router {
  const router = Router();
  const settings = reportPolicyOf(config.slaPolicy);

  router.get('/export', allow('GET /v1/audit/export'), async (req, res) => {
    const range = parseReportRange(req.query as Record<string, unknown>, settings);
    const counted = await countCasesOpened(db, range);
    res
      .status(200)
      .type('application/x-ndjson')
      .set({
        'cache-control': 'no-store',
        // How many case lines will follow (the CLI's progress bar); cases opened meanwhile may add a few.
        'x-case-count': String(counted),
      });
    let aborted = false;
    res.on('close', () => {
      if (!res.writableFinished) aborted = true;
    });

    try {
      await streamCases();
    } catch (error) {
      // The status line is out: all that is left is to cut the stream, so the reader sees no summary.
      if (!res.headersSent) throw error;
      console.error('audit export failed mid-stream', error);
      res.destroy(error as Error);
    }

    async function streamCases(): Promise<void> {
      const summary: AuditExportSummary = { kind: 'summary', from: range.from, to: range.to, cases: 0, verified: 0, failed: 0, failedCaseIds: [] };
      let after: { openedAt: Date; caseId: string } | undefined;
      for (;;) {
        const rows = await casesOpenedPage(db, range, after, PAGE);
        for (const row of rows) {
          if (aborted) return;
          // Read as GET /v1/cases/{id}/history reads it. Case rows are never deleted.
          const trail = await verifiedTrail(db, row.case_id);
          if (!trail) throw new Error(`case ${row.case_id} vanished during the export`);
          const { events, integrity } = trail;
          summary.cases += 1;
          if (integrity.verified) summary.verified += 1;
          else {
            summary.failed += 1;
            summary.failedCaseIds.push(row.case_id);
          }
          const line: AuditExportCase = {
            kind: 'case',
            caseId: row.case_id,
            type: row.type,
            carrier: row.carrier,
            status: row.status,
            openedAt: new Date(row.opened_at).toISOString(),
            temporalUi: temporalUiLink(config, row.case_id),
            integrity,
            events,
          };
          await write(res, line);
        }
        const last = rows[rows.length - 1];
        if (rows.length < PAGE || !last) break;
        after = { openedAt: new Date(last.opened_at), caseId: last.case_id };
      }
      if (aborted) return;
      await write(res, summary);
      res.end();
    }
  });
  return router;
}
