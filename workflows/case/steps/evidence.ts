import type { CaseState } from '../state/case-state';
import { notifyCustomer } from './customer';

/**
 * Asking the customer for evidence, with reminders, clocks paused while they hold the ball.
 */

/**
 * Asks the customer for evidence and waits (clocks paused) with reminders, until it arrives or
 * the policy's evidence window ends. Returns whether any evidence came.
 */
export async function collectEvidence(state: CaseState, what: string): Promise<boolean> {
  const had = state.data.evidence.items.length;
  if (!state.data.evidence.requested) {
    state.requestEvidence(what);
    await notifyCustomer(state, `evidence-request:${state.data.evidenceRequests}`, 'evidence.request', { what });
  }
  const askedAt = Date.now();
  const { remindersMs, windowMs } = state.policy.evidence;
  const arrived = () => state.data.evidence.items.length > had;
  for (const [index, reminderMs] of remindersMs.entries()) {
    if (await state.waitUntil(arrived, askedAt + reminderMs - Date.now(), `evidence or reminder #${index + 1}`)) return true;
    await notifyCustomer(state, `evidence-reminder:${state.data.evidenceRequests}:${index + 1}`, 'evidence.reminder', { what });
  }
  if (await state.waitUntil(arrived, askedAt + windowMs - Date.now(), 'evidence window')) return true;
  state.record('evidence.missing', `no evidence within the window: ${what}`, { what, windowMs });
  state.endEvidenceWait('evidence window ended');
  return false;
}
