import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import {
  TEMPORAL_SERVER_MODULE,
  TEMPORAL_SERVER_VERSION,
  TEMPORAL_UI_MODULE,
  TEMPORAL_UI_VERSION,
  composeEnvironments,
  SERVICES,
  TOPOLOGY,
  temporalServerEnv,
  temporalServerPorts,
  uiServerEnv,
  type PostgresEndpoint,
} from '../deploy/topology';
import { ensureTemporalNamespace } from '../platform/temporal-namespace';
import { createDatabaseIfMissing } from './postgres';
import { startChild, waitUntilReady } from './stack/child-process';
import { hasGo, isExecutable } from './temporal-cli';

/**
 * The full Temporal server on PostgreSQL, as production runs it, on this machine without Docker:
 * builds the server, its schema tool and the Web UI server with `go install` (pinned tags, each in
 * a folder of its own because two of them are called `server`), creates and migrates the
 * persistence and visibility databases, starts the server from deploy/temporal/config/cluster.yaml
 * and the UI with its codec endpoint, and ensures the namespace and search attributes.
 * Every step is idempotent: a second start reuses the binaries and the migrated schemas.
 */

const ROOT = resolve(__dirname, '..');
export const SERVER_CONFIG_DIR = 'deploy/temporal/config';
export const SERVER_CONFIG_ENV = 'cluster';
export const DYNAMIC_CONFIG_FILE = join(ROOT, 'deploy/temporal/dynamicconfig/cluster.yaml');

type Log = (line: string) => void;

// --- binaries --------------------------------------------------------------------------------

export interface ClusterBinaries {
  server: string;
  sqlTool: string;
  uiServer: string;
  /** The server module's source (schemas under schema/postgresql/v12). */
  serverModuleDir: string;
  /** The UI server module's source (its config/docker.yaml template). */
  uiModuleDir: string;
}

/** Where built binaries live: outside the work tree, so every clone and CI run reuses them. */
export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.TEMPORAL_TOOLS_DIR ?? join(homedir(), '.cache', 'case-orchestrator', 'temporal');
}

function goEnv(): NodeJS.ProcessEnv {
  // Static binaries: no C toolchain needed, and they run on any Linux of the same architecture.
  return { ...process.env, CGO_ENABLED: '0' };
}

/** The module's source folder in Go's module cache, downloading it when missing. */
export function goModuleDir(module: string, version: string): string {
  const json = execFileSync('go', ['mod', 'download', '-json', `${module}@${version}`], { encoding: 'utf8', env: goEnv() });
  const dir = (JSON.parse(json) as { Dir?: string; Error?: string }).Dir;
  if (!dir) throw new Error(`go mod download ${module}@${version} gave no folder: ${json}`);
  return dir;
}

function ensureGoBinary(packagePath: string, version: string, folder: string, binary: string, log: Log): string {
  const dir = join(toolsDir(), folder);
  const path = join(dir, binary);
  if (isExecutable(path)) return path;
  if (!hasGo()) {
    throw new Error(`${path} is missing and there is no Go toolchain to build it. Install Go 1.24 or newer, then start again.`);
  }
  log(`building ${packagePath}@${version} (go install; a few minutes on a fresh machine)`);
  const started = Date.now();
  mkdirSync(dir, { recursive: true });
  execFileSync('go', ['install', `${packagePath}@${version}`], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...goEnv(), GOBIN: dir } });
  if (!isExecutable(path)) throw new Error(`go install ${packagePath}@${version} finished but ${path} is not there`);
  log(`built ${binary} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return path;
}

export function ensureClusterBinaries(log: Log = console.log): ClusterBinaries {
  const serverFolder = `server-${TEMPORAL_SERVER_VERSION}`;
  return {
    server: ensureGoBinary(`${TEMPORAL_SERVER_MODULE}/cmd/server`, TEMPORAL_SERVER_VERSION, serverFolder, 'server', log),
    sqlTool: ensureGoBinary(`${TEMPORAL_SERVER_MODULE}/cmd/tools/sql`, TEMPORAL_SERVER_VERSION, serverFolder, 'sql', log),
    uiServer: ensureGoBinary(`${TEMPORAL_UI_MODULE}/cmd/server`, TEMPORAL_UI_VERSION, `ui-server-${TEMPORAL_UI_VERSION}`, 'server', log),
    serverModuleDir: goModuleDir(TEMPORAL_SERVER_MODULE, TEMPORAL_SERVER_VERSION),
    uiModuleDir: goModuleDir(TEMPORAL_UI_MODULE, TEMPORAL_UI_VERSION),
  };
}

// --- schemas ---------------------------------------------------------------------------------

/** host, port, user and password of a postgres:// URL, as the server and its schema tool take them. */
export function postgresEndpoint(url: string): PostgresEndpoint {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username || 'postgres'),
    password: decodeURIComponent(parsed.password),
  };
}

function endpointUrl(postgres: PostgresEndpoint, database: string): string {
  const auth = postgres.password ? `${encodeURIComponent(postgres.user)}:${encodeURIComponent(postgres.password)}` : encodeURIComponent(postgres.user);
  return `postgres://${auth}@${postgres.host}:${postgres.port}/${database}`;
}

