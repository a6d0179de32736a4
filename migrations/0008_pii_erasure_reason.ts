import type { Kysely } from 'kysely';

/**
 * An erasure request says why (`POST /v1/customers/{customerId}/erasure`, body `{reason}`): the
 * reason is kept with the record of the erasure, which names no one (customer_ref is a hash).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the schema as it was
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('pii_erasures').addColumn('reason', 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('pii_erasures').dropColumn('reason').execute();
}
