import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool, types } from 'pg';
import type { Database } from './schema';

// BIGINT (int8) comes back as a string by default; our int8 columns (seq, amounts in fen) fit
// comfortably in a double.
types.setTypeParser(20, (value) => Number(value));

export type Db = Kysely<Database>;

export function createDb(databaseUrl: string, options: { max?: number; log?: (message: string) => void } = {}): Db {
  const pool = new Pool({ connectionString: databaseUrl, max: options.max ?? 10 });
  // An idle client errors when the server goes away (a PostgreSQL restart terminates every
  // connection). pg emits that on the pool, and an 'error' event with no listener is an uncaught
  // exception that killed the API and the worker. The pool has already dropped the broken client
  // and the next query opens a fresh one, so logging is all there is to do. Only the message is
  // logged: the error object carries the client, connection string included.
  const log = options.log ?? ((message: string) => console.warn(message));
  pool.on('error', (error) => log(`PostgreSQL idle connection lost (the pool reconnects on the next query): ${error.message}`));
  // A client checked out of the pool (between two queries of one unit of work) emits the same
  // error on itself, where the pool does not listen: that killed the API during the chaos run's
  // PostgreSQL restart. The query that needed it fails and its caller answers; the pool drops
  // the broken client when it comes back.
  pool.on('connect', (client) => {
    client.on('error', (error) => log(`PostgreSQL connection lost while in use (its work fails and is retried): ${error.message}`));
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** The readiness probe: answers once PostgreSQL has run a trivial query. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
