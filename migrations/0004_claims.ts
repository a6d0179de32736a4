import { sql, type Kysely } from 'kysely';

/**
 * Claims (理賠) outlive their cases: recovery from a carrier can take weeks after the customer
 * was paid and the case closed. One row per claim, kept current by the claim workflow; the
 * carrier scorecard reads claim counts and amounts from here.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the schema as it was
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('claims')
    .addColumn('claim_id', 'text', (col) => col.primaryKey())
    .addColumn('case_id', 'text', (col) => col.notNull())
    .addColumn('carrier', 'text', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('amount_fen', 'bigint')
    .addColumn('approval_tier', 'text')
    .addColumn('approved_by', 'text')
    .addColumn('payout_id', 'text')
    .addColumn('recovery_from', 'text')
    .addColumn('recovery_status', 'text')
    .addColumn('recoverable_fen', 'bigint')
    .addColumn('recovered_fen', 'bigint')
    .addColumn('view', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('claims_case').on('claims').column('case_id').execute();
  await db.schema.createIndex('claims_carrier_created').on('claims').columns(['carrier', 'created_at']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('claims').ifExists().execute();
}
