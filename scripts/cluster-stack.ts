import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from '../config';
import { TOPOLOGY } from '../deploy/topology';
import { installTemporalRuntime } from '../worker/runtime';
import { devProfileCodecDefaults, startApplication, temporalAnswers, uiCodecEndpoint } from './stack/application';
import { runStack } from './stack/lifecycle';
import { ensureClusterBinaries, startTemporalUi } from './temporal-server';

/**
 * `npm run start:cluster`: the production topology in one terminal, without Docker. The full
 * Temporal server (built with Go on first use) on PostgreSQL for persistence and visibility, with
 * several history shards, its Web UI decoding payloads through the API's codec endpoint, and the
 * product's migrations, simulators, worker and API (the same code `npm start` runs on the dev
 * server). Ports, shards and database names come from deploy/topology.ts; docker-compose.yml
 * describes the same topology. A Temporal server already answering at TEMPORAL_ADDRESS is used as
 * it is. Ctrl-C stops every part, newest first.
 */

// The same prefix as `npm start`: one stack, whichever Temporal server runs under it.
const log = (line: string) => console.log(`[stack] ${line}`);

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  process.env.APP_PROFILE ??= 'dev';
  const uiPort = Number(process.env.TEMPORAL_UI_PORT ?? TOPOLOGY.ports.ui);
  // Links in case histories and the codec's CORS allow-list point at this topology's UI, which
  // in the dev profile decodes through the codec's secret path.
  if (process.env.APP_PROFILE === 'dev') devProfileCodecDefaults(`http://127.0.0.1:${uiPort}`);
  process.env.TEMPORAL_UI_URL ??= `http://127.0.0.1:${uiPort}`;
  const config = loadConfig();
  const dataDir = resolve(process.env.DATA_DIR ?? '.data');
  installTemporalRuntime('WARN');

  await runStack(log, async (stack) => {
    // The launcher's database outlives it (keep); the application migrates it and says what it applied.
    const database = await stack.database({
      ...(config.databaseUrl ? { url: config.databaseUrl } : {}),
      name: process.env.DATABASE_NAME ?? TOPOLOGY.databases.cases,
      dataDir,
      log,
      keep: true,
      migrate: false,
    });

    const { address } = config.temporal;
    // Outside the dev profile the UI's codec endpoint is the operator's to give (a UI behind its
    // own sign-in passes its token: TEMPORAL_CODEC_PASS_ACCESS_TOKEN=true).
    const codecEndpoint = process.env.TEMPORAL_CODEC_ENDPOINT ?? uiCodecEndpoint(config);
    const logDir = join(dataDir, 'cluster');
    if (await temporalAnswers(address)) {
      // Worded without "ready": scripts and tests wait for that word to know the whole stack is up.
      log(`Temporal: using the running server at ${address}`);
      // Its UI too when one answers on the UI port; else this stack's UI, decoding through this API.
      if (!(await answers(`http://127.0.0.1:${uiPort}`))) {
        const ui = await startTemporalUi({
          binaries: ensureClusterBinaries(log),
          address,
          port: uiPort,
          namespace: config.temporal.namespace,
          ...(codecEndpoint ? { codecEndpoint } : {}),
          logDir,
          log,
          timeoutMs: 60_000,
        });
        stack.started('temporal ui', () => ui.stop());
      }
    } else {
      const host = address.split(':')[0] as string;
      if (!['127.0.0.1', 'localhost'].includes(host)) {
        throw new ConfigError(`TEMPORAL_ADDRESS=${address} does not answer, and the cluster launcher only starts a server on this machine`);
      }
      // Temporal's databases persist like the product's: the harness is not asked to drop them.
      await stack.temporal({
        mode: 'cluster',
        address,
        uiPort,
        ...(codecEndpoint ? { codecEndpoint } : {}),
        postgresUrl: database.serverUrl,
        databases: {
          temporal: process.env.TEMPORAL_DB_NAME ?? TOPOLOGY.databases.temporal,
          visibility: process.env.TEMPORAL_VISIBILITY_DB_NAME ?? TOPOLOGY.databases.visibility,
        },
        namespace: config.temporal.namespace,
        logDir,
      });
    }

    await startApplication({ config, databaseUrl: database.url, databaseSource: database.source, stack, log });
    log(`started in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  });
}

void main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
