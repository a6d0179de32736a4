import { condition, log, proxySinks, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { AuditEvent, CaseView } from '../../../domain/case-view';
import { RETRY_PROFILES, store } from '../../activity-proxies';
import { storeRejection } from '../../store-rejection';
import type { AuditTrail, Recorder } from './audit-trail';
import type { CaseData } from './case-data';
import type { WorkflowTaskWrite } from '../../../store/case-store';
import type { CaseWriteSinks, StoreWriteFailure } from '../contract';

/** Histories are cut far below this many events (continue-as-new), so task numbers never overlap across runs. */
const TASKS_PER_RUN = 1_000_000;

const { caseStore } = proxySinks<CaseWriteSinks>();

/** What the writer needs of the case. */
export interface WrittenCase {
  readonly caseId: string;
  readonly trail: AuditTrail;
  /** The case's data; the writer keeps `writeRejected` on it (the view shows the refusal). */
  readonly written: CaseData;
  snapshot(): CaseView;
  record: Recorder;
}

/**
 * Ships the case's audit events and its snapshot to PostgreSQL (the read model), at the one kind
 * of defined point there is: the end of every workflow task that changed the case. The worker
 * writes them through the `caseStore` sink (worker/case-writes.ts) before the task completes, at
 * no cost in history — no activity, no marker, no extra workflow task. The history already says
 * the task completed only after its write, and nothing comes back to the workflow whose arrival
 * replay could reorder. What the store refuses or cannot chain comes back as the
 * `storeWriteFailed` signal, an event in the history like any other.
 *
 * Two writes are confirmed by an activity instead (`persistConfirmed`): the run's end, with every
 * event the run still holds, and a change the store may refuse for a rule of its own (a second
 * open LOST case), whose caller must know the answer at once.
 *
 * A write never jams the case: a refusal (`StoreRejected`: data PostgreSQL will never take) is
 * loud — an error in the worker log, the workflow's current details, a `store.write_rejected`
 * audit event — and the case goes on working; the events stay unsaved for the next write.
 */
export class CaseWriter {
  private confirmed: Promise<void> = Promise.resolve();
  /** The workflow task being written, and the last seq stored before that task. */
  private task?: WorkflowTaskWrite;
  /** The version at which the store last refused the case (no write until it changes). */
  private heldAtVersion?: number;

  /** -1 until the first write (or when a carried run brought events the store refused). */
  constructor(
    private readonly target: WrittenCase,
    private persistedVersion = -1,
  ) {
    void this.writeEachTask();
  }

  /**
   * A write the caller waits for, whose refusal it learns at once. The activity carries every
   * event the run still holds, so whatever a lost in-task write left out is stored too.
   */
  persistConfirmed(): Promise<void> {
    const next = this.confirmed.then(() => this.writeConfirmed());
    this.confirmed = next.catch(() => undefined);
    return next;
  }

  /**
   * Once per workflow task with changes: the condition is tested after the task's jobs have run,
   * so the write carries all of them. Nothing here schedules a command, so when it runs does not
   * matter to replay; the sink is not called while replaying.
   */
  private async writeEachTask(): Promise<void> {
    for (;;) {
      await condition(() => this.hasUnsaved() && this.target.written.version !== this.heldAtVersion);
      const { trail, written } = this.target;
      const events = trail.unsaved();
      // A replayed task was written when it ran: no snapshot to build, nothing to hand over.
      if (!workflowInfo().unsafe.isReplaying) caseStore.persist({ snapshot: this.target.snapshot(), events, task: this.currentTask() });
      trail.saved(events);
      this.persistedVersion = written.version;
    }
  }

  /**
   * The store could not take an in-task write (the `storeWriteFailed` signal): it holds the trail
   * through `storedThroughSeq`, so later events go out again with the next write. A refusal is
   * recorded like an activity's, and the case is not written again until it changes.
   */
  storeWriteFailed(failure: StoreWriteFailure): void {
    const unrecoverableFrom = this.target.trail.handOverAgain(failure.storedThroughSeq);
    this.persistedVersion = -1;
    const reason =
      failure.refusal ??
      (unrecoverableFrom !== undefined
        ? `events from seq ${unrecoverableFrom} are no longer held by the case (store has ${failure.storedThroughSeq})`
        : undefined);
    if (reason === undefined) return; // a gap this run could fill: the next write does
    this.rejected(reason, this.target.trail.unsaved());
    this.heldAtVersion = this.target.written.version;
  }

  /** The store took an in-task write of a case whose earlier write it had refused. */
  storeWriteAccepted(): void {
    this.accepted();
  }

  /** Whether any audit event or change to the case is not yet in PostgreSQL. */
  hasUnsaved(): boolean {
    return this.target.trail.hasUnsaved() || this.target.written.version !== this.persistedVersion;
  }

  private async writeConfirmed(): Promise<void> {
    const { trail } = this.target;
    const events = trail.keptThisRun();
    const snapshot = this.target.snapshot();
    try {
      // The summary is what the Temporal UI shows on the activity's row: which events it saves.
      const saved = events.length ? `events ${events[0]!.seq}–${events[events.length - 1]!.seq} (${events[events.length - 1]!.kind})` : 'the snapshot';
      await store.persistCase.executeWithOptions({ ...RETRY_PROFILES.store, summary: `save case ${snapshot.status}: ${saved}` }, [{ snapshot, events }]);
    } catch (error) {
      const reason = storeRejection(error);
      if (reason === undefined) throw error; // cancelled: the events stay unsaved for the next write
      this.rejected(reason, events);
      return;
    }
    trail.saved(trail.unsaved().filter((event) => events.includes(event)));
    // In-task writes may have handed over a newer version while this write was on its way.
    this.persistedVersion = Math.max(this.persistedVersion, snapshot.version);
    this.accepted();
  }

  private accepted(): void {
    const { written } = this.target;
    this.heldAtVersion = undefined;
    if (written.writeRejected) {
      const since = written.writeRejected.at;
      log.info('the store accepts the case again', { caseId: this.target.caseId, rejectedSince: since });
      delete written.writeRejected;
      // The snapshot last written still showed the refusal: this task's write carries the recovery.
      this.target.record('store.write_resumed', 'the store takes the case again', { rejectedSince: since });
    }
  }

  /**
   * This workflow task, and what the history confirms was stored: everything saved by the writes
   * of earlier tasks (a task runs only once the one before it completed), none of this task's own.
   * The number grows across runs: continue-as-new starts the history length again.
   */
  private currentTask(): WorkflowTaskWrite {
    const generation = this.target.written.runs * TASKS_PER_RUN + workflowInfo().historyLength;
    if (this.task?.generation !== generation) {
      const firstUnsaved = this.target.trail.unsaved()[0]?.seq ?? this.target.trail.lastSeq() + 1;
      this.task = { generation, confirmedThroughSeq: firstUnsaved - 1 };
    }
    return this.task;
  }

  private rejected(reason: string, events: AuditEvent[]): void {
    const { written } = this.target;
    const seqs = events.length ? { fromSeq: events[0]!.seq, toSeq: events[events.length - 1]!.seq } : {};
    log.error('the store refused a write of the case: it stays unsaved and is retried on the next write', {
      caseId: this.target.caseId,
      reason,
      events: events.length,
      ...seqs,
    });
    setCurrentDetails(`**${written.status}** · STORE WRITE REJECTED\n\n${reason}`);
    // Recorded once per refusal, not on every retry of the same one.
    if (written.writeRejected?.reason === reason) return;
    written.writeRejected = { reason, at: new Date().toISOString() };
    this.target.record('store.write_rejected', `the store refused a write: ${reason}`, { reason, events: events.length, ...seqs });
  }
}
