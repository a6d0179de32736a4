import { Client, Connection } from '@temporalio/client';
import { caseDataConverter } from '../codec/data-converter';
import { ConfigError, loadConfig } from '../config';
import { migrateToLatest } from '../migrations';
import { ensureTemporalNamespace } from '../platform/temporal-namespace';
import { createDb } from '../store/database';
import { createApp } from './app';
import { createApiServer } from './http-server';
import { createLogger } from './logging';
import { CaseService } from './case-service';
import { startRedeliverySweeper } from './webhooks/redelivery-sweeper';
import { ensureWatchlistSchedule } from './watchlist-schedule';

/**
 * Runs the API on its own, as a container does (docker-compose.yml's `api` service):
 * `tsx api/main.ts` with DATABASE_URL set. The launchers (`npm start`, `npm run start:cluster`)
 * run the same app in one process with the worker instead.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new ConfigError('DATABASE_URL must be set for a standalone API');
  const logger = createLogger({ level: config.platform.logLevel, component: 'api' });
  const db = createDb(config.databaseUrl);
  // The API reads the tables it serves; the worker migrates too, and whichever starts first wins
  // (kysely's migrator takes a lock).
  await migrateToLatest(db);
  const connection = await Connection.connect({ address: config.temporal.address });
  // A server this process did not set up may lack the namespace or the search attributes the
  // API's searches and starts name; a wrong type stops start-up here with its name.
  await ensureTemporalNamespace(connection, { namespace: config.temporal.namespace, log: (line) => logger.info(line) });
  const temporal = new Client({ connection, namespace: config.temporal.namespace, dataConverter: caseDataConverter(config) });

  const server = createApiServer(createApp({ config, db, temporal, logger }), config.platform.http);
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(config.port, config.host, () => ready());
  });
  const sweeper = startRedeliverySweeper({ db, temporal, cases: new CaseService({ db, temporal, config }) }, config.redeliveryIntervalMs);
  // The watchlist's schedule (docs/integrations.md); the policy file's watchlist section in force.
  await ensureWatchlistSchedule(temporal, config);
  logger.info({ temporal: config.temporal.address, namespace: config.temporal.namespace }, `API listening on http://${config.host}:${config.port}/v1`);

  const stop = async () => {
    await new Promise<void>((done) => server.close(() => done()));
    await sweeper.stop();
    await connection.close();
    await db.destroy();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
