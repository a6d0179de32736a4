import { allHandlersFinished, condition, setHandler, ApplicationFailure } from '@temporalio/workflow';
import type { ExceptionType } from '../../domain/types';
import {
  caseViewQuery,
  submitFeedbackUpdate,
  trackingEventSignal,
  type CaseOutcome,
  type FeedbackInput,
  type OpenCaseInput,
} from '../contract';
import { CaseState } from './case-state';
import { collectFeedback } from './feedback';
import { awaitingDeliveryPlaybook } from './playbooks/awaiting-delivery';
import { delayedPlaybook } from './playbooks/delayed';
import { runSlaWatchdog } from './sla-watchdog';

/**
 * One logistics exception, from the moment it is opened until the customer's feedback closes it.
 * The workflow is the source of truth while the case is open; the read model and audit trail in
 * PostgreSQL follow it through idempotent activities.
 */

type Playbook = (state: CaseState) => Promise<void>;

const PLAYBOOKS: Partial<Record<ExceptionType, Playbook>> = {
  DELAYED: delayedPlaybook,
};

export async function caseWorkflow(input: OpenCaseInput): Promise<CaseOutcome> {
  const state = new CaseState(input);
  let done = false;

  setHandler(caseViewQuery, () => state.view());
  setHandler(trackingEventSignal, async (event) => {
    if (state.applyTrackingEvent(event)) await state.persist();
  });
  setHandler(
    submitFeedbackUpdate,
    async (feedback: FeedbackInput) => {
      state.feedback = {
        score: feedback.score,
        ...(feedback.comment ? { comment: feedback.comment } : {}),
        channel: feedback.channel,
        at: new Date().toISOString(),
      };
      state.record('feedback.received', `satisfaction ${feedback.score}/5 via ${feedback.channel}`, {
        score: feedback.score,
        ...(feedback.comment ? { comment: feedback.comment } : {}),
        channel: feedback.channel,
      }, feedback.actor);
      await state.persist();
      return state.view();
    },
    {
      // Validators run before the update is accepted, so bad input never reaches history.
      validator: (feedback: FeedbackInput) => {
        if (state.status !== 'AWAITING_FEEDBACK' || state.feedback) {
          throw ApplicationFailure.nonRetryable(
            `the case is ${state.status}; feedback is taken only while AWAITING_FEEDBACK`,
            'InvalidState',
          );
        }
        if (!Number.isInteger(feedback.score) || feedback.score < 1 || feedback.score > 5) {
          throw ApplicationFailure.nonRetryable('score must be a whole number from 1 to 5', 'InvalidInput');
        }
      },
    },
  );

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
  const playbook = PLAYBOOKS[input.type] ?? awaitingDeliveryPlaybook;
  await playbook(state);
  await collectFeedback(state);

  state.closedAt = new Date().toISOString();
  state.setStatus('CLOSED', state.feedback ? `feedback ${state.feedback.score}/5 received` : 'feedback window ended');
  state.record('case.closed', 'case closed', {
    feedbackScore: state.feedback?.score ?? null,
    slaBreached: state.slaBreached,
    tier: state.tier,
  });
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
