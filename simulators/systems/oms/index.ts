import { Router } from 'express';
import type { SimulationContext } from '../../core/context';
import type { SimulatorModule } from '../module';
import { omsControlRoutes } from './control';
import { omsRoutes } from './routes';
import { OmsState } from './state';

/** The platform's order system under /oms, its test setup under /__control/oms. */
export function omsModule(ctx: SimulationContext): SimulatorModule {
  const state = new OmsState();
  const routes = Router();
  routes.use('/v1', omsRoutes(ctx, state));
  return { mountPath: '/oms', routes, control: omsControlRoutes(state), reset: () => state.clear() };
}
