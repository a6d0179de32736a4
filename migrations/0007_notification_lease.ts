import type { Kysely } from 'kysely';

/**
 * The notification outbox row is claimed under a lease before the provider is called: only the
 * attempt holding an unexpired lease may send, so two concurrent attempts for one key (a retry
 * racing a slow first try, a duplicate channel) never both reach the provider.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the schema as it was
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('notification_outbox').addColumn('lease_owner', 'text').addColumn('lease_until', 'timestamptz').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('notification_outbox').dropColumn('lease_owner').dropColumn('lease_until').execute();
}
