import type { CaseView } from '../../../../domain/case-view';
import type { RemedyChoice } from '../../carry-over';
import type { CaseData, Interruption, ReopenRequest } from '../case-data';

/**
 * The customer's choices and answers, and the phase changes agents ask for: a resolve or cancel
 * for the main loop to act on at the playbook's next wait, a reopen, and how each was settled.
 */

export type Settled = 'applied' | 'superseded';

export function awaitRemedy(d: CaseData, awaiting: NonNullable<CaseView['awaitingRemedy']>): void {
  d.awaitingRemedy = awaiting;
}

export function endRemedyWait(d: CaseData): void {
  delete d.awaitingRemedy;
}

export function chooseRemedy(d: CaseData, remedy: RemedyChoice): void {
  d.remedy = remedy;
}

export function giveFeedback(d: CaseData, feedback: NonNullable<CaseView['feedback']>): void {
  d.feedback = feedback;
}

export function requestInterruption(d: CaseData, request: Interruption): void {
  d.interruption = request;
}

export function requestReopen(d: CaseData, request: ReopenRequest): void {
  d.reopenRequest = request;
}

/** The main loop acted on the pending resolve / cancel (or the case got there first); an answered request keeps its answer. */
export function settleInterruption(d: CaseData, how: Settled): void {
  if (d.interruption) d.interruption.settled ??= how;
  delete d.interruption;
}

export function settleReopen(d: CaseData, how: Settled): void {
  if (d.reopenRequest) d.reopenRequest.settled ??= how;
  delete d.reopenRequest;
}

/** A new round after a reopen: the last score joins the earlier ones. */
export function startReopenRound(d: CaseData): void {
  d.reopens += 1;
  if (d.feedback) d.earlierFeedback.push(d.feedback);
  delete d.feedback;
}

export function markResolved(d: CaseData, outcome: string, summary: string): void {
  d.resolvedAt = new Date().toISOString();
  d.resolution = { outcome, summary, at: d.resolvedAt };
}

/** The case decided to continue as new: phase changes wait for the next run. */
export function markMovingToNextRun(d: CaseData): void {
  d.movingToNextRun = true;
}

export function markClosed(d: CaseData): void {
  d.closedAt = new Date().toISOString();
}
