import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import { FINISHED_STATUSES } from '../domain/types';
import type { Db } from './database';
import type { Database } from './schema';

/**
 * The work queue's queries (docs/queue.md, migrations/0090_work_queue.ts): the cases a person
 * works or may take, who holds a claim on which case, and each person's load. The API decides
 * who sees which pool (api/queue/); this module runs the SQL.
 */

/** The unowned cases of one tier queue that a person may take. */
export interface QueuePool {
  /** The tier queue's name, the assignee of a case nobody owns at that tier (`tier1-agents`). */
  queue: string;
  tier: number;
  /** Skills the case must match; an empty list matches every case. */
  carriers: readonly string[];
  caseTypes: readonly string[];
  regions: readonly string[];
}

export interface QueueScope {
  /** Cases owned by these principals (the caller; a team's members). */
  owners: readonly string[];
  pool?: QueuePool;
}

export interface QueueFilter {
  tier?: number;
  type?: readonly string[];
  carrier?: readonly string[];
}

export interface QueueRow {
  caseId: string;
  type: string;
  status: string;
  priority: string;
  tier: number;
  assignee: string;
  carrier: string;
  region: string | null;
  waybillNo: string;
  slaDueAt: Date | null;
  slaBreached: boolean;
  openedAt: Date;
}

type CasesEb = ExpressionBuilder<Database, 'cases'>;

const OPEN = (eb: CasesEb) => eb('cases.status', 'not in', [...FINISHED_STATUSES]);

/**
 * A claim that still holds: a take in flight, or one that landed and the read model has not caught
 * up with. Once the case's row reaches the version the take produced, the row itself says where
 * the case is (the taker's, or back in a queue after an escalation), and the claim hides it no more.
 */
const holds = (version: Expression<unknown>) => sql<SqlBool>`q.expires_at > now() AND (q.taken_version IS NULL OR ${version} < q.taken_version)`;
const claimed = (eb: CasesEb) =>
  sql<SqlBool>`EXISTS (SELECT 1 FROM queue_claims q WHERE q.case_id = ${eb.ref('cases.case_id')} AND ${holds(eb.ref('cases.version'))})`;

function inPool(eb: CasesEb, pool: QueuePool): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [eb('cases.assignee', '=', pool.queue), eb('cases.tier', '=', pool.tier), eb.not(claimed(eb))];
  if (pool.carriers.length) conditions.push(eb('cases.carrier', 'in', [...pool.carriers]));
  if (pool.caseTypes.length) conditions.push(eb('cases.type', 'in', [...pool.caseTypes]));
  // Someone who covers named regions takes only cases in them; a case without a region goes to
  // people who list none (as a carrier or type skill, a listed skill is required, not preferred).
  if (pool.regions.length) conditions.push(eb('cases.region', 'in', [...pool.regions]));
  return eb.and(conditions);
}

function filtered(eb: CasesEb, filter: QueueFilter): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [OPEN(eb)];
  if (filter.tier !== undefined) conditions.push(eb('cases.tier', '=', filter.tier));
  if (filter.type?.length) conditions.push(eb('cases.type', 'in', [...filter.type]));
  if (filter.carrier?.length) conditions.push(eb('cases.carrier', 'in', [...filter.carrier]));
  return eb.and(conditions);
}

function inScope(eb: CasesEb, scope: QueueScope): Expression<SqlBool> {
  const either: Expression<SqlBool>[] = [];
  if (scope.owners.length) either.push(eb('cases.assignee', 'in', [...scope.owners]));
  if (scope.pool) either.push(inPool(eb, scope.pool));
  return either.length ? eb.or(either) : sql<SqlBool>`false`;
}

const COLUMNS = [
  'case_id',
  'type',
  'status',
  'priority',
  'tier',
  'assignee',
  'carrier',
  'region',
  'waybill_no',
  'sla_due_at',
  'sla_breached',
  'opened_at',
] as const;

/** The cases of a queue view, in queue order: breached first, then the earliest due time, then the oldest (api/queue/queue-order.ts). */
export async function queueCases(db: Db, scope: QueueScope, filter: QueueFilter, limit: number): Promise<QueueRow[]> {
  const rows = await db
    .selectFrom('cases')
    .select(COLUMNS)
    .where((eb) => eb.and([filtered(eb, filter), inScope(eb, scope)]))
    .orderBy('sla_breached', 'desc')
    .orderBy(sql`sla_due_at ASC NULLS LAST`)
    .orderBy('opened_at', 'asc')
    .orderBy('case_id', 'asc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    caseId: row.case_id,
    type: row.type,
    status: row.status,
    priority: row.priority,
    tier: row.tier,
    assignee: row.assignee,
    carrier: row.carrier,
    region: row.region,
    waybillNo: row.waybill_no,
    slaDueAt: row.sla_due_at === null ? null : new Date(row.sla_due_at),
    slaBreached: row.sla_breached,
    openedAt: new Date(row.opened_at),
  }));
}

export type ClaimOutcome = { kind: 'claimed'; caseId: string } | { kind: 'empty' } | { kind: 'full'; load: number };

/** How many candidates one read offers: parallel callers race for the first few, the rest wait their turn. */
const CANDIDATES_PER_READ = 10;

