import type { Actor } from '../../domain/types';
import type { CaseState } from './state/case-state';
import { WORKING_CLOCKS } from './state/sla-clocks';
import { CaseInterrupted } from './state/waits';
import { ContinueAsNewRequested, continueAsNewDue } from './continue-as-new';
import { notifyCustomer } from './steps/customer';
import { resolveCase } from './steps/resolution';
import { notifyStaff } from './steps/staff';

/**
 * The phases of a case around its playbook: working it (the playbook, or by hand after a reopen)
 * until it is resolved or cancelled, and recovery after a reopen. Agents' resolve and cancel
 * actions interrupt whatever the phase is waiting for; this is where they take effect.
 */

export type PhaseEnd = 'resolved' | 'cancelled';

export async function runPhase(state: CaseState, phase: (state: CaseState) => Promise<void>): Promise<PhaseEnd> {
  try {
    await phase(state);
  } catch (error) {
    if (!(error instanceof CaseInterrupted) || !state.data.interruption) throw error;
    const request = state.data.interruption;
    if (request.kind === 'cancel') {
      await cancelCase(state, request.reason, request.actor);
    } else {
      await resolveCase(state, request.outcome, request.summary, 'case.resolved', request.actor);
    }
    state.settleInterruption('applied');
    return request.kind === 'cancel' ? 'cancelled' : 'resolved';
  }
  // The playbook finished on its own while an action waited for its next pause: tell the agent.
  const late = state.data.interruption;
  if (late) {
    state.record('case.action_superseded', `${late.kind} came too late: the case was already resolved`, { action: late.kind }, late.actor);
    state.settleInterruption('superseded');
  }
  return 'resolved';
}

/** Cancelled by a supervisor (duplicate case, opened in error, customer withdrew): no survey. */
async function cancelCase(state: CaseState, reason: string, actor: Actor): Promise<void> {
  state.withdrawEvidenceRequest('case cancelled', actor);
  for (const name of state.clocks.names()) state.clocks.stop(name, 'case cancelled');
  state.setStatus('CANCELLED', reason, actor);
  state.record('case.cancelled', reason, { reason }, actor);
  await notifyCustomer(state, 'cancelled', 'case.cancelled', { reason });
}

/**
 * Back to work after resolution: a low score, or an agent who learned the problem is not solved.
 * A low score brings the case to at least a supervisor (回訪 by the owner of the fix); the
 * handling and resolution clocks start again for the new round, and the case waits for its owner
 * to resolve it (possibly with goodwill compensation).
 */
export async function reopenForRecovery(state: CaseState, reason: string, { lowScore, actor }: { lowScore: boolean; actor: Actor }): Promise<void> {
  state.startReopenRound();
  state.record('case.reopened', reason, { reason, round: state.data.reopens + 1, lowScore }, actor);
  state.setStatus('IN_PROGRESS', `reopened: ${reason}`, actor);
  for (const clock of WORKING_CLOCKS) if (clock !== 'firstResponse') state.clocks.start(clock);
  if (lowScore && state.data.tier < 2) state.escalate('low satisfaction score', actor);
  await notifyStaff(state, `reopened:${state.data.reopens}`, 'staff.reopened', { reason });
  await notifyCustomer(state, `reopened:${state.data.reopens}`, 'case.reopened');
}

/**
 * After a reopen, or when a playbook hands over, there is nothing left to automate: the owner
 * works the case and resolves it (the resolve action interrupts this wait). A long wait here is a
 * safe point to continue as new.
 */
export async function workByHand(state: CaseState): Promise<void> {
  await state.waitUntil(() => continueAsNewDue(state), undefined, `waiting for ${state.data.assignee} to resolve`);
  throw new ContinueAsNewRequested({ phase: 'by-hand' });
}
