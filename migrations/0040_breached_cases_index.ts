import { sql, type Kysely } from 'kysely';

/**
 * The supervisors' breached list (`GET /v1/cases?breached=true`, newest first) walked the
 * `cases_opened_at` index from the newest case and read every row's heap tuple to test
 * `sla_breached`: with ~5 % of cases breached and the newest ones not (yet), `npm run
 * bench:scale` measured it reading thousands of rows for one page of 50. This index holds only
 * the breached cases, in the list's order, so a page reads its own rows and nothing else.
 * A plain CREATE INDEX (kysely runs each migration in a transaction, which CONCURRENTLY refuses):
 * it holds writes to `cases` for the build, well under a second at 100,000 cases.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the schema as it was
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await sql`CREATE INDEX cases_breached_opened_at ON cases (opened_at DESC, case_id DESC) WHERE sla_breached`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  await sql`DROP INDEX cases_breached_opened_at`.execute(db);
}
