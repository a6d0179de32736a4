import type { CaseView } from './case-view';
import type { Role } from './types';

/**
 * What the caller may do next in the case's present state: the API lists these on every case so
 * a client follows them instead of guessing. Only actions the API serves today are listed.
 */
export type CaseActionName = 'feedback';

const ROLES_FOR: Record<CaseActionName, readonly Role[]> = {
  feedback: ['system', 'agent'],
};

export function allowedActions(view: Pick<CaseView, 'status' | 'feedback'>, role: Role): CaseActionName[] {
  const actions: CaseActionName[] = [];
  if (view.status === 'AWAITING_FEEDBACK' && !view.feedback && ROLES_FOR.feedback.includes(role)) actions.push('feedback');
  return actions;
}
