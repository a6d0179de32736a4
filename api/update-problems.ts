import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { HttpProblem } from './problem';

/** Maps a refused or failed case update to the problem the client should see. */
export function updateProblem(error: unknown): HttpProblem {
  // Also an update sent to a run that has completed (the client throws the same type).
  if (error instanceof WorkflowNotFoundError) {
    return new HttpProblem(409, 'Case not running', 'The case workflow is no longer running');
  }
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const failure = error.cause;
    if (failure.type === 'InvalidState') return new HttpProblem(409, 'Not allowed in this state', failure.message);
    if (failure.type === 'Forbidden') return new HttpProblem(403, 'Forbidden', failure.message);
    return new HttpProblem(400, 'Invalid request', failure.message);
  }
  // The detail stays generic: internal error text (addresses, stack frames) is logged, not sent.
  return error instanceof HttpProblem ? error : new HttpProblem(503, 'Temporal unavailable', 'The case could not be reached; retry shortly');
}
