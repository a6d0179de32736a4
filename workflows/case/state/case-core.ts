import type { CaseFacts } from '../../../domain/case-actions';
import type { CaseView } from '../../../domain/case-view';
import type { SlaPolicy } from '../../../domain/sla-policy';
import { WORKFLOW_ACTOR, type Actor } from '../../../domain/types';
import type { CaseCarryOver } from '../carry-over';
import type { OpenCaseInput, StoreWriteFailure } from '../contract';
import { AuditTrail } from './audit-trail';
import { BackgroundSteps } from './background-steps';
import { openingData, type CaseData, type ReadonlyDeep } from './case-data';
import { CaseWriter } from './case-writer';
import { carryOver, takeOver } from './carried-state';
import { caseFacts, caseView, pendingPhaseChange, SearchAttributeSync } from './projections';
import { CaseClocks } from './sla-clocks';
import { waitUntil, type WaitOptions } from './waits';

/**
 * The machinery under a case: its data (a plain object, ./case-data.ts), the audit trail every
 * change is recorded in, the search attributes that follow, the writer that ships trail and
 * snapshot to PostgreSQL at the end of every workflow task, waits and background steps. The named
 * changes are in ./case-state.ts.
 */
export class CaseCore {
  protected readonly d: CaseData;
  readonly trail: AuditTrail;
  readonly clocks: CaseClocks;
  private readonly writer: CaseWriter;
  private readonly background = new BackgroundSteps(() => this.showAttributes());
  protected readonly attributes = new SearchAttributeSync();

  constructor(
    readonly input: OpenCaseInput,
    carried?: CaseCarryOver,
  ) {
    const taken = carried ? takeOver(input, carried) : undefined;
    this.d = taken?.data ?? openingData(input, new Date().toISOString());
    this.trail = taken?.trail ?? new AuditTrail();
    const target = { caseId: input.caseId, trail: this.trail, written: this.d, snapshot: () => this.view(), record: this.record };
    this.writer = new CaseWriter(target, taken?.persistedVersion);
    this.clocks = new CaseClocks(this.d, input.policy, this.record);
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
  };

  /**
   * A defined point: the search attributes catch up with every change since the last one. The
   * case's waits, the ends of its handlers and of its run call it; PostgreSQL needs no call (the
   * writer writes every workflow task's changes as the task completes).
   */
  showAttributes(): void {
    this.attributes.sync(this.d);
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
    return carryOver(this.d, this.trail);
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

  hasUnsaved(): boolean {
    return this.writer.hasUnsaved();
  }

  waitUntil(predicate: () => boolean, timeoutMs: number | undefined, summary: string, options?: WaitOptions): Promise<boolean> {
    this.showAttributes();
    return waitUntil(() => this.d.interruption !== undefined, predicate, timeoutMs, summary, options);
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
