import { Router, type Request, type Response } from 'express';
import { allow } from '../permissions';
import type { StuckCases } from '../stuck-cases/stuck-cases';

/**
 * `GET /v1/reports/stuck-cases`: the cases a supervisor must look at now (docs/stuck-cases.md).
 * No date range: it is the state of things at the time of asking, swept afresh on every call.
 */
export function stuckCasesRouter(stuckCases: StuckCases): Router {
  const router = Router();
  router.get('/stuck-cases', allow('GET /v1/reports/stuck-cases'), async (_req: Request, res: Response) => {
    const report = await stuckCases.report();
    res.set('cache-control', 'no-store').json(report);
  });
  return router;
}
