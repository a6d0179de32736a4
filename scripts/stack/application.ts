import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { Connection, Client } from '@temporalio/client';
import { createApp } from '../../api/app';
import { createApiServer } from '../../api/http-server';
import { CaseService } from '../../api/case-service';
import { startRedeliverySweeper } from '../../api/webhooks/redelivery-sweeper';
import { ensureWatchlistSchedule } from '../../api/watchlist-schedule';
import { caseDataConverter } from '../../codec/data-converter';
import type { AppConfig } from '../../config';
import { migrateToLatest } from '../../migrations';
import { ensureTemporalNamespace } from '../../platform/temporal-namespace';
import { caseWorkerVersion, connectWorker, createCaseWorker } from '../../worker/create-worker';
import { versionString } from '../../worker/deployment-version';
import type { Log, StackHarness } from './harness';

/**
 * The product's own processes, the same whichever Temporal server runs underneath (the dev server
 * of `npm start`, the full cluster of `npm run start:cluster`): migrations, simulators, the
 * namespace check, the worker and the API with its redelivery sweeper.
 */

export async function temporalAnswers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1_000 });
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * The dev profile's Temporal UI decodes cases through a secret path of the API's codec
 * (api/codec-server.ts), new at every start, and the codec's CORS origin is the UI the stack
 * starts. Call before loadConfig().
 */
export function devProfileCodecDefaults(uiUrl: string): void {
  process.env.CODEC_UI_SECRET ??= randomBytes(24).toString('base64url');
  process.env.TEMPORAL_UI_URL ??= uiUrl;
}

/**
 * Where the Temporal UI sends payloads to decode: the API's codec behind the UI's secret path, so
 * a supervisor who opens the stack's UI sees cases decoded. Undefined without CODEC_UI_SECRET.
 */
export function uiCodecEndpoint(config: AppConfig): string | undefined {
  if (!config.codecServer.uiSecret) return undefined;
  const host = ['0.0.0.0', '::'].includes(config.host) ? '127.0.0.1' : config.host;
  return `http://${host}:${config.port}/codec/ui/${config.codecServer.uiSecret}`;
}

export interface ApplicationOptions {
  config: AppConfig;
  /** The product's database (read model, audit trail, outbox), created already. */
  databaseUrl: string;
  databaseSource: string;
  stack: StackHarness;
  log: Log;
}

export async function startApplication({ config, databaseUrl, databaseSource, stack, log }: ApplicationOptions): Promise<void> {
  const db = stack.pool(databaseUrl);
  const applied = await migrateToLatest(db);
  log(`PostgreSQL: ${databaseSource}; migrations applied: ${applied.length ? applied.join(', ') : 'none pending'}`);

  if (process.env.SIMULATORS !== 'off') {
    const simulators = await stack.simulators({ port: config.simulatorsPort });
    log(`Simulators: ${simulators.url} (ledger: ${simulators.url}/__control/ledger)`);
  }

  const clientConnection = await Connection.connect({ address: config.temporal.address });
  stack.started('client connection', () => clientConnection.close());
  // The API's and the worker's start-up check (they share this process here): a server this
  // launcher did not start may lack the namespace or the search attributes.
  await ensureTemporalNamespace(clientConnection, { namespace: config.temporal.namespace, log });

  const workerConnection = await connectWorker(config);
  stack.started('worker connection', () => workerConnection.close());
  const worker = await createCaseWorker({ config, db, connection: workerConnection });
  stack.runWorker('worker', worker);
  // Cases the API opens must start on this worker's version: with WORKER_PROMOTE=on-start (the dev
  // profile's default) the worker makes itself current; with `manual` the API serves at once and
  // new cases wait until an operator promotes a version (`npm run ops -- versions promote`).
  const { version, promote, current } = caseWorkerVersion(worker);
  if (promote === 'on-start') await current;
  log(
    `Worker: polling task queue "${config.temporal.taskQueue}" as version ${versionString(version)}` +
      (promote === 'on-start' ? ' (current)' : ` (promote it: npm run ops -- versions promote ${version.buildId})`),
  );

  const temporal = new Client({ connection: clientConnection, namespace: config.temporal.namespace, dataConverter: caseDataConverter(config) });
  const app = createApp({ config, db, temporal });
  const server: Server = createApiServer(app, config.platform.http);
  // Loopback only unless HOST says otherwise: the dev profile's tokens are documented.
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(config.port, config.host, () => ready());
  });
  stack.started('api', () => new Promise<void>((done) => server.close(() => done())));
  const sweeper = startRedeliverySweeper({ db, temporal, cases: new CaseService({ db, temporal, config }) }, config.redeliveryIntervalMs);
  stack.started('redelivery sweeper', () => sweeper.stop());
  log(`Watchlist schedule ${await ensureWatchlistSchedule(temporal, config)} (every ${config.watchlist.intervalMs} ms)`);
  log(`API: http://${config.host}:${config.port}/v1 (profile ${config.profile}, SLA time scale ${config.slaTimeScale})`);
}
