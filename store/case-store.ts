import { sql, type Transaction } from 'kysely';
import type { Database } from './schema';
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
  /**
   * A write from inside a workflow task (a local activity; see migrations/0030): the task's
   * generation, and the last seq the workflow's history confirms was stored. Stored events past
   * that seq are tentative, written by a task that may have failed: this write's events replace
   * them. A write older than what is stored changes nothing (`stale`).
   */
  task?: WorkflowTaskWrite;
}

export interface WorkflowTaskWrite {
  /** Grows with every workflow task of the case, across its runs. */
  generation: number;
  confirmedThroughSeq: number;
}

export interface PersistCaseResult {
  eventsWritten: number;
  snapshotApplied: boolean;
  /** A later workflow task has written already: this (stalled) one's write was dropped. */
  stale?: boolean;
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
    ...(input.task ? { task: input.task } : {}),
  };
  return rejectingPermanentErrors(`persisting case ${input.snapshot.caseId}`, () => writeCase(db, masked));
}

async function writeCase(db: Db, { snapshot: given, events, task }: PersistCaseInput): Promise<PersistCaseResult> {
  return db.transaction().execute(async (trx) => {
    // Serialises writers of one case so the hash chain is extended by one writer at a time.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${given.caseId}))`.execute(trx);
    // The row's lock orders this write with an erasure request of the customer (which locks the
    // customer's rows): a finished case named by one is written erased.
    const current = await trx.selectFrom('cases').select(['case_id', 'write_generation']).where('case_id', '=', given.caseId).forUpdate().executeTakeFirst();
    if (task && (await supersededByLaterTask(trx, given.caseId, task, current?.write_generation ?? null))) {
      return { eventsWritten: 0, snapshotApplied: false, stale: true };
    }
    const snapshot = await eraseIfRequested(trx, given);
    const first = events[0];
    if (task && current) {
      // The history confirms everything up to here: from now on the database refuses to change it.
      await trx
        .updateTable('cases')
        .set({ confirmed_through_seq: sql<number>`GREATEST(COALESCE(confirmed_through_seq, 0), ${task.confirmedThroughSeq})` })
        .where('case_id', '=', given.caseId)
        .execute();
    }
    if (task && first) {
      // What a failed task wrote past the confirmed seq never happened as the history tells it.
      // The append-only trigger lets this transaction, and only for those events, replace it.
      await sql`SELECT set_config('case_store.replacing_tentative_tail', 'on', true)`.execute(trx);
      await trx
        .deleteFrom('case_events')
        .where('case_id', '=', snapshot.caseId)
        .where('seq', '>=', first.seq)
        .where('seq', '>', task.confirmedThroughSeq)
        .execute();
    }

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
          write_generation: task?.generation ?? null,
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

    const row = {
      ...caseColumns(snapshot),
      snapshot: JSON.stringify(snapshot),
      write_generation: task?.generation ?? null,
    };
    if (eventsWritten) {
      // The anchor moves with the chain, whatever happens to the snapshot below.
      await trx.updateTable('cases').set({ last_event_seq: lastSeq, last_event_hash: prevHash }).where('case_id', '=', snapshot.caseId).execute();
    }
    const { case_id: _caseId, ...columns } = row;
    const applied = await trx
      .insertInto('cases')
      .values({
        ...row,
        start_request: JSON.stringify({}),
        last_event_seq: lastSeq,
        last_event_hash: prevHash,
        ...(task ? { confirmed_through_seq: task.confirmedThroughSeq } : {}),
      })
      .onConflict((oc) =>
        oc
          .column('case_id')
          .doUpdateSet(columns)
          .where((eb) =>
            task
              ? // A later task's snapshot wins, even with a lower version than a failed task's.
                eb.or([
                  eb.and([eb('cases.write_generation', 'is', null), eb('cases.version', '<', snapshot.version)]),
                  eb('cases.write_generation', '<', String(task.generation)),
                  eb.and([eb('cases.write_generation', '=', String(task.generation)), eb('cases.version', '<', snapshot.version)]),
                ])
              : eb('cases.version', '<', snapshot.version),
          ),
      )
      .executeTakeFirst();
    return { eventsWritten, snapshotApplied: Number(applied.numInsertedOrUpdatedRows ?? 0) > 0 };
  });
}

/**
 * Whether a later workflow task of the case has written already: its snapshot, or a tentative
 * event past this task's confirmed seq. Only a task that stalled and lost its turn (its results
 * will be refused by Temporal) writes after a later one.
 */
async function supersededByLaterTask(trx: Transaction<Database>, caseId: string, task: WorkflowTaskWrite, snapshotGeneration: string | null): Promise<boolean> {
  if (snapshotGeneration !== null && Number(snapshotGeneration) > task.generation) return true;
  const later = await trx
    .selectFrom('case_events')
    .select('seq')
    .where('case_id', '=', caseId)
    .where('seq', '>', task.confirmedThroughSeq)
    .where('write_generation', '>', String(task.generation))
    .limit(1)
    .executeTakeFirst();
  return later !== undefined;
}
