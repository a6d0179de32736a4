import { sql, type Kysely } from 'kysely';

/**
 * Idempotency records expire (store/idempotency.ts): each write of a key deletes a batch of the
 * records older than the TTL. This index lets that purge find them without reading the table.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the schema as it was
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await sql`CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at)`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  await sql`DROP INDEX idempotency_keys_created_at`.execute(db);
}
