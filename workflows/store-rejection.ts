import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/**
 * Workflow side of `store/store-errors.ts`: the failure type store activities use for
 * data PostgreSQL refuses for good (retrying cannot help), and how a workflow recognises it.
 */

const STORE_REJECTED = 'StoreRejected';

/** The store's reason when a write was refused for good (`StoreRejected`); undefined otherwise. */
export function storeRejection(error: unknown): string | undefined {
  if (!(error instanceof ActivityFailure)) return undefined;
  const cause = error.cause;
  if (cause instanceof ApplicationFailure && cause.type === STORE_REJECTED) return cause.message;
  return undefined;
}
