import { patched } from '@temporalio/workflow';
import type { CaseFacts } from '../../../domain/case-actions';
import type { CaseView } from '../../../domain/case-view';
import type { SlaPolicy } from '../../../domain/sla-policy';
import { WORKFLOW_ACTOR, type Actor } from '../../../domain/types';
import type { CaseCarryOver } from '../carry-over';
import type { OpenCaseInput } from '../contract';
import { AuditTrail } from './audit-trail';
import { BackgroundSteps } from './background-steps';
import { openingData, type CaseData, type ReadonlyDeep } from './case-data';
import { CaseWriter } from './case-writer';
import { carryOver, takeOver } from './carried-state';
import { caseFacts, caseView, pendingPhaseChange, SearchAttributeSync } from './projections';
import { CaseClocks } from './sla-clocks';
import { LOCAL_WRITES_PATCH, waitUntil, WRITES_AT_DEFINED_POINTS_PATCH, type WaitOptions } from './waits';

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

  /** Whether this run writes by hand where its code says `legacyWrite()` (runs begun before the patch). */
  private readonly writesByHand: boolean;

  constructor(readonly input: OpenCaseInput, carried?: CaseCarryOver) {
    // Asked once, at the start of the run: a run keeps the way of writing it began with.
    this.writesByHand = !patched(WRITES_AT_DEFINED_POINTS_PATCH);
    const taken = carried ? takeOver(input, carried) : undefined;
    this.d = taken?.data ?? openingData(input, new Date().toISOString());
    this.trail = taken?.trail ?? new AuditTrail();
    const target = { caseId: input.caseId, trail: this.trail, written: this.d, snapshot: () => this.view(), record: this.record };
    // Asked once, at the start of the run, like the patch above.
    this.writer = new CaseWriter(target, taken?.persistedVersion, patched(LOCAL_WRITES_PATCH));
    this.clocks = new CaseClocks(this.d, input.policy, this.record, () => this.attributes.sync(this.d));
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
    this.attributes.sync(this.d);
  };

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
    return carryOver(this.d, this.trail);
  }

  /**
   * Writes unsaved changes and audit events to PostgreSQL now. Called at the case's defined
   * points: when it opens, when a signal or update handler ends, before every wait (./waits.ts),
   * when a background step ends, and in the wind-down; and where a step must know at once whether
   * the store took the write (a conversion to LOST).
   */
  persist(): Promise<void> {
    return this.writer.persist();
  }

  /**
   * Where runs begun before writes moved to defined points wrote by hand: they replay (and go
   * on) with the same writes. A no-op for runs begun since, whose next defined point writes the
   * same changes. Remove with `deprecatePatch(WRITES_AT_DEFINED_POINTS_PATCH)` once no run begun
   * before it is open and the recorded histories are re-recorded.
   */
  legacyWrite(): Promise<void> {
    // The write's own promise, not one wrapped by an async function: an extra microtask turn
    // would reorder commands between coroutines, and old histories would no longer replay.
    return this.writesByHand ? this.persist() : Promise.resolve();
  }

  hasUnsaved(): boolean {
    return this.writer.hasUnsaved();
  }

  waitUntil(predicate: () => boolean, timeoutMs: number | undefined, summary: string, options?: WaitOptions): Promise<boolean> {
    const target = { interrupted: () => this.d.interruption !== undefined, hasUnsaved: () => this.hasUnsaved(), persist: () => this.persist() };
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
