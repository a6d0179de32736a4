import { patched } from '@temporalio/workflow';
import type { CaseFacts } from '../../../domain/case-actions';
import type { CaseView } from '../../../domain/case-view';
import type { SlaPolicy } from '../../../domain/sla-policy';
import { WORKFLOW_ACTOR, type Actor } from '../../../domain/types';
import type { CaseCarryOver } from '../carry-over';
import type { OpenCaseInput, StoreWriteFailure } from '../contract';
import { AuditTrail } from './audit-trail';
import { BackgroundSteps } from './background-steps';
import { openingData, type CaseData, type ReadonlyDeep } from './case-data';
import { CaseWriter, WRITES_IN_TASK_PATCH, type WriteChannel } from './case-writer';
import { CARRIER_REQUEST_COUNTER_PATCH, carryOver, takeOver } from './carried-state';
import { caseFacts, caseView, pendingPhaseChange, SearchAttributeSync } from './projections';
import { CaseClocks } from './sla-clocks';
import { BASELINE_PATCH, LEAN_HISTORY_PATCH, waitUntil, type WaitOptions } from './waits';

/**
 * The machinery under a case: its data (a plain object, ./case-data.ts), the audit trail every
 * change is recorded in, the search attributes that follow, the writer that ships trail and
 * snapshot to PostgreSQL, waits and background steps. The named changes are in ./case-state.ts.
 */
export class CaseCore {
  protected readonly d: CaseData;
  readonly trail: AuditTrail;
  readonly clocks: CaseClocks;
  private readonly writer: CaseWriter;
  private readonly background = new BackgroundSteps(() => this.persist());
  protected readonly attributes = new SearchAttributeSync();

  /** Whether this run began on the baseline (BASELINE_PATCH) or after it: asked once, at its start. */
  private readonly onBaseline: boolean;
  /** Whether this run began on the lean history (LEAN_HISTORY_PATCH, which includes the baseline). */
  readonly leanHistory: boolean;
  /** Whether this run writes in its workflow tasks (WRITES_IN_TASK_PATCH, which includes the lean history). */
  readonly writesInTask: boolean;

  constructor(
    readonly input: OpenCaseInput,
    carried?: CaseCarryOver,
  ) {
    // A run keeps the code generation it began on. The newest is asked first, so a new run
    // records one marker; a run begun on an older generation replays without the newer marker.
    this.writesInTask = patched(WRITES_IN_TASK_PATCH);
    this.leanHistory = this.writesInTask || patched(LEAN_HISTORY_PATCH);
    this.onBaseline = this.leanHistory || patched(BASELINE_PATCH);
    const channel: WriteChannel = this.writesInTask ? 'in-task' : this.leanHistory ? 'local-activity' : 'activity';
    const taken = carried ? takeOver(input, carried) : undefined;
    this.d = taken?.data ?? openingData(input, new Date().toISOString());
    this.trail = taken?.trail ?? new AuditTrail();
    const target = {
      caseId: input.caseId,
      trail: this.trail,
      written: this.d,
      snapshot: () => this.view(),
      record: this.record,
      channel,
    };
    this.writer = new CaseWriter(target, taken?.persistedVersion);
    this.clocks = new CaseClocks(this.d, input.policy, this.record, () => this.attributesChanged());
  }

  get data(): ReadonlyDeep<CaseData> {
    return this.d;
  }

  get caseId(): string {
    return this.input.caseId;
  }

  get policy(): SlaPolicy {
    return this.input.policy;
  }

  // --- trail, projections, persistence, waits ---------------------------------------------

  /** Appends an audit event; `summary` is the one line the timeline shows. */
  readonly record = (kind: string, summary: string, data: Record<string, unknown> = {}, actor: Actor = WORKFLOW_ACTOR): void => {
    this.trail.append(kind, summary, data, actor);
    this.d.version += 1;
    this.attributesChanged();
  };

  /** A change the search attributes may show: upserted now (older runs) or at the next defined point. */
  protected attributesChanged(): void {
    if (!this.onBaseline) this.attributes.sync(this.d);
  }

  /** A defined point: the search attributes catch up with every change since the last one. */
  private showAttributes(): void {
    if (this.onBaseline) this.attributes.sync(this.d);
  }

  view(): CaseView {
    return caseView(this.d, this.input, this.trail.timeline());
  }

  facts(): CaseFacts {
    return caseFacts(this.d, this.input);
  }

  pendingPhaseChange(): string | undefined {
    return pendingPhaseChange(this.d);
  }

  carryOver(): CaseCarryOver {
    return carryOver(this.d, this.trail, this.patched(CARRIER_REQUEST_COUNTER_PATCH));
  }

  /**
   * Whether a patch applies to this run: always on the baseline (no marker recorded); otherwise
   * Temporal's `patched()`, asked where the run's code asked it, so runs begun before replay.
   */
  patched(patchId: string): boolean {
    return this.onBaseline || patched(patchId);
  }

  /**
   * Writes unsaved changes and audit events to PostgreSQL now. Called at the case's defined
   * points: when it opens, when a signal or update handler ends, before every wait (./waits.ts),
   * when a background step ends, and in the wind-down; and where a step must know at once whether
   * the store took the write (a conversion to LOST).
   */
  persist(): Promise<void> {
    this.showAttributes();
    return this.writer.persist();
  }

  /**
   * A write the caller waits for and whose refusal it sees at once (`writeRejected`): the end of a
   * run, and a change the store may refuse for a rule of its own (a second open LOST case).
   */
  persistConfirmed(): Promise<void> {
    this.showAttributes();
    return this.writer.persistConfirmed();
  }

  /** The worker could not write an in-task write (see CaseWriter.storeWriteFailed). */
  storeWriteFailed(failure: StoreWriteFailure): void {
    this.writer.storeWriteFailed(failure);
  }

  storeWriteAccepted(): void {
    this.writer.storeWriteAccepted();
  }

  /**
   * Where runs begun before writes moved to defined points wrote by hand: they replay (and go
   * on) with the same writes. A no-op for runs begun since, whose next defined point writes the
   * same changes. Remove once no run begun before BASELINE_PATCH is open and the recorded
   * histories are re-recorded.
   */
  legacyWrite(): Promise<void> {
    // The write's own promise, not one wrapped by an async function: an extra microtask turn
    // would reorder commands between coroutines, and old histories would no longer replay.
    return this.onBaseline ? Promise.resolve() : this.persist();
  }

  hasUnsaved(): boolean {
    return this.writer.hasUnsaved();
  }

  waitUntil(predicate: () => boolean, timeoutMs: number | undefined, summary: string, options?: WaitOptions): Promise<boolean> {
    this.showAttributes();
    const target = {
      interrupted: () => this.d.interruption !== undefined,
      patched: (patchId: string) => this.patched(patchId),
      hasUnsaved: () => this.hasUnsaved(),
      persist: () => this.persist(),
    };
    return waitUntil(target, predicate, timeoutMs, summary, options);
  }

  /** Runs a side step without holding up the caller; see ./background-steps.ts. */
  inBackground(step: () => Promise<void>): void {
    this.background.start(step);
  }

  hasBackground(): boolean {
    return this.background.any();
  }

  settleBackground(options?: { withdraw?: boolean }): Promise<void> {
    return this.background.settle(options);
  }
}
