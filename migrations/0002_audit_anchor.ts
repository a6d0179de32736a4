import { type Kysely } from 'kysely';

/**
 * The case row remembers the last audit event's seq and hash, written in the same transaction
 * as the events. A hash chain alone cannot show that events were cut off its end; this anchor can.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the schema as it was
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('cases')
    .addColumn('last_event_seq', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_event_hash', 'text')
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('cases').dropColumn('last_event_seq').dropColumn('last_event_hash').execute();
}
