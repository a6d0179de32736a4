import { workflowInfo } from '@temporalio/workflow';
import type { ResumePoint } from './carry-over';
import type { CaseState } from './state/case-state';

/**
 * Long-lived cases (a parcel that keeps scanning for weeks, a survey window, a case worked by hand)
 * grow their history. At a few waits that are safe to cut, the case checks whether it is time to
 * continue as new; if so it throws ContinueAsNewRequested with the point to resume at, and the
 * workflow carries its state over once every handler has finished.
 */

export class ContinueAsNewRequested extends Error {
  override name = 'ContinueAsNewRequested';
  constructor(readonly at: ResumePoint) {
    super(`continue as new at ${at.phase}`);
  }
}

export function continueAsNewDue(state: CaseState): boolean {
  // A resolve, cancel or reopen waiting for the main loop takes effect in this run first: its
  // update ends only then, and the run cannot end before its updates do.
  if (state.pendingPhaseChange()) return false;
  const info = workflowInfo();
  return info.continueAsNewSuggested || (state.input.historyLimit !== undefined && info.historyLength >= state.input.historyLimit);
}
