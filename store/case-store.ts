import { sql, type Transaction } from 'kysely';
import type { Database } from './schema';
import type { AuditEvent, CaseView } from '../domain/case-view';
import type { Db } from './database';
import { GENESIS_HASH, hashEvent } from './audit-hash';
import { eraseIfRequested } from './erasure';
import { maskCaseWrite } from './pii';
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
  const { snapshot, events } = maskCaseWrite(input.snapshot, input.events);
  const masked: PersistCaseInput = { snapshot, events, ...(input.task ? { task: input.task } : {}) };
  return rejectingPermanentErrors(`persisting case ${input.snapshot.caseId}`, () => writeCase(db, masked));
}

async function writeCase(db: Db, { snapshot: given, events, task }: PersistCaseInput): Promise<PersistCaseResult> {
  return db.transaction().execute(async (trx) => {
    // Serialises writers of one case so the hash chain is extended by one writer at a time.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${given.caseId}))`.execute(trx);
    // The row's lock orders this write with an erasure request of the customer (which locks the
    // customer's rows): a finished case named by one is written erased.
    const current = await trx.selectFrom('cases').select('write_generation').where('case_id', '=', given.caseId).forUpdate().executeTakeFirst();
    let tail = await lastEvent(trx, given.caseId);
    if (task && supersededByLaterTask(task, current?.write_generation ?? null, tail)) {
      return { eventsWritten: 0, snapshotApplied: false, stale: true };
    }
    const snapshot = await eraseIfRequested(trx, given);
    const first = events[0];
    if (task && first && tail && tail.seq >= first.seq && tail.seq > task.confirmedThroughSeq) {
      // What a failed task wrote past the confirmed seq never happened as the history tells it.
      // The history's confirmation is recorded first, so the append-only trigger keeps guarding
      // it; then the trigger lets this transaction, and only for the tentative tail, replace it.
      await confirm(trx, snapshot.caseId, task.confirmedThroughSeq);
      await sql`SELECT set_config('case_store.replacing_tentative_tail', 'on', true)`.execute(trx);
      await trx
        .deleteFrom('case_events')
        .where('case_id', '=', snapshot.caseId)
        .where('seq', '>=', first.seq)
        .where('seq', '>', task.confirmedThroughSeq)
        .execute();
      tail = await lastEvent(trx, snapshot.caseId);
    }

    // The new events, chained in memory and inserted in one statement.
    let prevHash = tail?.hash ?? GENESIS_HASH;
    let lastSeq = tail?.seq ?? 0;
    const rows = [];
    for (const event of events) {
      if (event.seq <= lastSeq) continue; // already written by an earlier attempt
      if (event.seq !== lastSeq + 1) throw new AuditTrailGap(snapshot.caseId, lastSeq, event.seq);
      const hash = hashEvent(snapshot.caseId, prevHash, event);
      rows.push({
        case_id: snapshot.caseId,
        seq: event.seq,
        write_generation: task?.generation ?? null,
        at: event.at,
        actor: JSON.stringify(event.actor),
        kind: event.kind,
        data: JSON.stringify(event.data),
        prev_hash: prevHash,
        hash,
      });
      prevHash = hash;
      lastSeq = event.seq;
    }
    if (rows.length) {
      await trx.insertInto('case_events').values(rows).execute();
      // The anchor moves with the chain, whatever happens to the snapshot below.
      await trx
        .updateTable('cases')
        .set({
          last_event_seq: lastSeq,
          last_event_hash: prevHash,
          ...(task ? { confirmed_through_seq: confirmedAtLeast(task.confirmedThroughSeq) } : {}),
        })
        .where('case_id', '=', snapshot.caseId)
        .execute();
    }

    const row = {
      ...caseColumns(snapshot),
      snapshot: JSON.stringify(snapshot),
      write_generation: task?.generation ?? null,
    };
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
    return { eventsWritten: rows.length, snapshotApplied: Number(applied.numInsertedOrUpdatedRows ?? 0) > 0 };
  });
}

interface TrailEnd {
  seq: number;
  hash: string;
  write_generation: string | null;
}

function lastEvent(trx: Transaction<Database>, caseId: string): Promise<TrailEnd | undefined> {
  return trx
    .selectFrom('case_events')
    .select(['seq', 'hash', 'write_generation'])
    .where('case_id', '=', caseId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The confirmed seq only grows. */
const confirmedAtLeast = (seq: number) => sql<number>`GREATEST(COALESCE(confirmed_through_seq, 0), ${seq})`;

async function confirm(trx: Transaction<Database>, caseId: string, seq: number): Promise<void> {
  await trx
    .updateTable('cases')
    .set({ confirmed_through_seq: confirmedAtLeast(seq) })
    .where('case_id', '=', caseId)
    .execute();
}

/**
 * Whether a later workflow task of the case has written already: its snapshot, or the newest
 * event past this task's confirmed seq (tail events are written in task order, so the newest
 * carries the latest task). Only a task that stalled and lost its turn (its results will be
 * refused by Temporal) writes after a later one.
 */
function supersededByLaterTask(task: WorkflowTaskWrite, snapshotGeneration: string | null, tail: TrailEnd | undefined): boolean {
  if (snapshotGeneration !== null && Number(snapshotGeneration) > task.generation) return true;
  return tail !== undefined && tail.seq > task.confirmedThroughSeq && tail.write_generation !== null && Number(tail.write_generation) > task.generation;
}

/**
 * A write whose first new event does not follow the stored trail: an earlier write of the case
 * never landed (a worker that died holding it while PostgreSQL was away). The events in between
 * are the workflow's to write again; nothing of this write is stored.
 */
export class AuditTrailGap extends Error {
  override name = 'AuditTrailGap';
  constructor(
    readonly caseId: string,
    readonly storedThroughSeq: number,
    readonly gotSeq: number,
  ) {
    super(`audit trail gap for ${caseId}: have seq ${storedThroughSeq}, got ${gotSeq}`);
  }
}

/** The last seq of the case's trail in PostgreSQL (0 for none). */
export async function storedThroughSeq(db: Db, caseId: string): Promise<number> {
  const row = await db
    .selectFrom('case_events')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}
