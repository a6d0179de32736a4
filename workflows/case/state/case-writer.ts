import { log, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { AuditEvent, CaseView } from '../../../domain/case-view';
import { RETRY_PROFILES, store, storeLocal } from '../../activity-proxies';
import { storeRejection } from '../../store-rejection';
import type { AuditTrail, Recorder } from './audit-trail';
import type { CaseData } from './case-data';
import type { WorkflowTaskWrite } from '../../../store/case-store';

/** Histories are cut far below this many events (continue-as-new), so generations never overlap. */
const GENERATIONS_PER_RUN = 1_000_000;

/** What the writer needs of the case. */
export interface WrittenCase {
  readonly caseId: string;
  readonly trail: AuditTrail;
  /** The case's data; the writer keeps `writeRejected` on it (the view shows the refusal). */
  readonly written: CaseData;
  /** Runs begun on the lean history write through a local activity (see activity-proxies). */
  readonly writesInTask: boolean;
  snapshot(): CaseView;
  record: Recorder;
}

/**
 * Ships the case's unsaved audit events and its snapshot to PostgreSQL (the read model). Writes
 * are chained so two handlers never write out of order; the activity skips events already
 * stored, so retries are harmless. Runs begun on the lean history write through a local activity
 * that names its workflow task, so the store can replace what a task that then failed wrote (see
 * `currentTask` and store/case-store.ts).
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

  /** -1 until the first write (or when a carried run brought events the store refused). */
  constructor(
    private readonly target: WrittenCase,
    private persistedVersion = -1,
  ) {}

  persist(): Promise<void> {
    const write = this.flushing.then(() => this.flush());
    this.flushing = write.catch(() => undefined);
    return write;
  }

  /** Whether any audit event or change to the case is not yet in PostgreSQL. */
  hasUnsaved(): boolean {
    return this.target.trail.hasUnsaved() || this.target.written.version !== this.persistedVersion;
  }

  private async flush(): Promise<void> {
    if (!this.hasUnsaved()) return;
    const { trail, written } = this.target;
    const events = trail.unsaved();
    const snapshot = this.target.snapshot();
    try {
      // The summary is what the Temporal UI shows on the activity's row: which events it saves.
      const saved = events.length ? `events ${events[0]!.seq}–${events[events.length - 1]!.seq} (${events[events.length - 1]!.kind})` : 'the snapshot';
      const summary = `save case ${snapshot.status}: ${saved}`;
      if (this.target.writesInTask) {
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
    trail.saved(events);
    this.persistedVersion = snapshot.version;
    if (written.writeRejected) {
      const since = written.writeRejected.at;
      log.info('the store accepts the case again', { caseId: this.target.caseId, rejectedSince: since });
      delete written.writeRejected;
      // The snapshot just written still showed the refusal: write the recovery too.
      this.target.record('store.write_resumed', 'the store takes the case again', { rejectedSince: since });
      this.persist().catch(() => undefined);
    }
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
