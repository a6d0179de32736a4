import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { sql } from 'kysely';
import { createApp } from '../../api/app';
import { caseDataConverter, WORKFLOW_BUNDLE_CONVERTERS } from '../../codec/data-converter';
import { loadConfig } from '../../config';
import { loadWorkerSettings, type WorkerSettings } from '../../config/worker-settings';
import { temporalServerPorts } from '../../deploy/topology';
import { freePort } from '../../fixtures/free-port';
import { stackEnv } from '../../fixtures/stack-env';
import { migrateToLatest } from '../../migrations';
import { createDatabaseIfMissing, dropDatabase, LOCAL_SERVER_URL, withDatabase } from '../../scripts/postgres';
import { startChild, waitUntilReady, type Child } from '../../scripts/stack/child-process';
import { ensureTemporalCli, startDevServer } from '../../scripts/temporal-cli';
import { startCluster } from '../../scripts/temporal-server';
import { startSimulators } from '../../simulators';
import { createDb, type Db } from '../../store/database';
import { WORKFLOWS_PATH } from '../../worker/create-worker';
import { writeScalePolicy } from './policy';
import { procMemory } from './proc';
import { scrapeMetrics } from './prometheus';

/**
 * One topology's stack for the scale bench: a Temporal server (the cluster on PostgreSQL with
 * databases of its own, or the dev server on a SQLite file), a fresh read-model database, the
 * simulators, the API in this process and the case worker in a child process of its own (so its
 * RSS and CPU in /proc are the worker's alone). `stop()` takes everything down and drops the
 * databases and files it made, also after a failed start.
 */

export type TopologyName = 'cluster' | 'dev';

const ROOT = resolve(__dirname, '../..');
const TASK_QUEUE = 'cases-scale';

export interface ScaleStack {
  topology: TopologyName;
  temporalAddress: string;
  apiUrl: string;
  client: Client;
  db: Db;
  serverUrl: string;
  readModelDatabase: string;
  /** The cluster's persistence and visibility databases. */
  temporalDatabases?: { temporal: string; visibility: string };
  /** The dev server's SQLite file. */
  sqliteFile?: string;
  worker: Child;
  workerPid: number;
  workerMetricsUrl: string;
  /** The worker's RSS once it polls, before any case: what the cases add is measured from here. */
  workerRssAtStartMiB: number;
  /** The WORKER_* variables given, and the settings the worker runs with. */
  workerSettings: { env: Record<string, string>; effective: WorkerSettings };
  stop(): Promise<void>;
}

type Log = (line: string) => void;

/** A frontend port whose whole layout (history, matching, worker, HTTP, membership) is free. */
async function freeClusterPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Membership ports are stored as a PostgreSQL smallint: the whole layout stays below 32768.
    const frontend = 10_300 + Math.floor(Math.random() * 21_000);
    const ports = Object.values(temporalServerPorts(frontend));
    if ((await Promise.all(ports.map(portIsFree))).every(Boolean)) return frontend;
  }
  throw new Error('no free port layout for a Temporal cluster');
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** The worker settings the bench passes through, when set in its own environment. */
const WORKER_SETTING_NAMES = [
  'WORKER_MAX_CACHED_WORKFLOWS',
  'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS',
  'WORKER_MAX_CONCURRENT_ACTIVITIES',
  'WORKER_WORKFLOW_POLLERS',
  'WORKER_ACTIVITY_POLLERS',
  'WORKER_STICKY_QUEUE_TIMEOUT_MS',
];

