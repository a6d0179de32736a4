import { formatYuan } from '../../../domain/compensation';
import type { CaseState } from '../state/case-state';
import { awaitClaim, startClaim, SYSTEM_PROPOSER } from '../claims';
import { handOver } from '../steps/hand-over';
import { goodsValueOf } from '../steps/payments';
import { resolveOnDelivery } from '../delivery-wait';
import { acknowledgeCustomer, notifyCustomer } from '../steps/customer';
import { resolveCase } from '../steps/resolution';

/**
 * LOST (遺失): verify the trajectory automatically (last scan age, carrier confirmation), pay the
 * customer first (先行賠付) without waiting for the carrier, then file the carrier claim and track
 * recovery — all inside the claim settlement child. A replacement part is the agent's `reship`.
 */
export async function lostPlaybook(state: CaseState): Promise<void> {
  await acknowledgeCustomer(state);
  const value = goodsValueOf(state);
  if (!value) {
    await handOver(state, 'lost parcel with no declared or order value: propose the claim by hand');
    return;
  }
  state.setStatus('VERIFYING_LOSS', 'verifying the trajectory before compensating');
  await startClaim(state, { kind: 'loss', actualLossFen: value, reason: '包裹遗失，平台先行赔付' }, SYSTEM_PROPOSER, {
    verifyTrajectory: true,
    recoverFrom: 'carrier',
  });
  await settleLostClaim(state);
}

/**
 * A LOST case's wait for its claim is a continue-as-new point: the next run resumes here
 * (`{phase: 'lost-claim'}`): it waits for the claim (or cuts the history and waits on in the next
 * run), then acts on it.
 */
export async function settleLostClaim(state: CaseState): Promise<void> {
  const claim = await awaitClaim(state, { phase: 'lost-claim' });

  if (claim.status === 'PAID') {
    await notifyCustomer(state, `claim-paid:${claim.claimId}`, 'claim.paid', { amountText: formatYuan(claim.payout?.amountFen ?? 0) });
    await resolveCase(
      state,
      'compensated',
      `lost parcel compensated: ${formatYuan(claim.payout?.amountFen ?? 0)} paid first, carrier claim filed`,
      'case.resolved',
    );
    return;
  }
  if (claim.status === 'REJECTED' && !claim.rejectedBy) {
    // Verification found the parcel moving again: it was late, not lost.
    state.setStatus('WAITING_CARRIER', 'the parcel moved again: waiting for delivery');
    await resolveOnDelivery(state, {
      label: 'delivery of a parcel thought lost',
      stopHandlingClock: false,
      outcome: 'delivered',
      summary: 'the parcel thought lost was delivered',
      template: 'case.delivered',
    });
    return;
  }
  await handOver(state, `claim ${claim.status.toLowerCase()}: decide how to make the customer whole`);
}
