import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { permission } from '../../domain/case-actions';
import type { CaseView } from '../../domain/case-view';
import { submitFeedbackUpdate, type FeedbackInput } from './contract';
import { type ResumePoint } from './carry-over';
import { ContinueAsNewRequested, continueAsNewDue } from './continue-as-new';
import type { CaseState } from './state/case-state';
import { notifyCustomer } from './steps/customer';

/**
 * The satisfaction loop after resolution (滿意度回訪): send the survey, remind inside the callback
 * window, and wait for the score. Three endings:
 * - a score above the low-score threshold closes the case;
 * - a low score (or an agent's reopen) sends the case back for recovery, and the survey asks
 *   again once it is resolved anew (at most `feedback.maxReopens` times for low scores);
 * - silence until the window ends is recorded as `feedback.missing` and closes the case: a
 *   customer who does not answer is not a reason to keep a resolved case open.
 */

export type FeedbackOutcome = { kind: 'answered' } | { kind: 'missing' } | { kind: 'reopened'; reason: string; lowScore: boolean };

export function registerFeedbackUpdate(state: CaseState): void {
  setHandler(
    submitFeedbackUpdate,
    async (feedback: FeedbackInput): Promise<CaseView> => {
      state.giveFeedback({
        score: feedback.score,
        ...(feedback.comment ? { comment: feedback.comment } : {}),
        channel: feedback.channel,
        at: new Date().toISOString(),
      });
      state.record(
        'feedback.received',
        `satisfaction ${feedback.score}/5 via ${feedback.channel}`,
        {
          score: feedback.score,
          ...(feedback.comment ? { comment: feedback.comment } : {}),
          channel: feedback.channel,
        },
        feedback.actor,
      );
      state.showAttributes();
      return state.view();
    },
    {
      // Validators run before the update is accepted, so bad input never reaches history.
      validator: (feedback: FeedbackInput) => {
        const refused = permission(state.facts(), 'feedback', feedback.actor.role);
        if (refused) throw ApplicationFailure.nonRetryable(refused.message, refused.kind);
        if (!Number.isInteger(feedback.score) || feedback.score < 1 || feedback.score > 5) {
          throw ApplicationFailure.nonRetryable('score must be a whole number from 1 to 5', 'InvalidInput');
        }
      },
    },
  );
}

export async function collectFeedback(state: CaseState, resume?: Extract<ResumePoint, { phase: 'feedback' }>): Promise<FeedbackOutcome> {
  const round = state.data.reopens;
  const step = (name: string) => (round ? `${name}:round${round + 1}` : name);
  // The callback clock (滿意度回訪 ≤ 48 h) runs from the survey to the customer's answer.
  if (!resume) {
    await notifyCustomer(state, step('survey'), 'survey.request');
    state.setStatus('AWAITING_FEEDBACK', 'satisfaction survey sent');
    state.clocks.start('callback');
  }
  const stopCallbackClock = (reason: string) => state.clocks.stop('callback', reason);

  const settled = () => state.data.feedback !== undefined || state.data.reopenRequest !== undefined;
  const surveyAt = resume?.surveyAt ?? Date.now();
  const windowEndsAt = resume?.windowEndsAt ?? surveyAt + state.policy.feedback.windowMs;
  let remindersSent = resume?.remindersSent ?? 0;
  // The history is cut only here, between reminders: the survey state is three numbers.
  const checkpoint = () => {
    if (!settled() && continueAsNewDue(state)) {
      throw new ContinueAsNewRequested({ phase: 'feedback', surveyAt, windowEndsAt, remindersSent });
    }
  };
  for (const [index, reminderMs] of state.policy.feedback.remindersMs.entries()) {
    if (index < remindersSent) continue;
    checkpoint();
    const answered = await state.waitUntil(
      () => settled() || continueAsNewDue(state),
      Math.min(surveyAt + reminderMs, windowEndsAt) - Date.now(),
      `feedback or survey reminder #${index + 1}`,
    );
    checkpoint();
    if (answered || Date.now() >= windowEndsAt) break;
    await notifyCustomer(state, step(`survey-reminder:${index + 1}`), 'survey.reminder');
    remindersSent = index + 1;
  }
  checkpoint();
  const answered = await state.waitUntil(() => settled() || continueAsNewDue(state), windowEndsAt - Date.now(), 'feedback window');
  checkpoint();

  if (state.data.reopenRequest) {
    stopCallbackClock('reopened');
    return { kind: 'reopened', reason: state.data.reopenRequest.reason, lowScore: false };
  }
  stopCallbackClock(state.data.feedback ? 'customer answered' : 'feedback window ended');
  if (!answered || !state.data.feedback) {
    state.record('feedback.missing', 'no feedback within the callback window', { windowMs: state.policy.feedback.windowMs });
    return { kind: 'missing' };
  }
  const { lowScoreThreshold: threshold, maxReopens } = state.policy.feedback;
  if (state.data.feedback.score <= threshold) {
    if (state.data.reopens < maxReopens) {
      return { kind: 'reopened', reason: `low satisfaction score ${state.data.feedback.score}/5`, lowScore: true };
    }
    state.record('feedback.low_score_final', `score ${state.data.feedback.score}/5 after ${state.data.reopens} reopen(s): closing`, {
      score: state.data.feedback.score,
      reopens: state.data.reopens,
    });
  }
  return { kind: 'answered' };
}
