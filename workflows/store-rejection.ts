import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/**
 * Workflow side of `store/store-errors.ts`: the failure type store activities use for
 * data PostgreSQL refuses for good (retrying cannot help), and how a workflow recognises it.
 */

const STORE_REJECTED = 'StoreRejected';

/**
 * The store's reason when a write was refused for good (`StoreRejected`); undefined otherwise.
 * An activity's failure wraps the activity's own error; a local activity's is that error itself.
 */
export function storeRejection(error: unknown): string | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure && cause.type === STORE_REJECTED) return cause.message;
  return undefined;
}
