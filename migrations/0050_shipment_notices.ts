import { sql, type Kysely } from 'kysely';

/**
 * `shipment_notices`: what became of each proactive milestone notice (主動觸達), one row per
 * waybill, milestone and channel (`all` when the milestone was settled for every channel at once:
 * no customer known, or an open case speaks for it). The message itself is sent once through
 * `notification_outbox` under the key `notice:<waybill>:<milestone>:<channel>`; this table is the
 * readable record of sent, held (SMS quiet hours), queued (WeCom outbox), failed, no_customer and
 * case_speaks outcomes.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the schema as it was
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('shipment_notices')
    .addColumn('waybill_no', 'text', (col) => col.notNull())
    .addColumn('milestone', 'text', (col) => col.notNull())
    .addColumn('channel', 'text', (col) => col.notNull())
    .addColumn('outcome', 'text', (col) => col.notNull())
    .addColumn('detail', 'text')
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('shipment_notices_pkey', ['waybill_no', 'milestone', 'channel'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('shipment_notices').ifExists().execute();
}
