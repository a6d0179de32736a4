import type { TemplateId } from '../../../domain/notification-templates';
import { type Actor, WORKFLOW_ACTOR } from '../../../domain/types';
import { workByHand } from '../phase-changes';
import type { CaseState } from '../state/case-state';
import { WORKING_CLOCKS } from '../state/sla-clocks';
import { notifyCustomer } from './customer';
import { notifyStaff } from './staff';

/**
 * Handing the case to people: up a tier when the playbook cannot decide, and resolving it.
 */

/**
 * The playbook cannot go on by itself (no stock, no evidence, no value to pay): the case goes up
 * one tier to someone who may decide, and waits for them to resolve it.
 */
export async function handOver(state: CaseState, reason: string): Promise<void> {
  state.setStatus('IN_PROGRESS', `needs a decision: ${reason}`);
  if (state.escalate(reason)) {
    await state.legacyWrite();
    await notifyStaff(state, `escalate:tier${state.data.tier}`, 'staff.escalated', { reason });
  }
  await state.legacyWrite();
  await workByHand(state);
}

/** Marks the case resolved: stops the working clocks and tells the customer. */
export async function resolveCase(
  state: CaseState,
  outcome: string,
  summary: string,
  template: TemplateId | undefined,
  actor: Actor = WORKFLOW_ACTOR,
): Promise<void> {
  state.markResolved(outcome, summary);
  state.withdrawEvidenceRequest('case resolved', actor);
  for (const clock of WORKING_CLOCKS) state.clocks.stop(clock, `resolved: ${outcome}`);
  state.setStatus('RESOLVED', summary, actor);
  state.record('case.resolved', summary, { outcome }, actor);
  await state.legacyWrite();
  const round = state.data.reopens ? `:round${state.data.reopens + 1}` : '';
  if (template) await notifyCustomer(state, `resolved:${outcome}${round}`, template, { summary });
}