async function hasSchemaVersionTable(url: string): Promise<boolean> {
  const client = new PgClient({ connectionString: url });
  await client.connect();
  try {
    const found = await client.query("select 1 from information_schema.tables where table_name = 'schema_version'");
    return (found.rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

/**
 * Creates `database` when missing, sets up the schema tool's version table once, then applies
 * every versioned migration not applied yet (update-schema skips the ones it has recorded).
 */
export async function migrateTemporalDatabase(
  binaries: ClusterBinaries,
  postgres: PostgresEndpoint,
  database: string,
  schema: 'temporal' | 'visibility',
  log: Log,
): Promise<void> {
  const url = endpointUrl(postgres, database);
  await createDatabaseIfMissing(endpointUrl(postgres, 'postgres'), database);
  const common = ['--plugin', TOPOLOGY.schemaPlugin, '--ep', postgres.host, '-p', String(postgres.port), '-u', postgres.user, '--db', database];
  if (postgres.password) common.push('--pw', postgres.password);
  const run = (args: string[]) => execFileSync(binaries.sqlTool, [...common, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (!(await hasSchemaVersionTable(url))) run(['setup-schema', '-v', '0.0']);
  run(['update-schema', '-d', join(binaries.serverModuleDir, 'schema', 'postgresql', 'v12', schema, 'versioned')]);
  log(`Temporal ${schema} schema up to date in database ${database}`);
}

// --- the server and the UI -------------------------------------------------------------------

export interface ClusterOptions {
  /** Where the frontend listens (host:port); the other services' ports follow from it. */
  address: string;
  /** Web UI port; no UI when undefined. */
  uiPort?: number;
  /** The API's codec endpoint the UI decodes payloads through (`<api>/codec`). */
  codecEndpoint?: string;
  /** PostgreSQL that holds the two databases. */
  postgresUrl: string;
  databases?: { temporal: string; visibility: string };
  historyShards?: number;
  namespace?: string;
  /** Folder for the server's and the UI's logs. */
  logDir: string;
  log?: Log;
  startTimeoutMs?: number;
}

export interface RunningCluster {
  address: string;
  uiUrl?: string;
  /** Stops the UI, then the server. */
  stop(): Promise<void>;
}

async function frontendAnswers(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1_000 });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}

export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const log = options.log ?? console.log;
  const [host, portText] = options.address.split(':') as [string, string];
  const databases = options.databases ?? { temporal: TOPOLOGY.databases.temporal, visibility: TOPOLOGY.databases.visibility };
  const namespace = options.namespace ?? TOPOLOGY.namespace;
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  mkdirSync(options.logDir, { recursive: true });

  const binaries = ensureClusterBinaries(log);
  const postgres = postgresEndpoint(options.postgresUrl);
  await migrateTemporalDatabase(binaries, postgres, databases.temporal, 'temporal', log);
  await migrateTemporalDatabase(binaries, postgres, databases.visibility, 'visibility', log);

  const serverEnv = temporalServerEnv({
    ports: temporalServerPorts(Number(portText)),
    postgres,
    databases,
    historyShards: options.historyShards ?? TOPOLOGY.historyShards,
    bindIp: host === 'localhost' ? '127.0.0.1' : host,
    dynamicConfigFile: DYNAMIC_CONFIG_FILE,
  });
  const server = startChild(
    'temporal server',
    binaries.server,
    ['--root', ROOT, '--config', SERVER_CONFIG_DIR, '--env', SERVER_CONFIG_ENV, '--allow-no-auth', 'start'],
    { env: { ...process.env, ...serverEnv }, logFile: join(options.logDir, 'temporal-server.log') },
  );
  await waitUntilReady(server, `frontend answering on ${options.address}`, () => frontendAnswers(options.address), timeoutMs);
  try {
    const connection = await Connection.connect({ address: options.address });
    try {
      await ensureTemporalNamespace(connection, { namespace, log, timeoutMs });
    } finally {
      await connection.close();
    }
  } catch (error) {
    await server.stop(); // the caller gets no handle to a cluster that failed to start
    throw error;
  }
  log(
    `Temporal server ${TEMPORAL_SERVER_VERSION} on ${options.address}: ${serverEnv.NUM_HISTORY_SHARDS} history shards, PostgreSQL databases ${databases.temporal} + ${databases.visibility} (log ${join(options.logDir, 'temporal-server.log')})`,
  );

  let ui: RunningUi | undefined;
  if (options.uiPort !== undefined) {
    ui = await startTemporalUi({
      binaries,
      address: options.address,
      port: options.uiPort,
      namespace,
      ...(options.codecEndpoint ? { codecEndpoint: options.codecEndpoint } : {}),
      logDir: options.logDir,
      log,
      timeoutMs,
    }).catch(async (error: unknown) => {
      await server.stop();
      throw error;
    });
  }

  return {
    address: options.address,
    ...(ui ? { uiUrl: ui.url } : {}),
    async stop() {
      await ui?.stop();
      await server.stop();
    },
  };
}

export interface UiOptions {
  binaries: ClusterBinaries;
  /** The Temporal frontend the UI talks to. */
  address: string;
  port: number;
  namespace: string;
  /** The API's codec endpoint the UI decodes payloads through. */
  codecEndpoint?: string;
  logDir: string;
  log: Log;
  timeoutMs: number;
}

export interface RunningUi {
  url: string;
  stop(): Promise<void>;
}

/**
 * The Web UI server for a Temporal frontend (one this module started, or one already running),
 * configured through the environment its Docker image reads, from the UI module's own template.
 */
export async function startTemporalUi(options: UiOptions): Promise<RunningUi> {
  const host = options.address.split(':')[0] as string;
  const url = `http://${host === 'localhost' ? '127.0.0.1' : host}:${options.port}`;
  const env = uiServerEnv({
    temporalAddress: options.address,
    port: options.port,
    namespace: options.namespace,
    codecEndpoint: options.codecEndpoint ?? '',
    origins: [url, `http://localhost:${options.port}`],
    passAccessToken: process.env.TEMPORAL_CODEC_PASS_ACCESS_TOKEN === 'true',
  });
  mkdirSync(options.logDir, { recursive: true });
  const ui = startChild('temporal ui-server', options.binaries.uiServer, ['--root', options.binaries.uiModuleDir, '--env', 'docker', 'start'], {
    env: { ...process.env, ...env },
    logFile: join(options.logDir, 'temporal-ui.log'),
  });
  await waitUntilReady(ui, `Web UI on ${url}`, async () => (await fetch(url)).ok, options.timeoutMs);
  options.log(`Temporal Web UI ${TEMPORAL_UI_VERSION} on ${url}${options.codecEndpoint ? ` (codec endpoint ${options.codecEndpoint})` : ''}`);
  return { url, stop: () => ui.stop() };
}

// --- static checks (CI) ----------------------------------------------------------------------

/**
 * The server itself validates the dynamic config file and renders the config template with the
 * environment of each way of starting it (docker-compose.yml's, and the native start's), so a
 * template or key mistake fails CI instead of the first `docker compose up`.
 */
export function checkServerConfig(binaries: ClusterBinaries, log: Log): void {
  const run = (args: string[], env: Record<string, string> = {}) =>
    execFileSync(binaries.server, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  run(['validate-dynamic-config', DYNAMIC_CONFIG_FILE]);
  const native = temporalServerEnv({
    ports: temporalServerPorts(TOPOLOGY.ports.temporal),
    postgres: postgresEndpoint('postgres://postgres@127.0.0.1:5432/postgres'),
    databases: { temporal: TOPOLOGY.databases.temporal, visibility: TOPOLOGY.databases.visibility },
    historyShards: TOPOLOGY.historyShards,
    bindIp: '127.0.0.1',
    dynamicConfigFile: DYNAMIC_CONFIG_FILE,
  });
  for (const [name, env] of [
    ['docker-compose.yml', composeEnvironments()[SERVICES.temporal]],
    ['native start', native],
  ] as const) {
    const rendered = run(['--root', ROOT, '--config', SERVER_CONFIG_DIR, '--env', SERVER_CONFIG_ENV, 'render-config'], env);
    if (!rendered.includes(`numHistoryShards: ${TOPOLOGY.historyShards}`))
      throw new Error(`the server config rendered for the ${name} lacks ${TOPOLOGY.historyShards} history shards:\n${rendered}`);
    log(`server config renders for the ${name}`);
  }
  log('dynamic config valid');
}

// `tsx scripts/temporal-server.ts build` builds (or finds) the binaries and prints their paths;
// `check-config` also has the server check its config files.
if (require.main === module) {
  const command = process.argv[2];
  const log = (line: string) => console.error(line);
  try {
    const started = Date.now();
    if (command === 'build') {
      const binaries = ensureClusterBinaries(log);
      console.log(JSON.stringify(binaries, null, 2));
      log(`binaries ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } else if (command === 'check-config') {
      checkServerConfig(ensureClusterBinaries(log), log);
    } else {
      log('usage: tsx scripts/temporal-server.ts build | check-config');
      process.exit(2);
    }
  } catch (error) {
    const failure = error as Error & { stderr?: string };
    log(`${failure.message}${failure.stderr ? `\n${failure.stderr}` : ''}`);
    process.exit(1);
  }
}
