import { sql } from 'kysely';
import type { AuditEvent, CaseView } from '../domain/case-view';
import type { Db } from './database';
import { GENESIS_HASH, hashEvent } from './audit-hash';
import { eraseIfRequested } from './erasure';
import { maskPii } from './pii';
import { rejectingPermanentErrors } from './store-errors';
import { caseColumns } from './case-row';

/**
 * Writes the workflow's state to PostgreSQL. Called from activities, so it must be idempotent:
 * a retried write of the same events and snapshot changes nothing.
 */

export interface PersistCaseInput {
  snapshot: CaseView;
  /** Audit events not yet written, in seq order. Ones already stored are skipped. */
  events: AuditEvent[];
}

export interface PersistCaseResult {
  eventsWritten: number;
  snapshotApplied: boolean;
}

/**
 * A write PostgreSQL refuses for good (text it cannot store, the one-open-case index) fails as a
 * non-retryable `StoreRejected` instead of being retried forever with every later persist of the
 * case queued behind it; connection errors and time-outs stay retryable.
 */
export async function persistCase(db: Db, input: PersistCaseInput): Promise<PersistCaseResult> {
  // Phones are masked and address details withheld before anything is hashed or stored: the
  // trail can never be rewritten, so it must never hold them in clear (see ./pii.ts).
  const masked: PersistCaseInput = {
    snapshot: maskPii(input.snapshot),
    events: input.events.map((event) => ({ ...event, data: maskPii(event.data) })),
  };
  return rejectingPermanentErrors(`persisting case ${input.snapshot.caseId}`, () => writeCase(db, masked));
}

async function writeCase(db: Db, { snapshot: given, events }: PersistCaseInput): Promise<PersistCaseResult> {
  return db.transaction().execute(async (trx) => {
    // Serialises writers of one case so the hash chain is extended by one writer at a time.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${given.caseId}))`.execute(trx);
    // The row's lock orders this write with an erasure request of the customer (which locks the
    // customer's rows): a finished case named by one is written erased.
    await trx.selectFrom('cases').select('case_id').where('case_id', '=', given.caseId).forUpdate().execute();
    const snapshot = await eraseIfRequested(trx, given);

    const last = await trx
      .selectFrom('case_events')
      .select(['seq', 'hash'])
      .where('case_id', '=', snapshot.caseId)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    let prevHash = last?.hash ?? GENESIS_HASH;
    let lastSeq = last?.seq ?? 0;
    let eventsWritten = 0;
    for (const event of events) {
      if (event.seq <= lastSeq) continue; // already written by an earlier attempt
      if (event.seq !== lastSeq + 1) {
        throw new Error(`audit trail gap for ${snapshot.caseId}: have seq ${lastSeq}, got ${event.seq}`);
      }
      const hash = hashEvent(snapshot.caseId, prevHash, event);
      await trx
        .insertInto('case_events')
        .values({
          case_id: snapshot.caseId,
          seq: event.seq,
          at: event.at,
          actor: JSON.stringify(event.actor),
          kind: event.kind,
          data: JSON.stringify(event.data),
          prev_hash: prevHash,
          hash,
        })
        .execute();
      prevHash = hash;
      lastSeq = event.seq;
      eventsWritten += 1;
    }

    const row = { ...caseColumns(snapshot), snapshot: JSON.stringify(snapshot) };
    if (eventsWritten) {
      // The anchor moves with the chain, whatever happens to the snapshot below.
      await trx.updateTable('cases').set({ last_event_seq: lastSeq, last_event_hash: prevHash }).where('case_id', '=', snapshot.caseId).execute();
    }
    const { case_id: _caseId, ...columns } = row;
    const applied = await trx
      .insertInto('cases')
      .values({ ...row, start_request: JSON.stringify({}), last_event_seq: lastSeq, last_event_hash: prevHash })
      .onConflict((oc) => oc.column('case_id').doUpdateSet(columns).where('cases.version', '<', snapshot.version))
      .executeTakeFirst();
    return { eventsWritten, snapshotApplied: Number(applied.numInsertedOrUpdatedRows ?? 0) > 0 };
  });
}
