import express, { type Express } from 'express';
import type { SimulationContext } from './core/context';
import { errorHandler, notFound } from './core/http-errors';
import { controlRoutes } from './control';
import { carrierModule } from './systems/carrier';
import { inAppModule } from './systems/inapp';
import { omsModule } from './systems/oms';
import type { SimulatorModule } from './systems/module';
import { paymentsModule } from './systems/payments';
import { smsModule } from './systems/sms';
import { weComModule } from './systems/wecom';
import { wmsModule } from './systems/wms';
import { TrackingStore } from './tracking/store';

/** The one express app hosting every simulated system under its own prefix, plus /__control. */
export function createSimulatorApp(ctx: SimulationContext): Express {
  const tracking = new TrackingStore(ctx.now);
  const modules: SimulatorModule[] = [
    carrierModule(ctx, tracking),
    smsModule(ctx),
    weComModule(ctx),
    inAppModule(ctx),
    wmsModule(ctx),
    paymentsModule(ctx),
    omsModule(ctx),
  ];

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(express.json({ limit: '1mb' }));
  // Carrier open platforms (SF, JD, Kuaidi100) post forms.
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));

  app.use('/__control', controlRoutes(ctx, tracking, modules));
  for (const m of modules) app.use(m.mountPath, m.routes);

  app.use(notFound);
  app.use(errorHandler);
  return app;
}
