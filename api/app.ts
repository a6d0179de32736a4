import express, { type Express } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../store/database';
import type { AppConfig } from '../config';
import type { IncidentPolicy } from '../config/incident-policy';
import { authenticate } from './auth';
import { codecRouter } from './codec-server';
import { AesGcmPayloadCodec } from '../codec/payload-codec';
import { CaseService } from './case-service';
import { HttpProblem, problemErrorHandler } from './problem';
import { auditRouter } from './routes/audit';
import { casesRouter } from './routes/cases';
import { customersRouter } from './routes/customers';
import { healthRouter } from './routes/health';
import { incidentsRouter } from './routes/incidents';
import { reportsRouter } from './routes/reports';
import { webhooksRouter } from './routes/webhooks';

export interface AppDependencies {
  config: AppConfig;
  db: Db;
  temporal: Client;
  log?: (message: string, error?: unknown) => void;
  /** Incident fan-out settings beyond the defaults (config/incident-policy.ts); tests shorten the sweep. */
  incidentPolicy?: Partial<IncidentPolicy>;
}

/** The HTTP API: `/v1` behind bearer tokens, webhooks behind signatures, health open. */
export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  const log = deps.log ?? ((message: string, error?: unknown) => console.error(message, error));
  const cases = new CaseService({ ...deps, log });

  app.use(healthRouter(deps.db, deps.temporal, log));
  // Webhooks read the raw body for their signatures, so they come before the JSON parser.
  app.use('/v1/webhooks', webhooksRouter(deps.config, deps.db, cases, deps.temporal, log));
  // The Temporal UI's remote codec: its own CORS, auth and body limit, so before the JSON parser.
  app.use(
    '/codec',
    codecRouter({
      codec: new AesGcmPayloadCodec(deps.config.payloadCodec),
      namespace: deps.config.temporal.namespace,
      allowedOrigins: deps.config.codecServer.allowedOrigins,
      tokens: deps.config.apiTokens,
      ...(deps.config.codecServer.uiSecret ? { uiSecret: deps.config.codecServer.uiSecret } : {}),
    }),
  );
  app.use(express.json({ limit: '256kb', type: ['application/json', 'application/*+json'] }));
  app.use('/v1', authenticate(deps.config.apiTokens));
  app.use('/v1/cases', casesRouter(cases, deps.db, deps.config));
  app.use('/v1/audit', auditRouter(deps.config, deps.db));
  app.use('/v1/incidents', incidentsRouter(deps.config, deps.temporal, deps.incidentPolicy));
  app.use('/v1/reports', reportsRouter(deps.config, deps.db));
  app.use('/v1/customers', customersRouter(deps.db));
  app.use((req, _res, next) => next(new HttpProblem(404, 'Not found', `No route for ${req.method} ${req.path}`)));
  app.use(problemErrorHandler(log));
  return app;
}
