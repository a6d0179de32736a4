import { formatYuan } from '../../../domain/compensation';
import type { CaseState } from '../state/case-state';
import { claimSettled } from '../claims';
import { ContinueAsNewRequested, continueAsNewDue } from '../continue-as-new';
import { collectEvidence } from '../steps/evidence';
import { handOver } from '../steps/hand-over';
import { acknowledgeCustomer, notifyCustomer } from '../steps/customer';
import { resolveCase } from '../steps/resolution';

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
  await assessDamage(state);
}

/**
 * Assessing the damage is a person's work and may take long (a claim proposed, rejected, proposed
 * again): the wait is a continue-as-new point, cut only while no claim is in flight (its progress
 * reports are the case's to answer in this run).
 */
export async function assessDamage(state: CaseState): Promise<void> {
  const assessed = () => state.data.reshipments.length > 0 || (claimSettled(state.data.claim) && state.data.claim?.status !== 'REJECTED');
  const cut = () => (state.data.claim === undefined || claimSettled(state.data.claim)) && continueAsNewDue(state);
  await state.waitUntil(() => assessed() || cut(), undefined, 'damage assessment: propose-claim or reship');
  if (!assessed()) throw new ContinueAsNewRequested({ phase: 'damage-assessment' });
  if (state.data.reshipments.length > 0) {
    await resolveCase(state, 'reshipped', `damaged part replaced: ${state.data.reshipments.at(-1)?.waybillNo ?? ''}`, 'case.resolved');
    return;
  }
  const claim = state.data.claim;
  if (claim?.status === 'PAID') {
    await notifyCustomer(state, `claim-paid:${claim.claimId}`, 'claim.paid', { amountText: formatYuan(claim.payout?.amountFen ?? 0) });
    await resolveCase(state, 'compensated', `damage compensated: ${formatYuan(claim.payout?.amountFen ?? 0)}`, 'case.resolved');
    return;
  }
  // The payout failed: a person sorts it out (the case escalated when it failed).
  await handOver(state, 'damage payout failed');
}
