import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createDb } from '../../store/database';
import { migrateToLatest } from '../../migrations';
import { resolveDatabase, withDatabase } from '../../scripts/postgres';
import { ensureTemporalCli, startDevServer, type DevServer } from '../../scripts/temporal-cli';
import { WORKFLOWS_PATH } from '../../worker/create-worker';
import { WORKFLOW_BUNDLE_CONVERTERS } from '../../codec/data-converter';
import { freePort } from '../../fixtures/free-port';

/**
 * Once per `jest` run, for the integration project: a real Temporal dev server (in memory,
 * headless, search attributes registered), a fresh PostgreSQL database migrated to latest, and
 * the workflow bundle built once. Test files read the addresses from the environment.
 */


interface Running {
  devServer: DevServer;
  serverUrl: string;
  database: string;
  stopPostgres: () => Promise<void>;
}

declare global {
   
  var __caseTestStack: Running | undefined;
}

export default async function globalSetup(): Promise<void> {
  const cliPath = ensureTemporalCli((line) => process.stderr.write(`${line}\n`));
  const port = await freePort();
  const devServer = await startDevServer({ cliPath, port });

  const database = `cases_test_${process.pid}_${Date.now().toString(36)}`;
  const resolved = await resolveDatabase({
    ...(process.env.TEST_DATABASE_SERVER_URL ? { databaseUrl: withDatabase(process.env.TEST_DATABASE_SERVER_URL, database) } : {}),
    database,
    dataDir: join(tmpdir(), 'case-orchestrator-test-pg'),
  });
  const serverUrl = withDatabase(resolved.url, 'postgres');
  const db = createDb(resolved.url, { max: 2 });
  await migrateToLatest(db);
  await db.destroy();

  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, ...WORKFLOW_BUNDLE_CONVERTERS, logger: quietLogger });
  const bundlePath = join(mkdtempSync(join(tmpdir(), 'case-wf-')), 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);

  process.env.TEST_TEMPORAL_ADDRESS = devServer.address;
  process.env.TEST_DATABASE_URL = resolved.url;
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
  process.env.TEMPORAL_CLI_PATH = cliPath;
  globalThis.__caseTestStack = { devServer, serverUrl, database, stopPostgres: resolved.stop };
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => process.stderr.write(`${message}\n`),
  error: (message: string) => process.stderr.write(`${message}\n`),
};
