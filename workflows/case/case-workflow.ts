import { allHandlersFinished, condition, continueAsNew, setHandler } from '@temporalio/workflow';
import { WORKFLOW_ACTOR, type ExceptionType } from '../../domain/types';
import { caseViewQuery, trackingEventSignal, type CaseOutcome, type OpenCaseInput, type ResumePoint } from '../contract';
import { ContinueAsNewRequested } from './continue-as-new';
import { registerCaseActions } from './actions';
import { CaseState, WORKING_CLOCKS } from './case-state';
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
  const { resume } = input;
  const state = resume ? CaseState.restore(input, resume.state) : new CaseState(input);
  let done = false;

  setHandler(caseViewQuery, () => state.view());
  setHandler(trackingEventSignal, async (event) => {
    if (state.applyTrackingEvent(event)) await state.persist();
  });
  registerFeedbackUpdate(state);
  registerCaseActions(state);
  registerClaimProgress(state);

  if (!resume) {
    state.record('case.opened', `${input.type} case opened for waybill ${input.waybillNo}`, {
      type: input.type,
      orderId: input.orderId,
      waybillNo: input.waybillNo,
      carrier: input.carrier,
      priority: input.priority,
      policyVersion: input.policy.version,
    }, input.openedBy);
    for (const clock of WORKING_CLOCKS) state.startClock(clock);
    if (input.openingEvent) state.applyTrackingEvent(input.openingEvent);
    await state.persist();
  }

  const watchdog = runSlaWatchdog(state, () => done);
  try {
    await runCase(state, resume?.at);
  } catch (error) {
    if (!(error instanceof ContinueAsNewRequested)) throw error;
    // Every handler finishes and every audit event is stored before the history is cut.
    done = true;
    await watchdog;
    await state.settleBackground();
    await condition(allHandlersFinished);
    await state.persist();
    const { resume: _previous, ...rest } = input;
    return continueAsNew<typeof caseWorkflow>({ ...rest, resume: { state: state.carryOver(), at: error.at } });
  }

  done = true;
  await watchdog;
  await state.settleBackground();
  await condition(allHandlersFinished);
  await state.persist();
  return {
    caseId: input.caseId,
    status: state.status,
    ...(state.resolution ? { resolution: state.resolution.outcome } : {}),
    ...(state.feedback ? { feedbackScore: state.feedback.score } : {}),
  };
}

/** The phases: playbook (or where a previous run stopped), then survey, recovery, survey... */
async function runCase(state: CaseState, at: ResumePoint | undefined): Promise<void> {
  let end: PhaseEnd = 'resolved';
  if (!at) end = await runPhase(state, PLAYBOOKS[state.input.type]);
  else if (at.phase === 'delayed') end = await runPhase(state, (resumed) => delayedPlaybook(resumed, at));
  else if (at.phase === 'by-hand') end = await runPhase(state, workByHand);
  let surveyResume = at?.phase === 'feedback' ? at : undefined;

  while (end === 'resolved') {
    const feedback = await collectFeedback(state, surveyResume);
    surveyResume = undefined;
    if (feedback.kind !== 'reopened') {
      // A staff notice still retrying (the ops bot rate-limited) is withdrawn, recorded as such,
      // and the case closes now: its trail ends with case.closed.
      await state.settleBackground({ withdraw: true });
      close(state);
      return;
    }
    const request = state.reopenRequest;
    await reopenForRecovery(state, feedback.reason, { lowScore: feedback.lowScore, actor: request?.actor ?? WORKFLOW_ACTOR });
    if (request) {
      request.settled = 'applied';
      delete state.reopenRequest;
    }
    end = await runPhase(state, workByHand);
  }
  state.closedAt = new Date().toISOString();
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
