import { sql, type Kysely } from 'kysely';

/**
 * Writes from inside a workflow task (cases begun on the lean history write through a local
 * activity, issue 11). Such a task may still fail after its write (a signal arriving as the case
 * closes, a worker dying before it reports), and the replay that follows can number the trail's
 * newest events differently. So:
 *
 * - `write_generation` says which workflow task wrote an event or a snapshot (null for writes
 *   through a regular activity, which only ever run once their task is in the history);
 * - `cases.confirmed_through_seq` is the last seq the workflow's history confirms (it only grows);
 * - the append-only rule gains one exception: the store, and only inside its write (a
 *   transaction-local setting), may replace events past the confirmed seq that a task wrote.
 *   Everything at or below it stays immutable, as before.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the schema as it was
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('case_events').addColumn('write_generation', 'bigint').execute();
  await db.schema.alterTable('cases').addColumn('write_generation', 'bigint').execute();
  await db.schema.alterTable('cases').addColumn('confirmed_through_seq', 'integer').execute();
  await sql`CREATE OR REPLACE FUNCTION case_events_append_only() RETURNS trigger AS $$
            BEGIN
              IF TG_OP = 'DELETE'
                 AND OLD.write_generation IS NOT NULL
                 AND current_setting('case_store.replacing_tentative_tail', true) = 'on'
                 AND OLD.seq > COALESCE((SELECT confirmed_through_seq FROM cases WHERE case_id = OLD.case_id), 2147483647) THEN
                RETURN OLD;
              END IF;
              RAISE EXCEPTION 'case_events is append-only';
            END; $$ LANGUAGE plpgsql`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  await sql`CREATE OR REPLACE FUNCTION case_events_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'case_events is append-only'; END; $$ LANGUAGE plpgsql`.execute(db);
  await db.schema.alterTable('case_events').dropColumn('write_generation').execute();
  await db.schema.alterTable('cases').dropColumn('write_generation').execute();
  await db.schema.alterTable('cases').dropColumn('confirmed_through_seq').execute();
}
