import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import { WORKFLOW_ACTOR, type ExceptionType } from '../../domain/types';
import { caseViewQuery, trackingEventSignal, type CaseOutcome, type OpenCaseInput } from '../contract';
import { registerCaseActions } from './actions';
import { CaseState } from './case-state';
import { collectFeedback, registerFeedbackUpdate } from './feedback';
import { reopenForRecovery, runPhase, workByHand, type PhaseEnd } from './phases';
import { registerClaimProgress } from './claims';
import { addressChangePlaybook } from './playbooks/address-change';
import { damagedPlaybook } from './playbooks/damaged';
import { delayedPlaybook } from './playbooks/delayed';
import { interceptPlaybook } from './playbooks/intercept';
import { lostPlaybook } from './playbooks/lost';
import { refusedPlaybook } from './playbooks/refused';
import { returnExchangePlaybook } from './playbooks/return-exchange';
import { wrongOrMissingPlaybook } from './playbooks/wrong-or-missing';
import { runSlaWatchdog } from './sla-watchdog';

/**
 * One logistics exception, from the moment it is opened until the customer's feedback closes it.
 * The workflow is the source of truth while the case is open; the read model and audit trail in
 * PostgreSQL follow it through idempotent activities.
 *
 *   open → playbook (or an agent's resolve / cancel) → survey → feedback → CLOSED
 *                                        ↑                         │ low score / reopen
 *                                        └──── recovery by hand ◄──┘
 */

type Playbook = (state: CaseState) => Promise<void>;

/** One playbook per exception type (../shared/product.md), each reading like its table row. */
const PLAYBOOKS: Record<ExceptionType, Playbook> = {
  DELAYED: delayedPlaybook,
  LOST: lostPlaybook,
  DAMAGED: damagedPlaybook,
  WRONG_ITEM: wrongOrMissingPlaybook,
  MISSING_ITEM: wrongOrMissingPlaybook,
  ADDRESS_CHANGE: addressChangePlaybook,
  INTERCEPT: interceptPlaybook,
  REFUSED: refusedPlaybook,
  RETURN_EXCHANGE: returnExchangePlaybook,
};

export async function caseWorkflow(input: OpenCaseInput): Promise<CaseOutcome> {
  const state = new CaseState(input);
  let done = false;

  setHandler(caseViewQuery, () => state.view());
  setHandler(trackingEventSignal, async (event) => {
    if (state.applyTrackingEvent(event)) await state.persist();
  });
  registerFeedbackUpdate(state);
  registerCaseActions(state);
  registerClaimProgress(state);

  state.record('case.opened', `${input.type} case opened for waybill ${input.waybillNo}`, {
    type: input.type,
    orderId: input.orderId,
    waybillNo: input.waybillNo,
    carrier: input.carrier,
    priority: input.priority,
    policyVersion: input.policy.version,
  }, input.openedBy);
  for (const clock of ['firstResponse', 'handling', 'resolution'] as const) state.startClock(clock);
  if (input.openingEvent) state.applyTrackingEvent(input.openingEvent);
  await state.persist();

  const watchdog = runSlaWatchdog(state, () => done);
  let end: PhaseEnd = await runPhase(state, PLAYBOOKS[input.type]);
  while (end === 'resolved') {
    const feedback = await collectFeedback(state);
    if (feedback.kind !== 'reopened') {
      close(state);
      break;
    }
    const request = state.reopenRequest;
    await reopenForRecovery(state, feedback.reason, { lowScore: feedback.lowScore, actor: request?.actor ?? WORKFLOW_ACTOR });
    if (request) {
      request.settled = 'applied';
      delete state.reopenRequest;
    }
    end = await runPhase(state, workByHand);
  }
  if (end === 'cancelled') state.closedAt = new Date().toISOString();

  done = true;
  await watchdog;
  await condition(allHandlersFinished);
  await state.persist();
  return {
    caseId: input.caseId,
    status: state.status,
    ...(state.resolution ? { resolution: state.resolution.outcome } : {}),
    ...(state.feedback ? { feedbackScore: state.feedback.score } : {}),
  };
}

function close(state: CaseState): void {
  state.closedAt = new Date().toISOString();
  state.setStatus('CLOSED', state.feedback ? `feedback ${state.feedback.score}/5 received` : 'feedback window ended');
  state.record('case.closed', 'case closed', {
    feedbackScore: state.feedback?.score ?? null,
    slaBreached: state.slaBreached,
    tier: state.tier,
  });
}
