import { sql, type Kysely } from 'kysely';

/**
 * Supplier follow-ups (供應商跟進) for the per-supplier scorecard, one row per case, and the
 * supplier replies received by webhook, keyed by the supplier's reply id so a retried push is
 * recognised.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the schema as it was
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('supplier_follow_ups')
    .addColumn('case_id', 'text', (col) => col.primaryKey())
    .addColumn('supplier_id', 'text', (col) => col.notNull())
    .addColumn('order_id', 'text', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('started_at', 'timestamptz', (col) => col.notNull())
    .addColumn('replied_at', 'timestamptz')
    .addColumn('response_ms', 'bigint')
    .addColumn('reminders', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('escalated_to_manager', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('outcome', 'text', (col) => col.notNull().check(sql`outcome IN ('open', 'replied', 'unanswered')`))
    .addColumn('reply', 'jsonb')
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('supplier_follow_ups_supplier').on('supplier_follow_ups').column('supplier_id').execute();

  await db.schema
    .createTable('supplier_replies')
    .addColumn('supplier_id', 'text', (col) => col.notNull())
    .addColumn('reply_id', 'text', (col) => col.notNull())
    .addColumn('case_id', 'text', (col) => col.notNull())
    .addColumn('received_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addPrimaryKeyConstraint('supplier_replies_pk', ['supplier_id', 'reply_id'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('supplier_replies').ifExists().execute();
  await db.schema.dropTable('supplier_follow_ups').ifExists().execute();
}
