import { sql, type Kysely } from 'kysely';

/** The case read model, the append-only audit trail, idempotency keys, inbound events, outbox. */
// Migrations see the database as it was when they were written, not today's typed schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('cases')
    .addColumn('case_id', 'text', (col) => col.primaryKey())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('priority', 'text', (col) => col.notNull())
    .addColumn('tier', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('assignee', 'text', (col) => col.notNull())
    .addColumn('order_id', 'text', (col) => col.notNull())
    .addColumn('waybill_no', 'text', (col) => col.notNull())
    .addColumn('carrier', 'text', (col) => col.notNull())
    .addColumn('region', 'text')
    .addColumn('customer_id', 'text', (col) => col.notNull())
    .addColumn('store_id', 'text')
    .addColumn('supplier_id', 'text')
    .addColumn('sla_due_at', 'timestamptz')
    .addColumn('sla_breached', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('opened_at', 'timestamptz', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('snapshot', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('start_request', 'jsonb', (col) => col.notNull())
    .execute();
  // One open case per waybill and exception type: the database, not a race-prone check, says 409.
  await sql`CREATE UNIQUE INDEX cases_one_open_per_waybill_type ON cases (waybill_no, type)
            WHERE status NOT IN ('CLOSED', 'CANCELLED')`.execute(db);
  await db.schema.createIndex('cases_opened_at').on('cases').columns(['opened_at desc', 'case_id desc']).execute();
  await db.schema.createIndex('cases_status').on('cases').column('status').execute();
  await db.schema.createIndex('cases_waybill').on('cases').column('waybill_no').execute();

  await db.schema
    .createTable('case_events')
    .addColumn('case_id', 'text', (col) => col.notNull())
    .addColumn('seq', 'integer', (col) => col.notNull())
    .addColumn('at', 'timestamptz', (col) => col.notNull())
    .addColumn('actor', 'jsonb', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('data', 'jsonb', (col) => col.notNull())
    .addColumn('prev_hash', 'text', (col) => col.notNull())
    .addColumn('hash', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('case_events_pk', ['case_id', 'seq'])
    .execute();
  // Append-only: the trail refuses edits and deletions at the database level.
  await sql`CREATE FUNCTION case_events_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'case_events is append-only'; END; $$ LANGUAGE plpgsql`.execute(db);
  await sql`CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON case_events
            FOR EACH ROW EXECUTE FUNCTION case_events_append_only()`.execute(db);

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('scope', 'text', (col) => col.notNull())
    .addColumn('key', 'text', (col) => col.notNull())
    .addColumn('request_hash', 'text', (col) => col.notNull())
    .addColumn('status_code', 'integer', (col) => col.notNull())
    .addColumn('response', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'key'])
    .execute();

  await db.schema
    .createTable('inbound_events')
    .addColumn('provider', 'text', (col) => col.notNull())
    .addColumn('event_id', 'text', (col) => col.notNull())
    .addColumn('waybill_no', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('case_id', 'text')
    .addColumn('received_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('inbound_events_pk', ['provider', 'event_id'])
    .execute();
  await db.schema.createIndex('inbound_events_waybill').on('inbound_events').column('waybill_no').execute();

  await db.schema
    .createTable('notification_outbox')
    .addColumn('idempotency_key', 'text', (col) => col.primaryKey())
    .addColumn('case_id', 'text', (col) => col.notNull())
    .addColumn('channel', 'text', (col) => col.notNull())
    .addColumn('template', 'text', (col) => col.notNull())
    .addColumn('recipient', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('provider_message_id', 'text')
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of ['notification_outbox', 'inbound_events', 'idempotency_keys', 'case_events', 'cases']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await sql`DROP FUNCTION IF EXISTS case_events_append_only()`.execute(db);
}
