import { formatYuan } from '../../../domain/compensation';
import type { CaseState } from '../case-state';
import { claimSettled } from '../claims';
import { collectEvidence, handOver } from '../shared-playbook-steps';
import { acknowledgeCustomer, notifyCustomer, resolveCase } from '../steps';

/**
 * DAMAGED (破損): photos first (拍照上傳; reminders, clocks paused while we wait on the customer),
 * then the agent assesses (定損) and either proposes a claim — the calculator and approval limits
 * take it from there, the platform pays first and recovers from the carrier — or reships the part.
 */
export async function damagedPlaybook(state: CaseState): Promise<void> {
  await acknowledgeCustomer(state);
  const gotEvidence = await collectEvidence(state, '破损外包装及配件照片（请含运单号面单）');
  if (!gotEvidence) {
    await handOver(state, 'no photos of the damage: decide without evidence');
    return;
  }
  state.setStatus('IN_PROGRESS', 'evidence received: assess the damage, then propose a claim or reship');
  await state.persist();
  for (;;) {
    await state.waitUntil(
      () => state.reshipments.length > 0 || (claimSettled(state.claim) && state.claim?.status !== 'REJECTED'),
      undefined,
      'damage assessment: propose-claim or reship',
    );
    if (state.reshipments.length > 0) {
      await resolveCase(state, 'reshipped', `damaged part replaced: ${state.reshipments.at(-1)?.waybillNo ?? ''}`, 'case.resolved');
      return;
    }
    const claim = state.claim;
    if (claim?.status === 'PAID') {
      await notifyCustomer(state, `claim-paid:${claim.claimId}`, 'claim.paid', { amountText: formatYuan(claim.payout?.amountFen ?? 0) });
      await resolveCase(state, 'compensated', `damage compensated: ${formatYuan(claim.payout?.amountFen ?? 0)}`, 'case.resolved');
      return;
    }
    // The payout failed: a person sorts it out (the case escalated when it failed).
    await handOver(state, 'damage payout failed');
    return;
  }
}
