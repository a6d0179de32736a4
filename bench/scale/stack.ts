import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { sql } from 'kysely';
import { loadConfig } from '../../config';
import { loadWorkerSettings, type WorkerSettings } from '../../config/worker-settings';
import { freePort } from '../../fixtures/free-port';
import { stackEnv } from '../../fixtures/stack-env';
import { LOCAL_SERVER_URL } from '../../scripts/postgres';
import { waitUntilReady, type Child } from '../../scripts/stack/child-process';
import { StackHarness } from '../../scripts/stack/harness';
import type { Db } from '../../store/database';
import { buildIdOfBundle, untilCurrent } from '../../worker/deployment-version';
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
  const stack = new StackHarness(log);
  try {
    const suffix = `${process.pid}_${Date.now().toString(36)}`;
    const serverUrl = process.env.BENCH_DATABASE_SERVER_URL ?? LOCAL_SERVER_URL;
    const workDir = stack.workDir(`case-scale-${topology}-`);

    let temporalAddress: string;
    let temporalDatabases: ScaleStack['temporalDatabases'];
    let sqliteFile: string | undefined;
    if (topology === 'cluster') {
      temporalDatabases = { temporal: `scale_temporal_${suffix}`, visibility: `scale_temporal_vis_${suffix}` };
      const cluster = await stack.temporal(
        { mode: 'cluster', postgresUrl: serverUrl, databases: temporalDatabases, logDir: join(workDir, 'logs') },
        { dropDatabases: true },
      );
      temporalAddress = cluster.address;
    } else {
      sqliteFile = join(workDir, 'temporal-dev.sqlite');
      const devServer = await stack.temporal({ mode: 'dev', dbFile: sqliteFile, startTimeoutMs: 120_000 });
      temporalAddress = devServer.address;
      log(`Temporal dev server on ${temporalAddress}, SQLite ${sqliteFile}`);
    }

    // Always on a server (never an embedded one): the sizes measured are a real server's.
    const readModel = await stack.database({ name: `scale_cases_${topology}_${suffix}`, serverUrl });
    const databaseUrl = readModel.url;
    const db = stack.pool(databaseUrl);

    const simulators = await stack.simulators();

    const policyFile = join(workDir, 'scale-policy.json');
    writeScalePolicy(policyFile);
    const env = {
      ...stackEnv({ databaseUrl, temporalAddress, taskQueue: TASK_QUEUE, simulatorsUrl: simulators.url }),
      SLA_POLICY_FILE: policyFile,
      LOG_LEVEL: 'warn',
    };
    const config = loadConfig(env);

    // The worker: worker/main.ts in a node process of its own, from a bundle built once here.
    const bundlePath = await stack.workflowBundle(join(workDir, 'case-workflows.js'));
    const metricsAddress = `127.0.0.1:${await freePort()}`;
    const workerEnv = Object.fromEntries(WORKER_SETTING_NAMES.flatMap((name) => (process.env[name] ? [[name, process.env[name] as string]] : [])));
    const worker = stack.workerProcess({
      env: { ...process.env, ...env, ...workerEnv, WORKFLOW_BUNDLE_PATH: bundlePath, TEMPORAL_METRICS_ADDRESS: metricsAddress },
      // In the work folder, removed with it: a run that fails prints the worker's last lines instead.
      logFile: join(workDir, 'worker.log'),
      stopGraceMs: 30_000,
    });
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

    const client: Client = await stack.client(temporalAddress, config);
    // The worker makes its version current once it polls (WORKER_PROMOTE=on-start in the dev
    // profile); a case started before that would wait for a current version.
    await untilCurrent(client, { deploymentName: config.deployment.deploymentName, buildId: buildIdOfBundle(bundlePath) }, { timeoutMs: 120_000 });
    const apiUrl = await stack.api({ config, db, temporal: client });

    return {
      topology,
      temporalAddress,
      apiUrl,
      client,
      db,
      serverUrl,
      readModelDatabase: readModel.name,
      ...(temporalDatabases ? { temporalDatabases } : {}),
      ...(sqliteFile ? { sqliteFile } : {}),
      worker,
      workerPid: worker.process.pid as number,
      workerMetricsUrl,
      workerRssAtStartMiB,
      workerSettings: { env: workerEnv, effective: loadWorkerSettings(workerEnv) },
      stop: () => stack.stop(),
    };
  } catch (error) {
    await stack.stop();
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
