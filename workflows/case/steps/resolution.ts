import type { TemplateId } from '../../../domain/notification-templates';
import { type Actor, WORKFLOW_ACTOR } from '../../../domain/types';
import type { CaseState } from '../state/case-state';
import { WORKING_CLOCKS } from '../state/sla-clocks';
import { notifyCustomer } from './customer';

/**
 * Resolving the case: the working clocks stop, the trail says why, and the customer is told.
 */

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
  const round = state.data.reopens ? `:round${state.data.reopens + 1}` : '';
  if (template) await notifyCustomer(state, `resolved:${outcome}${round}`, template, { summary });
}
