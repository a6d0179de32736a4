import { sql, type Kysely, type Transaction } from 'kysely';
import type { Db } from './database';
import { erasureNamesCase } from './erasure-records';
import type { Database } from './schema';

/**
 * Idempotency records (`idempotency_keys`): how long they live and what erasure leaves of them.
 *
 * A record lives IDEMPOTENCY_KEY_TTL_MS after it was written (24 h by default): long enough for
 * any client's retries, short enough that the stored answers (which may hold a case's customer,
 * sealed) do not pile up forever. An expired record is treated as absent: it is deleted when its
 * key is used again, and every write of a key also deletes a batch of expired records, so the
 * table is purged as it is written to, without a timer of its own.
 *
 * A record is claimed `pending` (status 0) before the work it guards, and holds the work's answer
 * after: a retry with the same key finds the answer (or the claim still pending), a retry with
 * another body is told apart by the request hash.
 */

/** The status of a record claimed for work whose answer is not known yet. */
const PENDING_STATUS = 0;
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
    // Keyed actions are scoped `case:<caseId>:<principal>:actions` (api/action-keys.ts).
    .where(sql<boolean>`starts_with(scope, 'case:') AND split_part(scope, ':', 2) = ANY(${sql.val(caseIds)}::text[])`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A key as a request claims it: the scope it is unique in, and the hash of the request's body. */
export interface KeyClaim {
  scope: string;
  key: string;
  requestHash: string;
}

/** A record as stored: 0 while its work is pending, then the answer's status and body. */
export interface StoredKey {
  requestHash: string;
  statusCode: number;
  response: Record<string, unknown>;
}

/** The same key came with another request body: the record answers only its own request. */
export class IdempotencyKeyReused extends Error {
  constructor() {
    super('This Idempotency-Key was used with a different request body');
    this.name = 'IdempotencyKeyReused';
  }
}

const storedKey = (row: { request_hash: string; status_code: number; response: Record<string, unknown> }): StoredKey => ({
  requestHash: row.request_hash,
  statusCode: row.status_code,
  response: row.response,
});

/** The record of a key, if there is one. */
export async function findKey(db: Queries, scope: string, key: string): Promise<StoredKey | undefined> {
  const row = await db.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
  return row && storedKey(row);
}

/**
 * Records the key as pending unless it has a record; answers that earlier record, or undefined when
 * this call claimed the key. Inside a transaction, a concurrent claim of the same key waits here
 * until the first commits.
 */
export async function claimKey(db: Queries, { scope, key, requestHash }: KeyClaim): Promise<StoredKey | undefined> {
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({ scope, key, request_hash: requestHash, status_code: PENDING_STATUS, response: JSON.stringify({}) })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (inserted) return undefined;
  const stored = await db.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirstOrThrow();
  return storedKey(stored);
}

/** Keeps the answer of a claimed key for its replays. */
async function recordKeyAnswer(db: Queries, scope: string, key: string, statusCode: number, response: unknown): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ status_code: statusCode, response: JSON.stringify(response) })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .execute();
}

/**
 * Keeps the answer of a keyed case action for its replays; once the case's customer has asked to be
 * erased, the record keeps only that the action was carried out (a replay answers 410). The answer
 * may be recorded after the case finished and its answers were erased (the worker's closing write
 * races the API's record), so the record itself asks. It takes the case row's lock first, as an
 * erasure request does (store/erasure.ts): whichever comes second sees what the first did.
 */
export async function recordCaseActionAnswer(db: Db, caseId: string, scope: string, key: string, response: unknown): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.selectFrom('cases').select('case_id').where('case_id', '=', caseId).forShare().execute();
    const erasure = await trx.selectFrom('pii_erasures').select('erasure_id').where(erasureNamesCase(caseId)).executeTakeFirst();
    if (erasure)
      await trx
        .updateTable('idempotency_keys')
        .set({ status_code: ERASED_STATUS, response: ERASED_RESPONSE })
        .where('scope', '=', scope)
        .where('key', '=', key)
        .execute();
    else await recordKeyAnswer(trx, scope, key, 200, response);
  });
}

/** Gives a key up while its work is still pending (the work was refused: a corrected retry may use it). */
export async function releasePendingKey(db: Queries, scope: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).where('status_code', '=', PENDING_STATUS).execute();
}

/**
 * `work` in one transaction, carried out once per key: the key's expired record is purged, the key
 * claimed, and `work`'s answer recorded with `statusCode`, all in that transaction. A key claimed
 * before answers its recorded answer without running `work`; a key that came with another body
 * throws IdempotencyKeyReused (and the transaction changes nothing). Without a key, `work` simply
 * runs in a transaction.
 */
export async function onceInTransaction<T>(
  db: Db,
  claim: (KeyClaim & { ttlMs: number; statusCode: number }) | undefined,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T | Record<string, unknown>> {
  return db.transaction().execute(async (trx) => {
    if (!claim) return work(trx);
    await purgeExpiredKeys(trx, claim.ttlMs, claim.scope, claim.key);
    const stored = await claimKey(trx, claim);
    if (stored) {
      if (stored.requestHash !== claim.requestHash) throw new IdempotencyKeyReused();
      return stored.response;
    }
    const answer = await work(trx);
    await recordKeyAnswer(trx, claim.scope, claim.key, claim.statusCode, answer);
    return answer;
  });
}
