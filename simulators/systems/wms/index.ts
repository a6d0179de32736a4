import { Router } from 'express';
import type { SimulationContext } from '../../core/context';
import type { SimulatorModule } from '../module';
import { wmsControlRoutes } from './control';
import { wmsRoutes } from './routes';
import { WmsState } from './state';

/** The warehouse under /wms, its test setup under /__control/wms. */
export function wmsModule(ctx: SimulationContext): SimulatorModule {
  const state = new WmsState(ctx.now);
  const routes = Router();
  routes.use('/v1', wmsRoutes(ctx, state));
  return { mountPath: '/wms', routes, control: wmsControlRoutes(ctx, state), reset: () => state.clear() };
}
