import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createDb } from '../../store/database';
import { migrateToLatest } from '../../migrations';
import { dropDatabase, resolveDatabase, withDatabase } from '../../scripts/postgres';
import { ensureTemporalCli, startDevServer } from '../../scripts/temporal-cli';
import { startCluster } from '../../scripts/temporal-server';
import { temporalServerPorts } from '../../deploy/topology';
import { WORKFLOWS_PATH } from '../../worker/create-worker';
import { WORKFLOW_BUNDLE_CONVERTERS } from '../../codec/data-converter';
import { freePort } from '../../fixtures/free-port';

/**
 * Once per `jest` run, for the integration project: a real Temporal server, a fresh PostgreSQL
 * database migrated to latest, and the workflow bundle built once. Test files read the addresses
 * from the environment.
 *
 * TEMPORAL_MODE picks the server: `dev` (default) is the CLI's dev server, in memory, headless,
 * search attributes registered; `cluster` is the production topology of `npm run start:cluster`
 * (the full server on PostgreSQL with 4 history shards; each e2e stack starts its Web UI) on
 * ports and databases of this run's own, with the namespace and search attributes ensured the
 * way the API and the worker do it at start-up.
 */

export type TemporalMode = 'dev' | 'cluster';

export function temporalMode(env: NodeJS.ProcessEnv = process.env): TemporalMode {
  const mode = env.TEMPORAL_MODE ?? 'dev';
  if (mode !== 'dev' && mode !== 'cluster') throw new Error(`TEMPORAL_MODE must be "dev" or "cluster", not "${mode}"`);
  return mode;
}

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
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

interface Running {
  temporal: { stop(): Promise<void> };
  serverUrl: string;
  /** The product's database, and in cluster mode Temporal's two. */
  databases: string[];
  stopPostgres: () => Promise<void>;
}

declare global {
  var __caseTestStack: Running | undefined;
}

export default async function globalSetup(): Promise<void> {
  const mode = temporalMode();
  const cliPath = ensureTemporalCli((line) => process.stderr.write(`${line}\n`));

  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  const database = `cases_test_${suffix}`;
  const resolved = await resolveDatabase({
    ...(process.env.TEST_DATABASE_SERVER_URL ? { databaseUrl: withDatabase(process.env.TEST_DATABASE_SERVER_URL, database) } : {}),
    database,
    dataDir: join(tmpdir(), 'case-orchestrator-test-pg'),
  });
  const serverUrl = withDatabase(resolved.url, 'postgres');
  const databases = [database];

  let temporal: Running['temporal'];
  let address: string;
  if (mode === 'cluster') {
    const temporalDbs = { temporal: `temporal_test_${suffix}`, visibility: `temporal_vis_test_${suffix}` };
    databases.push(temporalDbs.temporal, temporalDbs.visibility);
    const started = Date.now();
    const cluster = await startCluster({
      address: `127.0.0.1:${await freeClusterPort()}`,
      postgresUrl: serverUrl,
      databases: temporalDbs,
      logDir: mkdtempSync(join(tmpdir(), 'case-cluster-')),
      log: (line) => process.stderr.write(`[cluster] ${line}\n`),
    }).catch(async (error: unknown) => {
      // Jest runs no teardown after a failed setup: leave no databases behind.
      for (const name of databases) await dropDatabase(serverUrl, name).catch(() => undefined);
      throw error;
    });
    process.stderr.write(`[cluster] ready for the tests in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    temporal = cluster;
    address = cluster.address;
  } else {
    const devServer = await startDevServer({ cliPath, port: await freePort() });
    temporal = devServer;
    address = devServer.address;
  }

  const db = createDb(resolved.url, { max: 2 });
  await migrateToLatest(db);
  await db.destroy();

  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, ...WORKFLOW_BUNDLE_CONVERTERS, logger: quietLogger });
  const bundlePath = join(mkdtempSync(join(tmpdir(), 'case-wf-')), 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);

  process.env.TEST_TEMPORAL_MODE = mode;
  process.env.TEST_TEMPORAL_ADDRESS = address;
  process.env.TEST_DATABASE_URL = resolved.url;
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
  process.env.TEMPORAL_CLI_PATH = cliPath;
  globalThis.__caseTestStack = { temporal, serverUrl, databases, stopPostgres: resolved.stop };
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => process.stderr.write(`${message}\n`),
  error: (message: string) => process.stderr.write(`${message}\n`),
};
