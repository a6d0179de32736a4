import type { DeliveryResume } from './carry-over';
import type { CaseState } from './state/case-state';
import { ContinueAsNewRequested, continueAsNewDue } from './continue-as-new';
import { resolveCase } from './steps/resolution';

/**
 * Waiting for a parcel's delivery (after a redirect, a redelivery, or a parcel thought lost that
 * moved again) can take weeks while the carrier keeps scanning: each scan is a signal in the
 * history. The wait is a continue-as-new point; the next run resumes it and resolves the case as
 * the playbook would have.
 */

/** What to do once the parcel is delivered: the playbook's resolution. */
export type AfterDelivery = Omit<DeliveryResume, 'phase'>;

/** Waits for delivery (or cuts the history and goes on in the next run), then resolves the case. */
export async function resolveOnDelivery(state: CaseState, after: AfterDelivery): Promise<void> {
  await state.waitUntil(() => state.data.tracking.delivered || continueAsNewDue(state), undefined, after.label);
  if (!state.data.tracking.delivered) throw new ContinueAsNewRequested({ phase: 'delivery', ...after });
  if (after.stopHandlingClock) state.clocks.stop('handling', 'parcel delivered');
  await resolveCase(state, after.outcome, after.summary, after.template);
}
