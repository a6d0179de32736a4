import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { Connection, Client } from '@temporalio/client';
import { createDb } from '../store/database';
import { createApp } from '../api/app';
import { CaseService } from '../api/case-service';
import { startRedeliverySweeper } from '../api/webhooks/redelivery-sweeper';
import { ConfigError, loadConfig, type AppConfig } from '../config';
import { migrateToLatest } from '../migrations';
import { caseDataConverter } from '../codec/data-converter';
import { startSimulators } from '../simulators';
import { connectWorker, createCaseWorker } from '../worker/create-worker';
import { installTemporalRuntime } from '../worker/runtime';
import { resolveDatabase } from './postgres';
import { ensureTemporalCli, startDevServer, type DevServer } from './temporal-cli';

/**
 * `npm start`: the whole stack on embedded defaults, in one terminal. Temporal dev server with
 * its Web UI (unless TEMPORAL_ADDRESS already answers), PostgreSQL (configured, local, or
 * embedded), migrations, simulators, worker and API. Ctrl-C stops every part, newest first.
 */

const log = (line: string) => console.log(`[stack] ${line}`);

async function temporalAnswers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1_000 });
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Where the Temporal UI sends payloads to decode: the API's codec behind the UI's secret path
 * (api/codec-server.ts), so a supervisor who opens the dev UI sees cases decoded.
 */
function uiCodecEndpoint(config: AppConfig): string | undefined {
  if (!config.codecServer.uiSecret) return undefined;
  const host = ['0.0.0.0', '::'].includes(config.host) ? '127.0.0.1' : config.host;
  return `http://${host}:${config.port}/codec/ui/${config.codecServer.uiSecret}`;
}

async function ensureTemporal(config: AppConfig, dataDir: string): Promise<DevServer | undefined> {
  const { address } = config.temporal;
  const codecEndpoint = uiCodecEndpoint(config);
  if (await temporalAnswers(address)) {
    log(`Temporal: using the server already at ${address}`);
    if (codecEndpoint) log(`Temporal UI: to see payloads decoded, set its codec endpoint to ${codecEndpoint}`);
    return undefined;
  }
  const [host, portText] = address.split(':') as [string, string];
  if (!['127.0.0.1', 'localhost'].includes(host)) {
    throw new ConfigError(`TEMPORAL_ADDRESS=${address} does not answer, and the stack only starts a dev server on this machine`);
  }
  const port = Number(portText);
  const uiPort = Number(process.env.TEMPORAL_UI_PORT ?? port + 1_000);
  const cliPath = ensureTemporalCli(log);
  mkdirSync(dataDir, { recursive: true });
  const persistent = process.env.TEMPORAL_DB_FILE ?? resolve(dataDir, `temporal-${port}.db`);
  const server = await startDevServer({
    cliPath,
    port,
    uiPort,
    dbFile: persistent === 'memory' ? undefined : persistent,
    ...(codecEndpoint ? { codecEndpoint } : {}),
  });
  log(`Temporal: dev server on ${server.address}, Web UI ${server.uiUrl}${codecEndpoint ? ' (decodes payloads through the API\'s /codec)' : ''}`);
  return server;
}

async function main(): Promise<void> {
  // `npm start` is the one place the dev profile is the default (documented dev tokens and
  // secrets); everywhere else a missing APP_PROFILE means production rules.
  process.env.APP_PROFILE ??= 'dev';
  if (process.env.APP_PROFILE === 'dev') {
    // The dev UI decodes through a secret path of the API's codec, new at every start; its CORS
    // origin is the UI the stack starts (gRPC port + 1000 unless TEMPORAL_UI_PORT says otherwise).
    process.env.CODEC_UI_SECRET ??= randomBytes(24).toString('base64url');
    const grpcPort = Number((process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233').split(':')[1]);
    process.env.TEMPORAL_UI_URL ??= `http://127.0.0.1:${process.env.TEMPORAL_UI_PORT ?? grpcPort + 1_000}`;
  }
  const config = loadConfig();
  const dataDir = resolve(process.env.DATA_DIR ?? '.data');
  installTemporalRuntime('WARN');
  const stops: Array<[string, () => Promise<unknown>]> = [];

  const shutdown = async (code: number) => {
    log('stopping…');
    for (const [name, stop] of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        console.error(`[stack] stopping ${name} failed:`, (error as Error).message);
      }
    }
    log('stopped');
    process.exit(code);
  };
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void shutdown(0);
    });
  }

  try {
    const devServer = await ensureTemporal(config, dataDir);
    if (devServer) stops.push(['temporal', () => devServer.stop()]);

    const database = await resolveDatabase({
      ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
      database: process.env.DATABASE_NAME ?? 'case_orchestrator',
      dataDir,
      log,
    });
    stops.push(['postgres', () => database.stop()]);
    const db = createDb(database.url);
    stops.push(['db pool', () => db.destroy()]);
    const applied = await migrateToLatest(db);
    log(`PostgreSQL: ${database.source}; migrations applied: ${applied.length ? applied.join(', ') : 'none pending'}`);

    if (process.env.SIMULATORS !== 'off') {
      const simulators = await startSimulators({ port: config.simulatorsPort });
      stops.push(['simulators', () => simulators.close()]);
      log(`Simulators: ${simulators.url} (ledger: ${simulators.url}/__control/ledger)`);
    }

    const workerConnection = await connectWorker(config);
    stops.push(['worker connection', () => workerConnection.close()]);
    const worker = await createCaseWorker({ config, db, connection: workerConnection });
    const running = worker.run();
    stops.push(['worker', async () => {
      worker.shutdown();
      await running;
    }]);
    log(`Worker: polling task queue "${config.temporal.taskQueue}"`);

    const clientConnection = await Connection.connect({ address: config.temporal.address });
    stops.push(['client connection', () => clientConnection.close()]);
    const temporal = new Client({ connection: clientConnection, namespace: config.temporal.namespace, dataConverter: caseDataConverter(config) });
    const app = createApp({ config, db, temporal });
    const server: Server = createServer(app);
    // Loopback only unless HOST says otherwise: the dev profile's tokens are documented.
    await new Promise<void>((ready, fail) => {
      server.once('error', fail);
      server.listen(config.port, config.host, () => ready());
    });
    stops.push(['api', () => new Promise<void>((done) => server.close(() => done()))]);
    const sweeper = startRedeliverySweeper({ db, temporal, cases: new CaseService({ db, temporal, config }) }, config.redeliveryIntervalMs);
    stops.push(['redelivery sweeper', () => sweeper.stop()]);
    log(`API: http://${config.host}:${config.port}/v1 (profile ${config.profile}, SLA time scale ${config.slaTimeScale})`);
    log('ready — Ctrl-C stops everything');
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    await shutdown(1);
  }
}

void main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
