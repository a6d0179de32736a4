import { log, setCurrentDetails } from '@temporalio/workflow';
import type { AuditEvent, CaseView } from '../../../domain/case-view';
import { RETRY_PROFILES, store } from '../../activity-proxies';
import { storeRejection } from '../../store-rejection';
import type { AuditTrail, Recorder } from './audit-trail';
import type { CaseData } from './case-data';

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
 * Ships the case's unsaved audit events and its snapshot to PostgreSQL (the read model). Writes
 * are chained so two handlers never write out of order; the activity skips events already
 * stored, so retries are harmless.
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
      await store.persistCase.executeWithOptions({ ...RETRY_PROFILES.store, summary: `save case ${snapshot.status}: ${saved}` }, [{ snapshot, events }]);
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
