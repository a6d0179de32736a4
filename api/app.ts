import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import type { Db } from '../store/database';
import type { AppConfig } from '../config';
import type { IncidentPolicy } from '../config/incident-policy';
import { authenticate } from './auth';
import { codecRouter } from './codec-server';
import { AesGcmPayloadCodec } from '../codec/payload-codec';
import { CaseService } from './case-service';
import { createLogger, requestLogger, silentLogger, type Logger } from './logging';
import { createMetrics } from './metrics';
import { verifyJsonDepth } from './json-depth';
import { HttpProblem, problemErrorHandler } from './problem';
import { WorkQueue } from './queue/work-queue';
import { peopleRouter } from './routes/people';
import { queueRouter } from './routes/queue';
import { perClientLimit, perClientUnauthenticatedWebhookLimit, perPrincipalLimit } from './rate-limit';
import { auditRouter } from './routes/audit';
import { casesRouter } from './routes/cases';
import { customersRouter } from './routes/customers';
import { dashboardDataRouter, dashboardPageRouter } from './routes/dashboard';
import { docsRouter } from './routes/docs';
import { healthRouter } from './routes/health';
import { incidentsRouter } from './routes/incidents';
import { knowledgeRouter } from './routes/knowledge';
import { reportsRouter } from './routes/reports';
import { stuckCasesRouter } from './routes/stuck-cases';
import { StuckCases } from './stuck-cases/stuck-cases';
import { webhooksRouter } from './routes/webhooks';

export interface AppDependencies {
  config: AppConfig;
  db: Db;
  temporal: Client;
  /**
   * Where unexpected errors go. Given without `logger` (tests, benches), the access log is off too:
   * the caller manages its own output. Absent, errors go to the pino logger.
   */
  log?: (message: string, error?: unknown) => void;
  /** The structured logger (api/logging.ts); a JSON logger on stdout at LOG_LEVEL by default. */
  logger?: Logger;
  /** Incident fan-out settings beyond the defaults (config/incident-policy.ts); tests shorten the sweep. */
  incidentPolicy?: Partial<IncidentPolicy>;
}

/** The HTTP API: `/v1` behind bearer tokens, webhooks behind signatures, health, metrics and docs open. */
export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  const { platform } = deps.config;
  const logger = deps.logger ?? (deps.log ? silentLogger() : createLogger({ level: platform.logLevel, component: 'api' }));
  const log = deps.log ?? ((message: string, error?: unknown) => logger.error({ err: error }, message));
  const cases = new CaseService({ ...deps, log });
  const stuckCases = new StuckCases({
    db: deps.db,
    temporal: deps.temporal,
    settings: deps.config.stuckCases,
    feedbackWindowMs: deps.config.slaPolicy.feedback.windowMs,
  });
  const metrics = createMetrics({
    db: deps.db,
    logger,
    stuckCases: () => stuckCases.counts(),
    cacheMs: platform.metricsCacheMs,
    ...(platform.temporalMetricsAddress ? { temporalMetricsAddress: platform.temporalMetricsAddress } : {}),
  });

  // First, so refusals further down (401, 429, 413) are timed, logged and carry a request id.
  app.use(metrics.httpMetrics);
  app.use(requestLogger(logger, platform.logRequestBodies));
  app.use(helmet());

  app.use(healthRouter(deps.db, deps.temporal, log));
  app.use(metrics.router);
  // Webhooks read the raw body for their signatures, so they come before the JSON parser. Unsigned
  // traffic is limited per address in front; signed pushes per provider, once verified (in the router).
  app.use(
    '/v1/webhooks',
    metrics.webhookMetrics,
    perClientUnauthenticatedWebhookLimit(platform.rateLimit),
    webhooksRouter(deps.config, deps.db, cases, deps.temporal, log),
  );
  app.use(['/v1', '/docs', '/dashboard', '/codec'], perClientLimit(platform.rateLimit));
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
  app.use(docsRouter());
  app.use(dashboardPageRouter());
  // Authentication before the body is read: an anonymous caller never gets a byte parsed.
  app.use('/v1', authenticate(deps.config.apiTokens, deps.config.people), perPrincipalLimit(platform.rateLimit));
  app.use(express.json({ limit: '256kb', type: ['application/json', 'application/*+json'], verify: verifyJsonDepth }));
  app.use('/v1/cases', casesRouter(cases, deps.db, deps.config));
  app.use('/v1/audit', auditRouter(deps.config, deps.db));
  app.use('/v1/incidents', incidentsRouter(deps.config, deps.temporal, deps.incidentPolicy));
  // Before the named reports, so `stuck-cases` and `dashboard` are not taken for report names.
  app.use('/v1/reports', stuckCasesRouter(stuckCases), dashboardDataRouter(deps.config, deps.db), reportsRouter(deps.config, deps.db));
  app.use('/v1/customers', customersRouter(deps.db, platform.idempotencyKeyTtlMs));
  const queue = new WorkQueue({ db: deps.db, cases, people: deps.config.people });
  app.use('/v1/queue', queueRouter(queue));
  app.use('/v1', peopleRouter(queue));
  app.use('/v1/knowledge', knowledgeRouter(deps.db, log));
  app.use((req, _res, next) => next(new HttpProblem(404, 'Not found', `No route for ${req.method} ${req.path}`)));
  app.use(problemErrorHandler(log));
  return app;
}
