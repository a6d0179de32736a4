import { condition } from '@temporalio/workflow';

/** Thrown at a playbook's wait when an agent resolved or cancelled the case meanwhile. */
export class CaseInterrupted extends Error {
  override name = 'CaseInterrupted';
}

export interface WaitOptions {
  /** A playbook's waits are; the SLA watchdog's and the wind-down's are not. */
  interruptible?: boolean;
}

/**
 * Waits for a state predicate with a named timer, so the UI says what the case waits for. An
 * interruptible wait throws CaseInterrupted when an agent resolves or cancels the case (`interrupted`),
 * and the workflow takes over from the playbook.
 *
 * A wait with a timeout always starts a timer (at least 1 ms), even when the deadline is already
 * past by the workflow clock: whether a command exists must never depend on Date.now(), which a
 * restarted worker may see differently on replay than the run saw live.
 */
export async function waitUntil(
  interrupted: () => boolean,
  predicate: () => boolean,
  timeoutMs: number | undefined,
  summary: string,
  { interruptible = true }: WaitOptions = {},
): Promise<boolean> {
  const stop = () => interruptible && interrupted();
  const test = () => stop() || predicate();
  const met = timeoutMs === undefined ? (await condition(test), true) : await condition(test, Math.max(1, Math.round(timeoutMs)), { summary });
  if (stop()) throw new CaseInterrupted();
  return met;
}
