import { Router } from 'express';
import type { SimulationContext } from '../core/context';
import type { SimulatorModule } from '../systems/module';
import type { TrackingStore } from '../tracking/store';
import { faultRoutes } from './faults-routes';
import { ledgerRoutes } from './ledger-routes';
import { trackingPushRoutes } from './tracking-push-routes';

/** Everything under /__control: the test's side door into the simulators. */
export function controlRoutes(ctx: SimulationContext, tracking: TrackingStore, modules: SimulatorModule[]): Router {
  const router = Router();
  router.use('/ledger', ledgerRoutes(ctx.ledger));
  router.use('/faults', faultRoutes(ctx.faults));
  router.use('/tracking-push', trackingPushRoutes(ctx, tracking));
  // Back to a freshly started server: ledger, faults, idempotency memory, ids and every system's state.
  router.post('/reset', (_req, res) => {
    ctx.ledger.clear();
    ctx.faults.clear();
    ctx.idempotency.clear();
    ctx.ids.clear();
    tracking.clear();
    for (const m of modules) m.reset();
    res.status(204).end();
  });
  for (const m of modules) {
    if (m.control !== undefined) router.use(m.mountPath, m.control);
  }
  return router;
}
