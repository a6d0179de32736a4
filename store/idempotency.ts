import { sql, type Kysely } from 'kysely';
import type { Database } from './schema';

/**
 * Idempotency records (`idempotency_keys`): how long they live and what erasure leaves of them.
 *
 * A record lives IDEMPOTENCY_KEY_TTL_MS after it was written (24 h by default): long enough for
 * any client's retries, short enough that the stored answers (which may hold a case's customer,
 * sealed) do not pile up forever. An expired record is treated as absent: it is deleted when its
 * key is used again, and every write of a key also deletes a batch of expired records, so the
 * table is purged as it is written to, without a timer of its own.
 */

/** The status and answer a record is left with once the customer's data behind it is erased. */
export const ERASED_STATUS = 410;
const ERASED_RESPONSE = JSON.stringify({ erased: true });
/** Expired records deleted per write of a key: enough to outpace the writes, small enough to be quick. */
const PURGE_BATCH = 100;

type Queries = Kysely<Database>;

const expired = (ttlMs: number) => sql<boolean>`created_at < now() - make_interval(secs => ${ttlMs / 1000})`;

/** Before a key is claimed: its own expired record goes, and a batch of other expired ones with it. */
export async function purgeExpiredKeys(db: Queries, ttlMs: number, scope: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).where(expired(ttlMs)).execute();
  await purgeExpiredBatch(db, ttlMs, PURGE_BATCH);
}

/** Deletes up to `limit` expired records (skipping ones another transaction holds); answers how many. */
async function purgeExpiredBatch(db: Queries, ttlMs: number, limit: number): Promise<number> {
  const result = await sql`
    DELETE FROM idempotency_keys WHERE ctid IN (
      SELECT ctid FROM idempotency_keys WHERE ${expired(ttlMs)} LIMIT ${limit} FOR UPDATE SKIP LOCKED
    )`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * Erasure: the stored answers of every finished keyed action on these cases are replaced by a
 * marker. The records stay (a replay is still recognised and never carries the action out twice)
 * but answer 410 without the case view they held.
 */
export async function eraseKeyedAnswersOfCases(db: Queries, caseIds: readonly string[]): Promise<number> {
  if (!caseIds.length) return 0;
  const result = await db
    .updateTable('idempotency_keys')
    .set({ status_code: ERASED_STATUS, response: ERASED_RESPONSE })
    .where('status_code', '<>', 0)
    .where('status_code', '<>', ERASED_STATUS)
    // Keyed actions are scoped `case:<caseId>:<principal>:actions` (api/case-service.ts).
    .where(sql<boolean>`starts_with(scope, 'case:') AND split_part(scope, ':', 2) = ANY(${sql.val(caseIds)}::text[])`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
