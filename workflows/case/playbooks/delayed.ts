import { isMovement } from '../../../domain/tracking';
import type { CaseState } from '../case-state';
import { acknowledgeCustomer, notifyCustomer, resolveCase, urgeCarrier } from '../steps';

/**
 * DELAYED (延誤 / 超時未更新): tell the customer, urge the carrier (催件), and wait for the parcel to
 * move. Each quiet urge interval brings another urge, up to the policy's limit; the first movement
 * means the exception is handled; delivery resolves the case. SLA breaches along the way are the
 * watchdog's to escalate.
 */
export async function delayedPlaybook(state: CaseState): Promise<void> {
  await acknowledgeCustomer(state);
  state.setStatus('WAITING_CARRIER', 'urging the carrier and waiting for the parcel to move');

  const { urgeIntervalMs, maxUrges } = state.policy.delayed;
  let urges = 0;
  while (!state.tracking.delivered) {
    if (urges < maxUrges) {
      urges += 1;
      const accepted = await urgeCarrier(state, urges, 'parcel delayed: no movement within the expected time');
      if (accepted && urges === 1) await notifyCustomer(state, 'urged', 'case.carrier_urged');
    }
    const seen = state.tracking.events.length;
    const heard = await state.waitUntil(
      () => state.tracking.delivered || state.tracking.events.length > seen,
      urges < maxUrges ? urgeIntervalMs : undefined,
      urges < maxUrges ? `tracking update or urge #${urges + 1}` : 'tracking update (urges exhausted)',
    );
    if (heard && state.tracking.events.slice(seen).some((event) => isMovement(event.status))) {
      state.stopClock('handling', 'parcel moving again');
      await state.persist();
      // Moving again: give it a fresh interval before urging once more.
      await waitQuietInterval(state, urgeIntervalMs);
    }
  }
  await resolveCase(state, 'delivered', 'parcel delivered', 'case.delivered');
}

/** Waits while events keep arriving; returns when delivered or after one quiet interval. */
async function waitQuietInterval(state: CaseState, intervalMs: number): Promise<void> {
  for (;;) {
    const seen = state.tracking.events.length;
    const heard = await state.waitUntil(
      () => state.tracking.delivered || state.tracking.events.length > seen,
      intervalMs,
      'parcel moving: next tracking update',
    );
    if (!heard || state.tracking.delivered) return;
  }
}
