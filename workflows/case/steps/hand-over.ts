import { workByHand } from '../phase-changes';
import type { CaseState } from '../state/case-state';
import { notifyStaff } from './staff';

/**
 * Handing the case to people: up a tier when the playbook cannot decide.
 */

/**
 * The playbook cannot go on by itself (no stock, no evidence, no value to pay): the case goes up
 * one tier to someone who may decide, and waits for them to resolve it.
 */
export async function handOver(state: CaseState, reason: string): Promise<void> {
  state.setStatus('IN_PROGRESS', `needs a decision: ${reason}`);
  if (state.escalate(reason)) {
    await notifyStaff(state, `escalate:tier${state.data.tier}`, 'staff.escalated', { reason });
  }
  await workByHand(state);
}
