import type { AuditEvent, TimelineEntry } from '../../../domain/case-view';
import type { Actor } from '../../../domain/types';
import { storable } from '../../../domain/storable-text';

/** How many entries the case's timeline keeps (the trail in PostgreSQL keeps them all). */
const TIMELINE_LENGTH = 50;

/**
 * How many handed-over events a run keeps to hand over again (./case-writer.ts: a write the store
 * refused or could not chain, and the confirmed write at the end of a run). A run is cut long
 * before it records this many.
 */
const KEPT_HANDED_OVER = 2_000;

/** Appends an audit event: what every change to a case calls. */
export type Recorder = (kind: string, summary: string, data?: Record<string, unknown>, actor?: Actor) => void;

/**
 * The case's audit trail as the workflow holds it: the sequence, the recent timeline, and the
 * events not yet stored. The store (PostgreSQL) hash-chains and keeps every event; this side only
 * numbers them and hands them over (./case-writer.ts).
 */
export class AuditTrail {
  private seq: number;
  private recent: TimelineEntry[];
  private pending: AuditEvent[];
  /** This run's events already handed to the store, oldest first (kept for `handOverAgain`). */
  private handedOver: AuditEvent[] = [];

  constructor(carried: { seq: number; timeline: TimelineEntry[]; unsaved?: AuditEvent[] } = { seq: 0, timeline: [] }) {
    this.seq = carried.seq;
    this.recent = [...carried.timeline];
    this.pending = [...(carried.unsaved ?? [])];
  }

  /**
   * Appends an event; `summary` is the one line the timeline shows. Text PostgreSQL cannot store
   * never enters the trail: it is replaced by U+FFFD, and the event names the fields that were
   * changed (see ../storable-text.ts).
   */
  append(kind: string, rawSummary: string, rawData: Record<string, unknown>, rawActor: Actor): AuditEvent {
    const replaced: string[] = [];
    const cleanData = storable(rawData, replaced);
    const data = replaced.length ? { ...cleanData, unstorableTextReplaced: replaced } : cleanData;
    const event: AuditEvent = { seq: ++this.seq, at: new Date().toISOString(), actor: storable(rawActor), kind, data };
    this.pending.push(event);
    this.recent.push({ seq: event.seq, at: event.at, kind, summary: storable(rawSummary) });
    if (this.recent.length > TIMELINE_LENGTH) this.recent.shift();
    return event;
  }

  /** Events not yet stored, oldest first. */
  unsaved(): AuditEvent[] {
    return [...this.pending];
  }

  hasUnsaved(): boolean {
    return this.pending.length > 0;
  }

  /** The store took these events: they leave the unsaved list (newer ones stay). */
  saved(events: readonly AuditEvent[]): void {
    this.pending = this.pending.filter((event) => !events.includes(event));
    this.handedOver.push(...events);
    if (this.handedOver.length > KEPT_HANDED_OVER) this.handedOver.splice(0, this.handedOver.length - KEPT_HANDED_OVER);
  }

  /**
   * The store holds the trail only through `storedThroughSeq`: the later events this run handed
   * over are unsaved again, in order, before the ones never handed over. Returns the first seq
   * that cannot be handed over again (no longer kept by this run), if any.
   */
  handOverAgain(storedThroughSeq: number): number | undefined {
    const again = this.handedOver.filter((event) => event.seq > storedThroughSeq);
    if (!again.length) return undefined;
    this.handedOver = this.handedOver.filter((event) => event.seq <= storedThroughSeq);
    const pendingSeqs = new Set(this.pending.map((event) => event.seq));
    this.pending = [...again.filter((event) => !pendingSeqs.has(event.seq)), ...this.pending].sort((a, b) => a.seq - b.seq);
    const first = this.pending[0]!.seq;
    return first > storedThroughSeq + 1 ? storedThroughSeq + 1 : undefined;
  }

  /** Every event of this run still kept, handed over or not, oldest first: the run's last write. */
  keptThisRun(): AuditEvent[] {
    return [...this.handedOver, ...this.pending];
  }

  lastSeq(): number {
    return this.seq;
  }

  timeline(): TimelineEntry[] {
    return this.recent;
  }
}
