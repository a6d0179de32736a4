import { patched } from '@temporalio/workflow';
import { formatDuration } from '../../../domain/durations';
import { isMovement } from '../../../domain/tracking';
import type { ResumePoint } from '../../contract';
import type { CaseState } from '../case-state';
import { ContinueAsNewRequested, continueAsNewDue } from '../continue-as-new';
import { acknowledgeCustomer, notifyCustomer, resolveCase, urgeCarrier } from '../steps';
import { lostPlaybook } from './lost';

/**
 * Cases opened before the total-delay rule existed keep their old behaviour on replay; new ones
 * (and old ones past this point for the first time) convert to LOST. See README "Versioning".
 */
export const TOTAL_DELAY_PATCH = 'delayed-converts-to-lost';

/**
 * DELAYED (延誤 / 超時未更新): tell the customer, urge the carrier (催件), and wait for the parcel to
 * move. Each quiet urge interval brings another urge, up to the policy's limit; the first movement
 * means the exception is handled; delivery resolves the case. A parcel that has not moved for the
 * policy's total delay is declared LOST and the LOST playbook takes over. SLA breaches along the
 * way are the watchdog's to escalate.
 */
export async function delayedPlaybook(state: CaseState, resume?: Extract<ResumePoint, { phase: 'delayed' }>): Promise<void> {
  await acknowledgeCustomer(state);
  state.setStatus('WAITING_CARRIER', 'urging the carrier and waiting for the parcel to move');

  const { urgeIntervalMs, maxUrges, totalDelayMs } = state.policy.delayed;
  const convertsToLost = patched(TOTAL_DELAY_PATCH);
  let lastMovementAt = resume?.lastMovementAt ?? Date.now();
  let urges = resume?.urges ?? 0;
  // The first urge goes out at once; the next only after a full interval without movement, however
  // many non-movement scans (hub delays, exceptions) arrive meanwhile.
  let nextUrgeAt = resume?.nextUrgeAt ?? Date.now();
  while (!state.tracking.delivered) {
    // A parcel that scans for weeks grows the history: cut it here, at the top of the loop, where
    // the next run picks up exactly.
    if (continueAsNewDue(state)) throw new ContinueAsNewRequested({ phase: 'delayed', urges, lastMovementAt, nextUrgeAt });
    if (convertsToLost && Date.now() - lastMovementAt >= totalDelayMs) {
      state.convertTo('LOST', `no movement for ${formatDuration(Date.now() - lastMovementAt)} (total delay ${formatDuration(totalDelayMs)})`);
      await state.persist();
      await lostPlaybook(state);
      return;
    }
    if (urges < maxUrges && Date.now() >= nextUrgeAt) {
      urges += 1;
      const accepted = await urgeCarrier(state, urges, 'parcel delayed: no movement within the expected time');
      if (accepted && urges === 1) await notifyCustomer(state, 'urged', 'case.carrier_urged');
      nextUrgeAt = Date.now() + urgeIntervalMs;
    }
    const seen = state.tracking.events.length;
    const untilLost = convertsToLost ? Math.max(1, lastMovementAt + totalDelayMs - Date.now()) : undefined;
    const untilUrge = urges < maxUrges ? Math.max(1, nextUrgeAt - Date.now()) : undefined;
    const heard = await state.waitUntil(
      () => state.tracking.delivered || state.tracking.events.length > seen,
      untilUrge === undefined ? untilLost : untilLost === undefined ? untilUrge : Math.min(untilUrge, untilLost),
      urges < maxUrges ? `tracking update or urge #${urges + 1}` : 'tracking update (urges exhausted)',
    );
    if (heard && state.tracking.events.slice(seen).some((event) => isMovement(event.status))) {
      state.stopClock('handling', 'parcel moving again');
      await state.persist();
      // Moving again: give it a fresh interval before urging once more.
      await waitQuietInterval(state, urgeIntervalMs);
      lastMovementAt = Date.now();
      nextUrgeAt = Date.now();
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
