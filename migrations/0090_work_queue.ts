import { sql, type Kysely } from 'kysely';

/**
 * The work queue (docs/queue.md). `queue_claims` holds at most one claim per case: the row a
 * `POST /v1/queue/next` writes before it sends the case its `take`, so two callers never send the
 * same case a take. A claim holds until it expires (`expires_at`) or its case's row reaches the
 * version the take produced (`taken_version`): one whose take was refused is deleted at once, one
 * whose take landed holds until the read model shows the take, and one left by a process that died
 * mid-take lapses by itself. `queue_takes` records every take from the
 * queue, for the agents' report (cases taken from the queue per person).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the schema as it was
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await sql`
    CREATE TABLE queue_claims (
      case_id text PRIMARY KEY,
      principal text NOT NULL,
      claimed_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      -- The case's version its landed take produced (null while the take is in flight): a row at
      -- that version or newer already shows what the take did.
      taken_version bigint
    )`.execute(db);
  await sql`CREATE INDEX queue_claims_principal ON queue_claims (principal, expires_at)`.execute(db);
  await sql`
    CREATE TABLE queue_takes (
      case_id text NOT NULL,
      principal text NOT NULL,
      taken_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (case_id, taken_at, principal)
    )`.execute(db);
  await sql`CREATE INDEX queue_takes_principal ON queue_takes (principal, taken_at)`.execute(db);
  // The queue reads open cases by assignee and orders them by due time.
  await sql`CREATE INDEX cases_assignee_due ON cases (assignee, sla_due_at)`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  await sql`DROP INDEX cases_assignee_due`.execute(db);
  await sql`DROP TABLE queue_takes`.execute(db);
  await sql`DROP TABLE queue_claims`.execute(db);
}
