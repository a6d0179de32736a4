import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { StackHarness } from '../../scripts/stack/harness';
import type { TemporalMode } from '../../scripts/stack/temporal';
import { ensureTemporalCli } from '../../scripts/temporal-cli';

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

export type { TemporalMode } from '../../scripts/stack/temporal';

export function temporalMode(env: NodeJS.ProcessEnv = process.env): TemporalMode {
  const mode = env.TEMPORAL_MODE ?? 'dev';
  if (mode !== 'dev' && mode !== 'cluster') throw new Error(`TEMPORAL_MODE must be "dev" or "cluster", not "${mode}"`);
  return mode;
}

declare global {
  /** The run's stack, for global-teardown.ts to stop. */
  var __caseTestStack: StackHarness | undefined;
}

export default async function globalSetup(): Promise<void> {
  const mode = temporalMode();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const cliPath = ensureTemporalCli(log);
  const stack = new StackHarness(log, (name, error) => log(`could not stop ${name}: ${error.message}`));
  // Jest runs no teardown after a failed setup: whatever started is stopped here, databases dropped.
  try {
    await startTestStack(stack, mode, cliPath);
  } catch (error) {
    await stack.stop();
    throw error;
  }
  process.env.TEMPORAL_CLI_PATH = cliPath;
  globalThis.__caseTestStack = stack;
}

async function startTestStack(stack: StackHarness, mode: TemporalMode, cliPath: string): Promise<void> {
  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  const database = await stack.database({
    name: `cases_test_${suffix}`,
    ...(process.env.TEST_DATABASE_SERVER_URL ? { serverUrl: process.env.TEST_DATABASE_SERVER_URL } : {}),
    dataDir: join(tmpdir(), 'case-orchestrator-test-pg'),
  });

  let address: string;
  if (mode === 'cluster') {
    const started = Date.now();
    const cluster = await stack.temporal(
      {
        mode: 'cluster',
        postgresUrl: database.serverUrl,
        databases: { temporal: `temporal_test_${suffix}`, visibility: `temporal_vis_test_${suffix}` },
        logDir: stack.workDir('case-cluster-', { keep: true }),
        log: (line) => process.stderr.write(`[cluster] ${line}\n`),
      },
      { dropDatabases: true },
    );
    process.stderr.write(`[cluster] ready for the tests in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    address = cluster.address;
  } else {
    address = (await stack.temporal({ mode: 'dev', cliPath })).address;
  }

  const bundlePath = await stack.workflowBundle(join(stack.workDir('case-wf-', { keep: true }), 'workflow-bundle.js'));

  process.env.TEST_TEMPORAL_MODE = mode;
  process.env.TEST_TEMPORAL_ADDRESS = address;
  process.env.TEST_DATABASE_URL = database.url;
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
}
