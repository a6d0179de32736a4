import { dirname, join } from 'node:path';
import { Router } from 'express';
import type { Db } from '../../store/database';
import { temporalUiLink, type AppConfig } from '../../config';
import { reportPolicyOf } from '../../config/report-policy';
import { allow } from '../permissions';
import { dashboardReport, parseDashboardQuery } from '../reports/dashboard';

/**
 * The director's dashboard. `GET /dashboard` is a static page (api/dashboard/: HTML, script,
 * styles) and ECharts from its npm package on this server, never a CDN; the page holds no data.
 * It signs in with a bearer token kept in the tab's sessionStorage and reads
 * `GET /v1/reports/dashboard` with `Authorization: Bearer`, which is for supervisors, experts and
 * auditors, as the other reports. No token ever travels in a URL.
 */

const PAGE_ASSETS = join(__dirname, '..', 'dashboard');
const ECHARTS = join(dirname(require.resolve('echarts/package.json')), 'dist', 'echarts.min.js');

/** The page and its files: open, like /docs (they carry no data). */
export function dashboardPageRouter(): Router {
  const router = Router();
  router.get('/dashboard', (_req, res) => {
    res.set('cache-control', 'no-cache').sendFile(join(PAGE_ASSETS, 'index.html'));
  });
  // Assets are middleware, not routes: the page's own script and styles, and ECharts' one file.
  router.use('/dashboard', (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      next('router');
      return;
    }
    if (req.path === '/echarts.min.js') {
      res.set('cache-control', 'public, max-age=3600').type('application/javascript').sendFile(ECHARTS);
      return;
    }
    if (req.path === '/dashboard.js' || req.path === '/dashboard.css') {
      res.set('cache-control', 'no-cache').sendFile(join(PAGE_ASSETS, req.path.slice(1)));
      return;
    }
    next('router');
  });
  return router;
}

/** `GET /v1/reports/dashboard?from=&to=[&carrier=&region=&type=&team=]`: the figures the page draws. */
export function dashboardDataRouter(config: AppConfig, db: Db): Router {
  const router = Router();
  const settings = { ...reportPolicyOf(config.slaPolicy), lowScoreThreshold: config.slaPolicy.feedback.lowScoreThreshold };
  router.get('/dashboard', allow('GET /v1/reports/dashboard'), async (req, res) => {
    const query = parseDashboardQuery(req.query as Record<string, unknown>, settings);
    const report = await dashboardReport(db, query, {
      policy: config.slaPolicy,
      settings,
      temporalUi: (caseId) => temporalUiLink(config, caseId),
    });
    res.set('cache-control', 'no-store').json(report);
  });
  return router;
}