/**
 * Claims the first case of the pool for `principal`, unless their load has reached `capacity`.
 * One transaction per call: a per-person advisory lock makes one person's calls count their load
 * one after the other (ten parallel calls cannot all see room for one more), and the claim's
 * primary key is the guarantee: a case already claimed is never claimed again until that claim is
 * released or expires. The candidates are read without locking their rows: the read model's rows
 * belong to the case workflows' writers, which hold them for a moment at every snapshot, and a
 * queue that skipped a row while its case was being written would answer "empty" with work in it.
 * A caller that loses the race for a candidate tries the next one; only a pool with no unclaimed
 * candidate left is empty.
 */
export async function claimNextCase(
  db: Db,
  request: { principal: string; capacity: number; pool: QueuePool; filter: QueueFilter; skip: readonly string[]; holdMs: number },
): Promise<ClaimOutcome> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`queue:${request.principal}`}))`.execute(trx);
    const load = (await loadsOf(trx, [request.principal])).get(request.principal) ?? 0;
    if (load >= request.capacity) return { kind: 'full', load };
    const skip = [...request.skip];
    for (;;) {
      let query = trx
        .selectFrom('cases')
        .select(['case_id', 'version'])
        .where((eb) => eb.and([filtered(eb, request.filter), inPool(eb, request.pool)]));
      if (skip.length) query = query.where('case_id', 'not in', skip);
      const candidates = await query
        .orderBy('sla_breached', 'desc')
        .orderBy(sql`sla_due_at ASC NULLS LAST`)
        .orderBy('opened_at', 'asc')
        .orderBy('case_id', 'asc')
        .limit(CANDIDATES_PER_READ)
        .execute();
      if (!candidates.length) return { kind: 'empty' };
      for (const candidate of candidates) {
        // A claim that no longer holds (expired, or its take already in the case's row) is taken
        // over; a live one is not. A parallel caller's uncommitted claim on the same case makes
        // this insert wait for its outcome, so two callers never both hold one case.
        const inserted = await sql<{ case_id: string }>`
          INSERT INTO queue_claims AS q (case_id, principal, claimed_at, expires_at)
          VALUES (${candidate.case_id}, ${request.principal}, now(), now() + make_interval(secs => ${request.holdMs / 1000}))
          ON CONFLICT (case_id) DO UPDATE SET principal = excluded.principal, claimed_at = excluded.claimed_at,
            expires_at = excluded.expires_at, taken_version = NULL
          WHERE NOT (${holds(sql`${candidate.version}::bigint`)})
          RETURNING case_id`.execute(trx);
        if (inserted.rows.length) return { kind: 'claimed', caseId: candidate.case_id };
        skip.push(candidate.case_id);
      }
    }
  });
}

/** How many lapsed claims one take deletes. */
const PURGE_BATCH = 100;

/** A take was refused or failed: the case goes back to the queue at once. */
export async function releaseClaim(db: Db, caseId: string, principal: string): Promise<void> {
  await sql`DELETE FROM queue_claims WHERE case_id = ${caseId} AND principal = ${principal}`.execute(db);
}

/**
 * A take landed: the claim now holds only until the read model reaches the version the take
 * produced (the case then leaves the pool by its assignee), and the take is recorded for the
 * agents' report.
 */
export async function confirmTake(db: Db, caseId: string, principal: string, holdMs: number, takenVersion: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`UPDATE queue_claims SET expires_at = now() + make_interval(secs => ${holdMs / 1000}), taken_version = ${takenVersion}
              WHERE case_id = ${caseId} AND principal = ${principal}`.execute(trx);
    await sql`INSERT INTO queue_takes (case_id, principal) VALUES (${caseId}, ${principal})`.execute(trx);
    // Lapsed claims are only reused when their case is claimed again; a few go with each take,
    // so the table holds about the claims in flight, not one row per case ever taken.
    await sql`DELETE FROM queue_claims WHERE case_id IN (
                SELECT case_id FROM queue_claims WHERE expires_at <= now() LIMIT ${PURGE_BATCH} FOR UPDATE SKIP LOCKED)`.execute(trx);
  });
}

/**
 * Each principal's load: the open cases they own, plus live claims of theirs on cases the read
 * model does not show them owning yet (a take in flight, or one it has not caught up with).
 */
export async function loadsOf(db: Db, principals: readonly string[]): Promise<Map<string, number>> {
  const loads = new Map<string, number>(principals.map((principal) => [principal, 0]));
  if (!principals.length) return loads;
  const result = await sql<{ principal: string; load: number }>`
    SELECT principal, count(*)::int AS load FROM (
      SELECT c.assignee AS principal FROM cases c
       WHERE c.assignee IN (${sql.join([...principals])}) AND c.status NOT IN (${sql.join([...FINISHED_STATUSES])})
      UNION ALL
      SELECT q.principal FROM queue_claims q JOIN cases c ON c.case_id = q.case_id
       WHERE q.principal IN (${sql.join([...principals])}) AND ${holds(sql`c.version`)} AND c.assignee <> q.principal
         AND c.status NOT IN (${sql.join([...FINISHED_STATUSES])})
    ) owned GROUP BY principal`.execute(db);
  for (const row of result.rows) loads.set(row.principal, row.load);
  return loads;
}
