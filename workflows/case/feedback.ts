import type { CaseState } from './case-state';
import { notifyCustomer } from './steps';

/**
 * After resolution: send the satisfaction survey, remind inside the window, and wait for the
 * score. No answer by the end of the window is recorded as such; the case still closes.
 */
export async function collectFeedback(state: CaseState): Promise<void> {
  await notifyCustomer(state, 'survey', 'survey.request');
  state.setStatus('AWAITING_FEEDBACK', 'satisfaction survey sent');
  await state.persist();

  const windowEndsAt = Date.now() + state.policy.feedback.windowMs;
  const surveyAt = Date.now();
  for (const [index, reminderMs] of state.policy.feedback.remindersMs.entries()) {
    const answered = await state.waitUntil(
      () => state.feedback !== undefined,
      Math.min(surveyAt + reminderMs, windowEndsAt) - Date.now(),
      `feedback or survey reminder #${index + 1}`,
    );
    if (answered || Date.now() >= windowEndsAt) break;
    await notifyCustomer(state, `survey-reminder:${index + 1}`, 'survey.reminder');
  }
  const answered = await state.waitUntil(
    () => state.feedback !== undefined,
    windowEndsAt - Date.now(),
    'feedback window',
  );
  if (!answered) {
    state.record('feedback.missing', 'no feedback within the callback window', {
      windowMs: state.policy.feedback.windowMs,
    });
  }
}
