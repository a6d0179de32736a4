import type { CaseState } from '../case-state';
import { acknowledgeCustomer, resolveCase } from '../steps';

/**
 * The fallback for exception types whose own playbook has not landed yet: acknowledge the
 * customer, then wait on the carrier until the parcel is delivered.
 */
export async function awaitingDeliveryPlaybook(state: CaseState): Promise<void> {
  await acknowledgeCustomer(state);
  state.setStatus('WAITING_CARRIER', 'waiting for the carrier to deliver');
  await state.waitUntil(() => state.tracking.delivered, undefined, 'delivery');
  state.stopClock('handling', 'parcel delivered');
  await resolveCase(state, 'delivered', 'parcel delivered', 'case.delivered');
}