export async function startScaleStack(topology: TopologyName, log: Log): Promise<ScaleStack> {
  const stops: Array<[string, () => Promise<unknown>]> = [];
  const stopAll = async () => {
    for (const [name, stop] of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        log(`stopping ${name} failed: ${(error as Error).message}`);
      }
    }
  };
  try {
    const suffix = `${process.pid}_${Date.now().toString(36)}`;
    const serverUrl = process.env.BENCH_DATABASE_SERVER_URL ?? LOCAL_SERVER_URL;
    const workDir = mkdtempSync(join(tmpdir(), `case-scale-${topology}-`));
    stops.push(['work folder', async () => rmSync(workDir, { recursive: true, force: true })]);

    let temporalAddress: string;
    let temporalDatabases: ScaleStack['temporalDatabases'];
    let sqliteFile: string | undefined;
    if (topology === 'cluster') {
      temporalDatabases = { temporal: `scale_temporal_${suffix}`, visibility: `scale_temporal_vis_${suffix}` };
      const names = temporalDatabases;
      // Registered before the start, so a start that fails half-way leaves no database behind.
      stops.push(['temporal databases', () => Promise.all([dropDatabase(serverUrl, names.temporal), dropDatabase(serverUrl, names.visibility)])]);
      const cluster = await startCluster({
        address: `127.0.0.1:${await freeClusterPort()}`,
        postgresUrl: serverUrl,
        databases: temporalDatabases,
        logDir: join(workDir, 'logs'),
        log,
      });
      stops.push(['temporal cluster', () => cluster.stop()]);
      temporalAddress = cluster.address;
    } else {
      sqliteFile = join(workDir, 'temporal-dev.sqlite');
      const devServer = await startDevServer({ cliPath: ensureTemporalCli(log), port: await freePort(), dbFile: sqliteFile, startTimeoutMs: 120_000 });
      stops.push(['temporal dev server', () => devServer.stop()]);
      temporalAddress = devServer.address;
      log(`Temporal dev server on ${temporalAddress}, SQLite ${sqliteFile}`);
    }

    const readModelDatabase = `scale_cases_${topology}_${suffix}`;
    stops.push(['read-model database', () => dropDatabase(serverUrl, readModelDatabase)]);
    await createDatabaseIfMissing(serverUrl, readModelDatabase);
    const databaseUrl = withDatabase(serverUrl, readModelDatabase);
    const db = createDb(databaseUrl);
    stops.push(['db pool', () => db.destroy()]);
    await migrateToLatest(db);

    const simulators = await startSimulators({ port: 0 });
    stops.push(['simulators', () => simulators.close()]);

    const policyFile = join(workDir, 'scale-policy.json');
    writeScalePolicy(policyFile);
    const env = {
      ...stackEnv({ databaseUrl, temporalAddress, taskQueue: TASK_QUEUE, simulatorsUrl: simulators.url }),
      SLA_POLICY_FILE: policyFile,
      LOG_LEVEL: 'warn',
    };
    const config = loadConfig(env);

    // The worker: worker/main.ts in a node process of its own, from a bundle built once here.
    const bundlePath = join(workDir, 'case-workflows.js');
    const quiet = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: log, error: log };
    writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, ...WORKFLOW_BUNDLE_CONVERTERS, logger: quiet })).code);
    const metricsAddress = `127.0.0.1:${await freePort()}`;
    const workerEnv = Object.fromEntries(WORKER_SETTING_NAMES.flatMap((name) => (process.env[name] ? [[name, process.env[name] as string]] : [])));
    const worker = startChild('case worker', process.execPath, ['--import', 'tsx', join(ROOT, 'worker/main.ts')], {
      cwd: ROOT,
      env: { ...process.env, ...env, ...workerEnv, WORKFLOW_BUNDLE_PATH: bundlePath, TEMPORAL_METRICS_ADDRESS: metricsAddress },
      // In the work folder, removed with it: a run that fails prints the worker's last lines instead.
      logFile: join(workDir, 'worker.log'),
      stopGraceMs: 30_000,
    });
    stops.push(['case worker', () => worker.stop()]);
    const workerMetricsUrl = `http://${metricsAddress}/metrics`;
    // Core serves metrics once the worker has registered (its task-slot gauges appear with it).
    await waitUntilReady(
      worker,
      'worker metrics',
      async () => JSON.stringify(await scrapeMetrics(workerMetricsUrl)).includes('temporal_worker_task_slots'),
      120_000,
    );
    await new Promise((settle) => setTimeout(settle, 3_000));
    const workerRssAtStartMiB = procMemory(worker.process.pid as number).rssMiB;
    log(`case worker pid ${String(worker.process.pid)}, RSS ${workerRssAtStartMiB} MiB, metrics ${workerMetricsUrl}`);

    const clientConnection = await Connection.connect({ address: temporalAddress });
    stops.push(['client connection', () => clientConnection.close()]);
    const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace, dataConverter: caseDataConverter(config) });
    const server: Server = createServer(createApp({ config, db, temporal: client, log: () => undefined }));
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
    stops.push(['api', () => new Promise<void>((done) => server.close(() => done()))]);
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    return {
      topology,
      temporalAddress,
      apiUrl,
      client,
      db,
      serverUrl,
      readModelDatabase,
      ...(temporalDatabases ? { temporalDatabases } : {}),
      ...(sqliteFile ? { sqliteFile } : {}),
      worker,
      workerPid: worker.process.pid as number,
      workerMetricsUrl,
      workerRssAtStartMiB,
      workerSettings: { env: workerEnv, effective: loadWorkerSettings(workerEnv) },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Sizes in MiB: the read model's database, the cluster's two databases, the dev server's SQLite file (+ WAL). */
export async function storageSizes(stack: ScaleStack): Promise<Record<string, number>> {
  const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  const names = [stack.readModelDatabase, ...(stack.temporalDatabases ? [stack.temporalDatabases.temporal, stack.temporalDatabases.visibility] : [])];
  const rows = await sql<{
    name: string;
    bytes: string;
  }>`select datname as name, pg_database_size(datname)::text as bytes from pg_database where datname in (${sql.join(names)})`.execute(stack.db);
  const byName = new Map(rows.rows.map((row) => [row.name, Number(row.bytes)]));
  const sizes: Record<string, number> = { readModelPgMiB: mib(byName.get(stack.readModelDatabase) ?? Number.NaN) };
  if (stack.temporalDatabases) {
    sizes.temporalPgMiB = mib(byName.get(stack.temporalDatabases.temporal) ?? Number.NaN);
    sizes.temporalVisibilityPgMiB = mib(byName.get(stack.temporalDatabases.visibility) ?? Number.NaN);
  }
  if (stack.sqliteFile) {
    const file = stack.sqliteFile;
    const size = (path: string) => (existsSync(path) ? statSync(path).size : 0);
    sizes.temporalSqliteMiB = mib(size(file) + size(`${file}-wal`) + size(`${file}-shm`));
  }
  return sizes;
}
