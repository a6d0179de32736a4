import { sql, type Kysely } from 'kysely';

/**
 * Inbound webhooks lose nothing. An inbound event is no longer "recorded, and deleted again when
 * delivery fails": it is recorded once with a delivery state, and each case it must reach has
 * its own delivery row, so a crash, a failing delivery or a partial delivery to several cases
 * leaves a durable to-do that a retry or the redelivery sweeper finishes.
 *
 * inbound_events.delivery_state: `pending` (not yet delivered to every target), `held` (no open
 * case when it came; handed to cases opened later), `complete`. Rows from before are complete.
 * supplier_replies.delivery_state: `pending`, `delivered`, `follow-up-ended`.
 * pii_erasures: the record of each erasure of a customer's personal data.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the schema as it was
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('inbound_events')
    .addColumn('delivery_state', 'text', (col) =>
      col
        .notNull()
        .defaultTo('complete')
        .check(sql`delivery_state IN ('pending', 'held', 'complete')`),
    )
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX inbound_events_undelivered ON inbound_events (delivery_state, updated_at)
            WHERE delivery_state <> 'complete'`.execute(db);

  await db.schema
    .createTable('inbound_deliveries')
    .addColumn('provider', 'text', (col) => col.notNull())
    .addColumn('event_id', 'text', (col) => col.notNull())
    .addColumn('case_id', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull().check(sql`state IN ('pending', 'delivered', 'case-finished')`))
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('inbound_deliveries_pk', ['provider', 'event_id', 'case_id'])
    .addForeignKeyConstraint('inbound_deliveries_event', ['provider', 'event_id'], 'inbound_events', ['provider', 'event_id'])
    .execute();
  await sql`CREATE INDEX inbound_deliveries_pending ON inbound_deliveries (updated_at) WHERE state = 'pending'`.execute(db);

  await db.schema
    .alterTable('supplier_replies')
    .addColumn('delivery_state', 'text', (col) =>
      col
        .notNull()
        .defaultTo('delivered')
        .check(sql`delivery_state IN ('pending', 'delivered', 'follow-up-ended')`),
    )
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX supplier_replies_pending ON supplier_replies (updated_at) WHERE delivery_state = 'pending'`.execute(db);

  // Erasures of a customer's personal data (store/erasure.ts), under a hash of the id.
  await db.schema
    .createTable('pii_erasures')
    .addColumn('erasure_id', 'serial', (col) => col.primaryKey())
    .addColumn('customer_ref', 'text', (col) => col.notNull())
    .addColumn('requested_by', 'text', (col) => col.notNull())
    .addColumn('erased_case_ids', 'jsonb', (col) => col.notNull())
    .addColumn('pending_case_ids', 'jsonb', (col) => col.notNull())
    .addColumn('erased_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('pii_erasures').ifExists().execute();
  await db.schema.dropTable('inbound_deliveries').ifExists().execute();
  await db.schema.alterTable('supplier_replies').dropColumn('delivery_state').dropColumn('attempts').dropColumn('updated_at').execute();
  await sql`DROP INDEX IF EXISTS inbound_events_undelivered`.execute(db);
  await db.schema.alterTable('inbound_events').dropColumn('delivery_state').dropColumn('updated_at').execute();
}
