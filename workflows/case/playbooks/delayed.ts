import type { OpenCaseFound } from '../../../activities';
import { formatDuration } from '../../../domain/durations';
import { isMovement } from '../../../domain/tracking';
import type { ResumePoint } from '../carry-over';
import type { CaseState } from '../state/case-state';
import { ContinueAsNewRequested, continueAsNewDue } from '../continue-as-new';
import { urgeCarrier } from '../steps/carrier';
import { acknowledgeCustomer, notifyCustomer } from '../steps/customer';
import { resolveCase } from '../steps/resolution';
import { handOver } from '../steps/hand-over';
import { lostPlaybook } from './lost';
import { store } from '../../activity-proxies';

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
  let lastMovementAt = resume?.lastMovementAt ?? Date.now();
  let urges = resume?.urges ?? 0;
  // The first urge goes out at once; the next only after a full interval without movement, however
  // many non-movement scans (hub delays, exceptions) arrive meanwhile.
  let nextUrgeAt = resume?.nextUrgeAt ?? Date.now();
  while (!state.data.tracking.delivered) {
    // A parcel that scans for weeks grows the history: cut it here, at the top of the loop, where
    // the next run picks up exactly.
    if (continueAsNewDue(state)) throw new ContinueAsNewRequested({ phase: 'delayed', urges, lastMovementAt, nextUrgeAt });
    if (Date.now() - lastMovementAt >= totalDelayMs) {
      await convertToLost(state, `no movement for ${formatDuration(Date.now() - lastMovementAt)} (total delay ${formatDuration(totalDelayMs)})`);
      return;
    }
    if (urges < maxUrges && Date.now() >= nextUrgeAt) {
      urges += 1;
      const accepted = await urgeCarrier(state, urges, 'parcel delayed: no movement within the expected time');
      if (accepted && urges === 1) await notifyCustomer(state, 'urged', 'case.carrier_urged');
      nextUrgeAt = Date.now() + urgeIntervalMs;
    }
    const seen = state.data.tracking.events.length;
    const untilLost = Math.max(1, lastMovementAt + totalDelayMs - Date.now());
    const untilUrge = urges < maxUrges ? Math.max(1, nextUrgeAt - Date.now()) : undefined;
    const heard = await state.waitUntil(
      () => state.data.tracking.delivered || state.data.tracking.events.length > seen,
      untilUrge === undefined ? untilLost : Math.min(untilUrge, untilLost),
      urges < maxUrges ? `tracking update or urge #${urges + 1}` : 'tracking update (urges exhausted)',
    );
    if (heard && state.data.tracking.events.slice(seen).some((event) => isMovement(event.status))) {
      state.clocks.stop('handling', 'parcel moving again');
      // Moving again: give it a fresh interval before urging once more.
      await waitQuietInterval(state, urgeIntervalMs);
      lastMovementAt = Date.now();
      nextUrgeAt = Date.now();
    }
  }
  await resolveCase(state, 'delivered', 'parcel delivered', 'case.delivered');
}

/**
 * The parcel is lost: the case becomes LOST and the LOST playbook takes over — unless another
 * LOST case is already open for the same waybill (one open case per waybill and type). Then the
 * conversion is refused, not merged: the open LOST case already handles the loss (its claim, its
 * customer contact), and merging two cases' trails and clocks automatically would hide who did
 * what. This case records `case.conversion_refused` naming the open case, and goes up one tier to
 * a person who closes or resolves it (IN_PROGRESS, worked by hand).
 */
async function convertToLost(state: CaseState, reason: string): Promise<void> {
  const openLost = () => store.findOpenCaseForWaybill({ waybillNo: state.input.waybillNo, type: 'LOST', excludeCaseId: state.caseId });
  const open = await openLost();
  if (open) return refuseConversion(state, open, reason);
  state.convertTo('LOST', reason);
  await state.persistConfirmed();
  if (state.data.writeRejected) {
    // A LOST case opened between the look-up and the write (the store refuses the second open
    // LOST row): the same rule, a moment later. The trail keeps both steps.
    const open = await openLost();
    if (open) {
      state.undoConversion('DELAYED');
      return refuseConversion(state, open, reason);
    }
  }
  await lostPlaybook(state);
}

async function refuseConversion(state: CaseState, open: OpenCaseFound, reason: string): Promise<void> {
  state.record('case.conversion_refused', `not converted to LOST: open LOST case ${open.caseId} handles this waybill`, {
    from: state.data.currentType,
    to: 'LOST',
    reason,
    openCaseId: open.caseId,
    openCaseStatus: open.status,
  });
  await handOver(state, `parcel lost (${reason}), and case ${open.caseId} already handles its loss: close or resolve this one`);
}

/** Waits while events keep arriving; returns when delivered or after one quiet interval. */
async function waitQuietInterval(state: CaseState, intervalMs: number): Promise<void> {
  for (;;) {
    const seen = state.data.tracking.events.length;
    const heard = await state.waitUntil(
      () => state.data.tracking.delivered || state.data.tracking.events.length > seen,
      intervalMs,
      'parcel moving: next tracking update',
    );
    if (!heard || state.data.tracking.delivered) return;
  }
}
