import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, loadConfig, type AppConfig } from '../config';
import { installTemporalRuntime } from '../worker/runtime';
import { devProfileCodecDefaults, startApplication, temporalAnswers, uiCodecEndpoint } from './stack/application';
import type { StackHarness } from './stack/harness';
import { runStack } from './stack/lifecycle';
import { ensureTemporalCli } from './temporal-cli';

/**
 * `npm start`: the whole stack on embedded defaults, in one terminal. Temporal dev server with
 * its Web UI (unless TEMPORAL_ADDRESS already answers), PostgreSQL (configured, local, or
 * embedded), migrations, simulators, worker and API (scripts/stack/application.ts, shared with
 * `npm run start:cluster`). Ctrl-C stops every part, newest first.
 */

const log = (line: string) => console.log(`[stack] ${line}`);

/** The dev server, unless a Temporal server already answers at TEMPORAL_ADDRESS. */
async function ensureTemporal(stack: StackHarness, config: AppConfig, dataDir: string): Promise<void> {
  const { address } = config.temporal;
  const codecEndpoint = uiCodecEndpoint(config);
  if (await temporalAnswers(address)) {
    log(`Temporal: using the server already at ${address}`);
    if (codecEndpoint) log(`Temporal UI: to see payloads decoded, set its codec endpoint to ${codecEndpoint}`);
    return;
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
  const server = await stack.temporal({
    mode: 'dev',
    cliPath,
    port,
    uiPort,
    ...(persistent === 'memory' ? {} : { dbFile: persistent }),
    ...(codecEndpoint ? { codecEndpoint } : {}),
  });
  log(`Temporal: dev server on ${server.address}, Web UI ${server.uiUrl}${codecEndpoint ? " (decodes payloads through the API's /codec)" : ''}`);
}

async function main(): Promise<void> {
  // `npm start` is the one place the dev profile is the default (documented dev tokens and
  // secrets); everywhere else a missing APP_PROFILE means production rules.
  process.env.APP_PROFILE ??= 'dev';
  if (process.env.APP_PROFILE === 'dev') {
    // The UI the stack starts: gRPC port + 1000 unless TEMPORAL_UI_PORT says otherwise.
    const grpcPort = Number((process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233').split(':')[1]);
    devProfileCodecDefaults(`http://127.0.0.1:${process.env.TEMPORAL_UI_PORT ?? grpcPort + 1_000}`);
  }
  const config = loadConfig();
  const dataDir = resolve(process.env.DATA_DIR ?? '.data');
  installTemporalRuntime('WARN');

  await runStack(log, async (stack) => {
    await ensureTemporal(stack, config, dataDir);
    // The launcher's database outlives it (keep); the application migrates it and says what it applied.
    const database = await stack.database({
      ...(config.databaseUrl ? { url: config.databaseUrl } : {}),
      name: process.env.DATABASE_NAME ?? 'case_orchestrator',
      dataDir,
      log,
      keep: true,
      migrate: false,
    });
    await startApplication({ config, databaseUrl: database.url, databaseSource: database.source, stack, log });
  });
}

void main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
