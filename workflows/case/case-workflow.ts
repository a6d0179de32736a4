import { registerIncidentSignal } from './incident';
import { allHandlersFinished, condition, continueAsNew, log, setHandler } from '@temporalio/workflow';
import { WORKFLOW_ACTOR, type ExceptionType } from '../../domain/types';
import { caseViewQuery, storeWriteAcceptedSignal, storeWriteFailedSignal, trackingEventSignal, type CaseOutcome } from './contract';
import type { CaseWorkflowInput, ResumePoint } from './carry-over';
import { ContinueAsNewRequested } from './continue-as-new';
import { resolveOnDelivery } from './delivery-wait';
import { registerCaseActions } from './actions';
import { CaseState } from './state/case-state';
import { WORKING_CLOCKS } from './state/sla-clocks';
import { collectFeedback, registerFeedbackUpdate } from './feedback';
import { reopenForRecovery, runPhase, workByHand, type PhaseEnd } from './phase-changes';
import { registerClaimProgress } from './claims';
import { addressChangePlaybook } from './playbooks/address-change';
import { assessDamage, damagedPlaybook } from './playbooks/damaged';
import { delayedPlaybook } from './playbooks/delayed';
import { interceptPlaybook } from './playbooks/intercept';
import { lostPlaybook, settleLostClaim } from './playbooks/lost';
import { awaitRemedy, refusedPlaybook } from './playbooks/refused';
import { returnExchangePlaybook } from './playbooks/return-exchange';
import { wrongOrMissingPlaybook } from './playbooks/wrong-or-missing';
import { resumeReturnReceipt } from './return-wait';
import { runSlaWatchdog } from './sla-watchdog';
import { keepPromisesByClock } from './promise-timers';
import { treatAsMajor } from './steps/severity';

/**
 * One logistics exception, from the moment it is opened until the customer's feedback closes it.
 * The workflow is the source of truth while the case is open; the read model and audit trail in
 * PostgreSQL follow it: each workflow task's changes are written before the task completes
 * (./state/case-writer.ts).
 *
 *   open → playbook (or an agent's resolve / cancel) → survey → feedback → CLOSED
 *                                        ↑                         │ low score / reopen
 *                                        └──── recovery by hand ◄──┘
 */

type Playbook = (state: CaseState) => Promise<void>;

/** One playbook per exception type (docs/playbooks.md), each reading like its table row. */
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

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseOutcome> {
  const { resume } = input;
  const state = new CaseState(input, resume?.state);
  let done = false;

  setHandler(caseViewQuery, () => state.view());
  setHandler(trackingEventSignal, async (event) => {
    if (state.applyTrackingEvent(event)) state.showAttributes();
  });
  setHandler(storeWriteFailedSignal, (failure) => state.storeWriteFailed(failure));
  setHandler(storeWriteAcceptedSignal, () => state.storeWriteAccepted());
  registerFeedbackUpdate(state);
  registerCaseActions(state);
  registerClaimProgress(state);
  registerIncidentSignal(state);

  if (!resume) {
    state.record(
      'case.opened',
      `${input.type} case opened for waybill ${input.waybillNo}`,
      {
        type: input.type,
        orderId: input.orderId,
        waybillNo: input.waybillNo,
        carrier: input.carrier,
        priority: input.priority,
        ...(input.severity && input.severity !== 'general' ? { severity: input.severity } : {}),
        policyVersion: input.policy.version,
      },
      input.openedBy,
    );
    for (const clock of WORKING_CLOCKS) state.clocks.start(clock);
    if (input.severity === 'major') treatAsMajor(state, 'opened as major');
    if (input.openingEvent) state.applyTrackingEvent(input.openingEvent);
    state.showAttributes();
  }

  const watchdog = runSlaWatchdog(state, () => done);
  const promiseTimers = keepPromisesByClock(state, () => done);
  try {
    await runCase(state, resume?.at);
  } catch (error) {
    if (!(error instanceof ContinueAsNewRequested)) throw error;
    // From here on a resolve, cancel or reopen is refused ("try again"): it could not take effect
    // in this run, and its update would keep the run from ever ending.
    state.markMovingToNextRun();
    done = true;
    await watchdog;
    await promiseTimers;
    await windDown(state);
    const { resume: _previous, ...rest } = input;
    return continueAsNew<typeof caseWorkflow>({ ...rest, resume: { state: state.carryOver(), at: error.at } });
  }

  done = true;
  await watchdog;
  await promiseTimers;
  await windDown(state);
  return {
    caseId: input.caseId,
    status: state.data.status,
    ...(state.data.resolution ? { resolution: state.data.resolution.outcome } : {}),
    ...(state.data.feedback ? { feedbackScore: state.data.feedback.score } : {}),
  };
}

