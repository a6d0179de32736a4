import { sql } from 'kysely';
import { createDb } from '../../store/database';

/**
 * PostgreSQL restarting (the chaos run's `pg_ctlcluster restart`) terminates every connection: the
 * pool's idle clients then emit 'error', and without a listener Node turns that into an uncaught
 * exception that killed the API and the worker. The pool logs it and hands out fresh clients.
 */
test('the process survives the server terminating idle pooled connections, and the next query works', async () => {
  const databaseUrl = process.env.TEST_DATABASE_URL as string;
  const db = createDb(databaseUrl, { max: 3 });
  const killer = createDb(databaseUrl, { max: 1 });
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  // Jest reports an 'error' event nobody listens to as a thrown error; catch it to assert on it.
  process.prependListener('uncaughtException', onUncaught);
  try {
    // Three idle clients in the pool.
    await Promise.all([1, 2, 3].map(() => sql`SELECT pg_sleep(0.05)`.execute(db)));
    const { rows } = await sql<{ terminated: boolean }>`
      SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = ''`.execute(killer);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(uncaught).toEqual([]);
    const answer = await sql<{ one: number }>`SELECT 1 AS one`.execute(db);
    expect(answer.rows[0]?.one).toBe(1);
  } finally {
    process.removeListener('uncaughtException', onUncaught);
    await db.destroy();
    await killer.destroy();
  }
});

/**
 * The same with a connection checked out of the pool (the chaos run's API was working on a case
 * when PostgreSQL went down): pg emits the lost connection's 'error' on the client itself, where
 * the pool listens only while the client is idle. Without a listener of our own the process died.
 */
test('the process survives the server terminating a connection that is checked out', async () => {
  const databaseUrl = process.env.TEST_DATABASE_URL as string;
  const db = createDb(databaseUrl, { max: 2, log: () => undefined });
  const killer = createDb(databaseUrl, { max: 1 });
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.prependListener('uncaughtException', onUncaught);
  try {
    const failed = await db
      .connection()
      .execute(async (connection) => {
        const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(connection);
        await sql`SELECT pg_terminate_backend(${rows[0]!.pid})`.execute(killer);
        // Between two queries of the same unit of work: nothing is in flight to take the error.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await sql`SELECT 1`.execute(connection);
        return 'answered';
      })
      .catch((error: Error) => error.message);
    expect(failed).not.toBe('answered');
    expect(uncaught).toEqual([]);
    const answer = await sql<{ one: number }>`SELECT 1 AS one`.execute(db);
    expect(answer.rows[0]?.one).toBe(1);
  } finally {
    process.removeListener('uncaughtException', onUncaught);
    await db.destroy();
    await killer.destroy();
  }
});
