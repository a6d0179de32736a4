import { Client, Connection } from '@temporalio/client';
import { createDb } from '../store/database';
import { createApp } from '../api/app';
import { createApiServer } from '../api/http-server';
import { ConfigError, loadConfig } from '../config';
import { caseDataConverter } from '../codec/data-converter';

/**
 * The API on its own, as `npm run chaos` runs it: one process that can be watched, killed and
 * restarted apart from the worker. Listens on 127.0.0.1:PORT; DATABASE_URL must be set (the run's
 * migrated database). Prints `api listening on <url>` once it answers.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new ConfigError('DATABASE_URL must be set for a standalone API');
  const db = createDb(config.databaseUrl);
  const connection = await Connection.connect({ address: config.temporal.address });
  const temporal = new Client({ connection, namespace: config.temporal.namespace, dataConverter: caseDataConverter(config) });
  const server = createApiServer(createApp({ config, db, temporal }), config.platform.http);
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(config.port, '127.0.0.1', () => ready());
  });
  console.log(`api listening on http://127.0.0.1:${config.port}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      server.close();
      server.closeAllConnections();
      void Promise.allSettled([connection.close(), db.destroy()]).then(() => process.exit(0));
    });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
