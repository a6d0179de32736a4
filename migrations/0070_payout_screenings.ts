import { sql, type Kysely } from 'kysely';

/**
 * The verdicts of payout screening (store/payout-screenings.ts): per claim, who proposed it, who
 * is paid, how much, on which business day, whether it may be approved automatically and why not.
 * The daily caps add up the automatic ones per proposer and per payee, so the rows also serve as
 * the running totals; one row per claim makes a retried screening answer its first verdict.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the schema as it was
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('payout_screenings')
    .addColumn('claim_id', 'text', (col) => col.primaryKey())
    .addColumn('case_id', 'text', (col) => col.notNull())
    .addColumn('proposed_by', 'text', (col) => col.notNull())
    .addColumn('payee_id', 'text', (col) => col.notNull())
    .addColumn('amount_fen', 'bigint', (col) => col.notNull())
    .addColumn('business_day', 'text', (col) => col.notNull())
    .addColumn('automatic', 'boolean', (col) => col.notNull())
    .addColumn('reasons', 'jsonb', (col) => col.notNull())
    .addColumn('screened_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX payout_screenings_proposer_day ON payout_screenings (proposed_by, business_day) WHERE automatic`.execute(db);
  await sql`CREATE INDEX payout_screenings_payee_day ON payout_screenings (payee_id, business_day) WHERE automatic`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('payout_screenings').execute();
}
