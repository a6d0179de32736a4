import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { pingDatabase, type Db } from '../../store/database';

/** Liveness says the process answers; readiness says its dependencies do too. */
export function healthRouter(db: Db, temporal: Client, log: (message: string, error?: unknown) => void = () => undefined): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks: Record<string, { ok: boolean; detail?: string }> = {};
    const check = async (name: string, probe: () => Promise<unknown>) => {
      try {
        await Promise.race([probe(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 2_000))]);
        checks[name] = { ok: true };
      } catch (error) {
        // Internal error text (addresses, user names, versions) stays in the log, not the answer.
        log(`readiness check ${name} failed`, error);
        checks[name] = { ok: false, detail: 'unavailable' };
      }
    };
    await Promise.all([check('postgres', () => pingDatabase(db)), check('temporal', () => temporal.connection.workflowService.getSystemInfo({}))]);
    const ready = Object.values(checks).every((c) => c.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  return router;
}
