import { sql, type Kysely } from 'kysely';

/** A case view lists the customer's other cases, newest first (api/customer-context/). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the schema as it was
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await sql`CREATE INDEX cases_customer_opened ON cases (customer_id, opened_at DESC)`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  await sql`DROP INDEX cases_customer_opened`.execute(db);
}