/**
 * Before the history is cut (continue-as-new) or the case ends: every background step and handler
 * finishes and every audit event is stored. A signal or update arriving during the last write adds
 * events, so this repeats until a pass ends with nothing running; it returns synchronously after
 * that check, so nothing can slip in before the run ends. What changes after the confirmed write
 * is written with the task that changes it (and carried to the next run). A write the store
 * refused for good ends the loop too (its events are carried to the next run, or logged as lost
 * when the case ends).
 */
async function windDown(state: CaseState): Promise<void> {
  for (;;) {
    supersedePendingPhaseChanges(state);
    await state.settleBackground();
    await condition(allHandlersFinished);
    await state.persistConfirmed();
    if (allHandlersFinished() && !state.hasBackground()) break;
  }
  if (state.data.writeRejected && state.hasUnsaved()) {
    log.error('the case ends this run with audit events the store refused', { caseId: state.caseId, reason: state.data.writeRejected.reason });
  }
}

/**
 * A safety net: a resolve, cancel or reopen still pending when the run ends could never be
 * applied, and its update would keep the run waiting forever. It is answered as superseded (the
 * agent sees the case moved on) rather than left hanging.
 */
function supersedePendingPhaseChanges(state: CaseState): void {
  const why = `the case ${state.data.movingToNextRun ? 'moved to its next run' : 'ended'}`;
  const { interruption, reopenRequest } = state.data;
  if (interruption && interruption.settled === undefined) {
    state.record('case.action_superseded', `${interruption.kind} came too late: ${why}`, { action: interruption.kind }, interruption.actor);
  }
  if (reopenRequest && reopenRequest.settled === undefined) {
    state.record('case.action_superseded', `reopen came too late: ${why}`, { action: 'reopen' }, reopenRequest.actor);
  }
  state.settleInterruption('superseded');
  state.settleReopen('superseded');
}

/** The phases: playbook (or where a previous run stopped), then survey, recovery, survey... */
async function runCase(state: CaseState, at: ResumePoint | undefined): Promise<void> {
  let end: PhaseEnd = 'resolved';
  if (!at) end = await runPhase(state, PLAYBOOKS[state.data.openedAsType]);
  else if (at.phase === 'delayed') end = await runPhase(state, (resumed) => delayedPlaybook(resumed, at));
  else if (at.phase === 'by-hand') end = await runPhase(state, workByHand);
  else if (at.phase === 'damage-assessment') end = await runPhase(state, (resumed) => assessDamage(resumed));
  else if (at.phase === 'remedy') end = await runPhase(state, (resumed) => awaitRemedy(resumed, at.until));
  else if (at.phase === 'delivery') end = await runPhase(state, (resumed) => resolveOnDelivery(resumed, at));
  else if (at.phase === 'lost-claim') end = await runPhase(state, (resumed) => settleLostClaim(resumed));
  else if (at.phase === 'return-receipt') end = await runPhase(state, (resumed) => resumeReturnReceipt(resumed, at));
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
    const request = state.data.reopenRequest;
    await reopenForRecovery(state, feedback.reason, { lowScore: feedback.lowScore, actor: request?.actor ?? WORKFLOW_ACTOR });
    if (request) state.settleReopen('applied');
    end = await runPhase(state, workByHand);
  }
  state.markClosed();
}

function close(state: CaseState): void {
  state.markClosed();
  state.setStatus('CLOSED', state.data.feedback ? `feedback ${state.data.feedback.score}/5 received` : 'feedback window ended');
  state.record('case.closed', 'case closed', {
    feedbackScore: state.data.feedback?.score ?? null,
    slaBreached: state.data.slaBreached,
    tier: state.data.tier,
  });
}
