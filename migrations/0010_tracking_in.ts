import { sql, type Kysely } from 'kysely';

/**
 * Tracking in (issue 9): cases opened by tracking alone, and the stored tracking of every waybill.
 *
 * cases.needs_completion: the case was opened from tracking for a waybill the order system (OMS)
 * does not know; an agent must complete the order and customer. cases.opened_from / open_reason:
 * who opened it without an agent (`tracking` push or `watchlist` rule) and why.
 *
 * shipments: one row per waybill, updated on every accepted tracking event and from the OMS
 * (shipped time, promised date, lane). The watchlist reads it in pages; freshness per carrier is
 * computed from it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the schema as it was
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('cases')
    .addColumn('needs_completion', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('opened_from', 'text')
    .addColumn('open_reason', 'text')
    .execute();
  await sql`CREATE INDEX cases_needs_completion ON cases (opened_at DESC) WHERE needs_completion`.execute(db);

  await db.schema
    .createTable('shipments')
    .addColumn('waybill_no', 'text', (col) => col.primaryKey())
    .addColumn('carrier', 'text', (col) => col.notNull())
    .addColumn('lane', 'text')
    .addColumn('order_id', 'text')
    .addColumn('shipped_at', 'timestamptz')
    .addColumn('promised_at', 'timestamptz')
    .addColumn('first_scan_at', 'timestamptz')
    .addColumn('last_event_at', 'timestamptz')
    .addColumn('last_status', 'text')
    .addColumn('last_sub_status', 'text')
    .addColumn('out_for_delivery_at', 'timestamptz')
    .addColumn('pickup_ready_at', 'timestamptz')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('event_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_received_at', 'timestamptz')
    // The watchlist rule that last opened a case for this waybill, so it does not open it again.
    .addColumn('watch_rule', 'text')
    .addColumn('watch_flagged_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  // The watchlist pages through parcels still on their way, by waybill.
  await sql`CREATE INDEX shipments_on_the_way ON shipments (waybill_no) WHERE delivered_at IS NULL`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('shipments').execute();
  await sql`DROP INDEX IF EXISTS cases_needs_completion`.execute(db);
  await db.schema.alterTable('cases').dropColumn('needs_completion').dropColumn('opened_from').dropColumn('open_reason').execute();
}
