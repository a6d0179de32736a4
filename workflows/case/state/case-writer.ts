import { condition, log, patched, proxySinks, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { AuditEvent, CaseView } from '../../../domain/case-view';
import { RETRY_PROFILES, store, storeLocal } from '../../activity-proxies';
import { storeRejection } from '../../store-rejection';
import type { AuditTrail, Recorder } from './audit-trail';
import type { CaseData } from './case-data';
import type { WorkflowTaskWrite } from '../../../store/case-store';
import type { CaseWriteSinks, StoreWriteFailure } from '../contract';

/** Histories are cut far below this many events (continue-as-new), so generations never overlap. */
const GENERATIONS_PER_RUN = 1_000_000;

/**
 * The case's writes are activities, in every run from its next write on (asked at each write of a
 * run that still writes locally, until it is recorded, so it reaches running cases).
 *
 * A local activity's result reaches the workflow at a point of the workflow task that its history
 * does not record: live, it arrives in an activation of its own once PostgreSQL answers, after the
 * task's other jobs; on replay it comes with them. The case is several coroutines at once (the
 * playbook, the SLA watchdog, background notices, signal and update handlers, the writer's own
 * chain), so whatever resumed after a local write (the next write, the next step, an update's
 * answer) was numbered in a different order on replay: "[TMPRL1100] Activity id of scheduled
 * event '31' does not match activity id of activity command '32'", "Update machine does not handle
 * this event: UpsertWorkflowSearchAttributes". And a workflow task that waits on a local write
 * cannot end while the write is slow: with the worker killed every 10 s, such tasks timed out
 * attempt after attempt until the server backed off for minutes. An activity's completion is an
 * event of its own, in the order the history gives it.
 */
export const WRITES_AS_ACTIVITIES_PATCH = 'case-writes-as-activities';

/**
 * The generation after WRITES_AS_ACTIVITIES_PATCH: a case's changes are written by the worker
 * before the workflow task that made them completes (the `caseStore` sink, worker/case-writes.ts),
 * at no cost in history: no activity, no marker, no extra workflow task. The history already
 * says the task completed only after its write; the writer notices nothing come back, so there is
 * nothing whose arrival replay could reorder. What the store refuses or cannot chain comes back
 * as the `storeWriteFailed` signal, an event in the history like any other. A run's end is
 * written once more by an activity, with every event the run still holds.
 */
export const WRITES_IN_TASK_PATCH = 'case-writes-before-task-completes';

const { caseStore } = proxySinks<CaseWriteSinks>();

/** How the case's writes reach PostgreSQL, by the generation the run began on. */
export type WriteChannel = 'in-task' | 'activity' | 'local-activity';

/** What the writer needs of the case. */
export interface WrittenCase {
  readonly caseId: string;
  readonly trail: AuditTrail;
  /** The case's data; the writer keeps `writeRejected` on it (the view shows the refusal). */
  readonly written: CaseData;
  /** The generation's write channel: in-task (today), activities, or local activities (lean-history runs). */
  readonly channel: WriteChannel;
  snapshot(): CaseView;
  record: Recorder;
}

/**
 * Ships the case's unsaved audit events and its snapshot to PostgreSQL (the read model). In runs
 * begun on today's code every workflow task with changes writes them through the `caseStore`
 * sink (`writeEachTask`), and the run's end through one confirmed activity (`persistConfirmed`).
 * Runs begun earlier write at defined points through an activity, chained so two handlers never
 * write out of order; the part of a lean-history run replayed from before
 * WRITES_AS_ACTIVITIES_PATCH writes through a local activity. In-task and local writes name their
 * workflow task (see `currentTask` and store/case-store.ts); the store skips events it holds, so
 * retries are harmless.
 *
 * A write never jams the case: whatever happens to one write (the store refuses it, or the
 * caller's scope was cancelled), the next starts afresh, and events not stored stay unsaved for
 * it. A refusal (`StoreRejected`: data PostgreSQL will never take) is loud — an error in the
 * worker log, the workflow's current details, a `store.write_rejected` audit event — and the case
 * goes on working; it resolves the write rather than failing it, so the action or signal that
 * caused it still gets its answer.
 */
export class CaseWriter {
  private flushing: Promise<void> = Promise.resolve();
  /** The workflow task of the latest local write, and the last seq stored before that task. */
  private task?: WorkflowTaskWrite;
  /** Runs begun on the lean history write locally until WRITES_AS_ACTIVITIES_PATCH is recorded. */
  private writesLocally: boolean;
  /** In-task writes: the version at which the store last refused the case (no write until it changes). */
  private heldAtVersion?: number;

  /** -1 until the first write (or when a carried run brought events the store refused). */
  constructor(
    private readonly target: WrittenCase,
    private persistedVersion = -1,
  ) {
    this.writesLocally = target.channel === 'local-activity';
    if (target.channel === 'in-task') void this.writeEachTask();
  }

  /**
   * A defined point of the older generations: writes now. In-task writes need none (every task's
   * changes are written as it completes), so this only lets the caller go on.
   */
  persist(): Promise<void> {
    if (this.target.channel === 'in-task') return Promise.resolve();
    return this.chained(() => this.flush());
  }

  /**
   * A write the caller waits for, whose refusal it learns at once: the end of a run, and a step
   * that must know whether the store took the change (a conversion to LOST). In-task runs send an
   * activity with every event the run still holds, so whatever a lost in-task write left out is
   * stored too.
   */
  persistConfirmed(): Promise<void> {
    if (this.target.channel !== 'in-task') return this.persist();
    return this.chained(() => this.flush({ everythingKept: true }));
  }

  private chained(write: () => Promise<void>): Promise<void> {
    const next = this.flushing.then(write);
    this.flushing = next.catch(() => undefined);
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

  private async flush({ everythingKept = false }: { everythingKept?: boolean } = {}): Promise<void> {
    if (!everythingKept && !this.hasUnsaved()) return;
    const { trail } = this.target;
    const events = everythingKept ? trail.keptThisRun() : trail.unsaved();
    const snapshot = this.target.snapshot();
    try {
      // The summary is what the Temporal UI shows on the activity's row: which events it saves.
      const saved = events.length ? `events ${events[0]!.seq}–${events[events.length - 1]!.seq} (${events[events.length - 1]!.kind})` : 'the snapshot';
      const summary = `save case ${snapshot.status}: ${saved}`;
      if (this.stillWritesLocally()) {
        await storeLocal.persistCase.executeWithOptions({ ...RETRY_PROFILES.store, summary }, [{ snapshot, events, task: this.currentTask() }]);
      } else {
        await store.persistCase.executeWithOptions({ ...RETRY_PROFILES.store, summary }, [{ snapshot, events }]);
      }
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
      // The snapshot just written still showed the refusal: write the recovery too.
      this.target.record('store.write_resumed', 'the store takes the case again', { rejectedSince: since });
      this.persist().catch(() => undefined);
    }
  }

  /** Asked at the write itself, so a running case switches at its next write after a deploy. */
  private stillWritesLocally(): boolean {
    if (this.writesLocally && patched(WRITES_AS_ACTIVITIES_PATCH)) this.writesLocally = false;
    return this.writesLocally;
  }

  /**
   * This workflow task, and what the history confirms was stored: everything saved by the writes
   * of earlier tasks (a task runs only once the one before it completed), none of this task's own.
   * The generation grows across runs: continue-as-new starts the history length again.
   */
  private currentTask(): WorkflowTaskWrite {
    const generation = this.target.written.runs * GENERATIONS_PER_RUN + workflowInfo().historyLength;
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
