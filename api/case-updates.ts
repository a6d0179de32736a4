import { randomUUID } from 'node:crypto';
import { isGrpcServiceError, ServiceError, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';

/** gRPC's FAILED_PRECONDITION: the server did not admit the update, so nothing happened. */
const FAILED_PRECONDITION = 9;
const ATTEMPTS = 5;
const BACKOFF_MS = 200;

/**
 * Whether an update was turned away before the workflow saw it: the workflow task that would have
 * taken it failed (say, the case tried to close while a signal arrived: Temporal rejects that
 * completion and runs the task again). Nothing was accepted, so sending it again is safe.
 */
function notAdmitted(error: unknown): boolean {
  return error instanceof ServiceError && isGrpcServiceError(error.cause) && error.cause.code === FAILED_PRECONDITION;
}

/**
 * Sends an update to a case and waits for its result, sending it again (same update id) while the
 * server turns it away because a workflow task failed. The update id is the caller's (a keyed
 * action) or one made here, so a repeat can never be taken as a second action.
 */
export async function executeCaseUpdate<Ret, Args extends [unknown, ...unknown[]]>(
  handle: WorkflowHandle,
  update: UpdateDefinition<Ret, Args>,
  options: { args: Args; updateId?: string },
): Promise<Ret> {
  const updateId = options.updateId ?? randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      return await handle.executeUpdate(update, { args: options.args, updateId });
    } catch (error) {
      if (attempt >= ATTEMPTS || !notAdmitted(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, BACKOFF_MS * attempt));
    }
  }
}
