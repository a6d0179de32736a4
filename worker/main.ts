import { createDb } from '../store/database';
import { ConfigError, loadConfig } from '../config';
import { migrateToLatest } from '../migrations';
import { ensureTemporalNamespace } from '../platform/temporal-namespace';
import { caseWorkerVersion, connectWorker, createCaseWorker } from './create-worker';
import { versionString } from './deployment-version';
import { createLogger } from '../api/logging';
import { installTemporalRuntime } from './runtime';

/** Runs the case worker on its own: `tsx worker/main.ts` (DATABASE_URL must be set). */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new ConfigError('DATABASE_URL must be set for a standalone worker');
  // One JSON log for the worker's own lines and the SDK's (worker/runtime.ts).
  const logger = createLogger({ level: config.platform.logLevel, component: 'worker' });
  installTemporalRuntime('WARN', { logger: logger.child({ component: 'temporal' }) });
  const db = createDb(config.databaseUrl);
  await migrateToLatest(db);
  const connection = await connectWorker(config);
  // A server this process did not set up (a fresh cluster, a shared one) may lack the namespace or
  // the search attributes the workflows write; a wrong type stops start-up here with its name.
  await ensureTemporalNamespace(connection, { namespace: config.temporal.namespace, log: (line) => logger.info(line) });
  // A prebuilt workflow bundle starts the worker in a second instead of bundling on every start.
  const bundle = process.env.WORKFLOW_BUNDLE_PATH;
  const worker = await createCaseWorker({ config, db, connection, ...(bundle ? { workflowBundlePath: bundle } : {}) });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => worker.shutdown());
  const metrics = config.platform.temporalMetricsAddress;
  const running = worker.run();
  // With WORKER_PROMOTE=on-start the "worker polling" line comes once this version is the
  // deployment's current one, so whoever waits for the line may start cases on it; with `manual`
  // it comes at once and says how to promote the version.
  const { version, promote, current } = caseWorkerVersion(worker);
  if (promote === 'on-start') await Promise.race([current, running]);
  logger.info(
    {
      taskQueue: config.temporal.taskQueue,
      temporal: config.temporal.address,
      deploymentVersion: versionString(version),
      promote,
      ...(metrics ? { sdkMetrics: `http://${metrics}/metrics` } : {}),
    },
    `worker polling ${config.temporal.taskQueue} on ${config.temporal.address} as version ${versionString(version)}` +
      (promote === 'on-start' ? ' (current)' : ` (not promoted: npm run ops -- versions promote ${version.buildId})`),
  );
  await running;
  await connection.close();
  await db.destroy();
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
