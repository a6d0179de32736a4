import { Router } from 'express';
import type { SimulationContext } from '../../core/context';
import { asRecord, positiveInteger } from '../../core/fields';
import type { TrackingStore } from '../../tracking/store';
import type { SimulatorModule } from '../module';
import { ClaimBook } from './claims';
import { genericCarrierRoutes } from './generic';
import { InstructionBook } from './instructions';
import { jdRoutes } from './jd';
import { kuaidi100Routes } from './kuaidi100';
import { sfRoutes } from './sf';
import type { CarrierState } from './state';

/** Carrier APIs in four dialects over one shared world of parcels. */
export function carrierModule(ctx: SimulationContext, tracking: TrackingStore): SimulatorModule {
  const state: CarrierState = { tracking, instructions: new InstructionBook(), claims: new ClaimBook(ctx.now) };

  const routes = Router();
  routes.use('/generic/v1', genericCarrierRoutes(ctx, state));
  routes.use('/sf', sfRoutes(ctx, state));
  routes.use('/jd', jdRoutes(ctx, state));
  routes.use('/kuaidi100', kuaidi100Routes(ctx, state));

  const control = Router();
  control.get('/claims/settings', (_req, res) => {
    res.json({ pollsUntilPaid: state.claims.getPollsUntilPaid() });
  });
  control.put('/claims/settings', (req, res) => {
    const pollsUntilPaid = positiveInteger(asRecord(req.body).pollsUntilPaid);
    if (pollsUntilPaid === undefined) {
      res.status(400).json({ error: 'invalid_body', message: 'pollsUntilPaid must be a positive integer' });
      return;
    }
    state.claims.setPollsUntilPaid(pollsUntilPaid);
    res.json({ pollsUntilPaid });
  });
  control.get('/instructions/:waybillNo', (req, res) => {
    res.json({ instructions: state.instructions.forWaybill(req.params.waybillNo) });
  });

  return {
    mountPath: '/carrier',
    routes,
    control,
    reset: () => {
      state.instructions.clear();
      state.claims.clear();
    },
  };
}
