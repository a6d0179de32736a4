import { sql, type Kysely } from 'kysely';

/**
 * `maybe_delivered`: an attempt may have reached the provider and we never learnt its outcome (no
 * answer, a gateway error, or the worker died mid-call). It is set when an attempt claims the row
 * and cleared when the provider answers that nothing was sent. The next attempt reads it: it asks
 * the provider where it can (SMS QuerySendDetails), sends again where the provider deduplicates
 * (in-app), and otherwise (WeCom group bots) does not post a second time.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the schema as it was
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('notification_outbox')
    .addColumn('maybe_delivered', 'boolean', (col) => col.notNull().defaultTo(sql`false`))
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('notification_outbox').dropColumn('maybe_delivered').execute();
}
