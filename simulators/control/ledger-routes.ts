import { Router } from 'express';
import type { InMemoryLedger } from '../core/ledger';
import { single } from '../core/fields';
import { SIMULATED_SYSTEMS, type LedgerFilter, type SimulatedSystem } from '../types';

/** GET /__control/ledger?system=&operation=&idempotencyKey=&includeReplays=true, DELETE to clear. */
export function ledgerRoutes(ledger: InMemoryLedger): Router {
  const router = Router();
  router.get('/', (req, res) => {
    const system = single(req.query.system);
    if (system !== undefined && !(SIMULATED_SYSTEMS as readonly string[]).includes(system)) {
      res.status(400).json({ error: 'invalid_query', message: `system must be one of ${SIMULATED_SYSTEMS.join(', ')}` });
      return;
    }
    const filter: LedgerFilter = { includeReplays: single(req.query.includeReplays) === 'true' };
    if (system !== undefined) filter.system = system as SimulatedSystem;
    const operation = single(req.query.operation);
    if (operation !== undefined) filter.operation = operation;
    const idempotencyKey = single(req.query.idempotencyKey);
    if (idempotencyKey !== undefined) filter.idempotencyKey = idempotencyKey;
    res.json({ entries: ledger.entries(filter) });
  });
  router.delete('/', (_req, res) => {
    ledger.clear();
    res.status(204).end();
  });
  return router;
}
