import { condition } from '@temporalio/workflow';

/**
 * A wait with a timeout always starts a timer (at least 1 ms), even when the deadline is already
 * past by the workflow clock. Whether a timer exists must not depend on Date.now(): in the chaos
 * run a restarted worker ran an activation with the previous task's workflow time (probably after
 * replaying the case to answer a query) and started a 900 ms timer, while every later replay saw
 * the deadline past and skipped it: "[TMPRL1100] ... TimerStarted", the case jammed for good.
 */
const TIMER_ALWAYS_PATCH = 'wait-with-timeout-always-starts-a-timer';

/**
 * Every wait first saves what is unsaved, so the read model (which GET /v1/cases/{caseId} answers
 * from) never trails the workflow for the length of a wait. Cases that waited before this patch
 * replay without that write.
 */
const PERSIST_BEFORE_WAIT_PATCH = 'persist-before-wait';

/**
 * The baseline of the case workflow's code. A run begun on it writes at defined points only (see
 * CaseCore.persist), upserts its search attributes at those points, and
 * takes every earlier patch as applied without asking (`CaseCore.patched`): one marker (and one
 * TemporalChangeVersion upsert) in its history instead of one pair per patch. Runs begun before
 * it keep their hand-placed writes and ask each patch where their code did.
 */
export const BASELINE_PATCH = 'case-baseline-2026-11';

/**
 * The generation after the baseline (and including it): a shorter history for the same case
 * (issue 11). A notice goes out on all its channels in one activity, and the case's first write
 * goes out beside its first steps instead of before them. Runs begun on the baseline or before
 * keep their own shape.
 */
export const LEAN_HISTORY_PATCH = 'case-lean-history-2026-11';

/** Thrown at a playbook's wait when an agent resolved or cancelled the case meanwhile. */
export class CaseInterrupted extends Error {
  override name = 'CaseInterrupted';
}

/** What a wait needs of the case. */
export interface WaitingCase {
  /** Whether an agent's resolve or cancel is waiting to take effect. */
  interrupted(): boolean;
  /** Whether a patch applies to this run (see CaseCore.patched). */
  patched(patchId: string): boolean;
  hasUnsaved(): boolean;
  persist(): Promise<void>;
}

export interface WaitOptions {
  /** A playbook's waits are; the SLA watchdog's and the wind-down's are not. */
  interruptible?: boolean;
}

/**
 * Waits for a state predicate with a named timer, so the UI says what the case waits for. An
 * interruptible wait throws CaseInterrupted when an agent resolves or cancels the case, and the
 * workflow takes over from the playbook.
 */
export async function waitUntil(
  target: WaitingCase,
  predicate: () => boolean,
  timeoutMs: number | undefined,
  summary: string,
  { interruptible = true }: WaitOptions = {},
): Promise<boolean> {
  const interrupted = () => interruptible && target.interrupted();
  const test = () => interrupted() || predicate();
  // Agents read the case from the read model: what the case did before a wait (a new status, an
  // audit event) goes to PostgreSQL now, not whenever the wait ends.
  if (target.hasUnsaved() && target.patched(PERSIST_BEFORE_WAIT_PATCH)) target.persist().catch(() => undefined);
  let met: boolean;
  if (timeoutMs === undefined) {
    await condition(test);
    met = true;
  } else if (!target.patched(TIMER_ALWAYS_PATCH) && timeoutMs <= 0) {
    // Cases that waited here before the patch replay without a timer. patched() is asked for
    // every wait with a timeout, not only a past one: a live run whose clock said "900 ms left"
    // and its replay whose clock says "already past" must see the same marker.
    met = test();
  } else {
    met = await condition(test, Math.max(1, Math.round(timeoutMs)), { summary });
  }
  if (interrupted()) throw new CaseInterrupted();
  return met;
}
