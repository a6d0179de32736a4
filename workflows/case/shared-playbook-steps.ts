import { startChild } from '@temporalio/workflow';
import type { OrderItem } from '../../domain/types';
import { supplierFollowUpWorkflow } from '../supplier/supplier-follow-up';
import { supplierFollowUpWorkflowId, type SupplierFollowUpResult } from '../supplier/contract';
import type { CaseState } from './state/case-state';
import { workByHand } from './phases';
import { notifyCustomer, notifyStaff } from './steps';

/**
 * Steps several playbooks share beyond talking: asking the customer for evidence with reminders,
 * following up a supplier, and handing a case to its owner when the playbook cannot decide.
 */

/** The value of the goods in this shipment: what a refund returns and a loss is worth. */
export const goodsValueOf = (state: CaseState): number | undefined => state.input.orderValue ?? state.input.declaredValue;

export const itemsOf = (state: CaseState): OrderItem[] => state.input.items ?? [];

/**
 * Asks the customer for evidence and waits (clocks paused) with reminders, until it arrives or
 * the policy's evidence window ends. Returns whether any evidence came.
 */
export async function collectEvidence(state: CaseState, what: string): Promise<boolean> {
  const had = state.data.evidence.items.length;
  if (!state.data.evidence.requested) {
    await state.requestEvidence(what);
    await notifyCustomer(state, `evidence-request:${state.data.evidenceRequests}`, 'evidence.request', { what });
  }
  const askedAt = Date.now();
  const { remindersMs, windowMs } = state.policy.evidence;
  const arrived = () => state.data.evidence.items.length > had;
  for (const [index, reminderMs] of remindersMs.entries()) {
    if (await state.waitUntil(arrived, askedAt + reminderMs - Date.now(), `evidence or reminder #${index + 1}`)) return true;
    await notifyCustomer(state, `evidence-reminder:${state.data.evidenceRequests}:${index + 1}`, 'evidence.reminder', { what });
  }
  if (await state.waitUntil(arrived, askedAt + windowMs - Date.now(), 'evidence window')) return true;
  state.record('evidence.missing', `no evidence within the window: ${what}`, { what, windowMs });
  state.endEvidenceWait('evidence window ended');
  await state.persist();
  return false;
}

/**
 * The playbook cannot go on by itself (no stock, no evidence, no value to pay): the case goes up
 * one tier to someone who may decide, and waits for them to resolve it.
 */
export async function handOver(state: CaseState, reason: string): Promise<void> {
  state.setStatus('IN_PROGRESS', `needs a decision: ${reason}`);
  if (state.escalate(reason)) {
    await state.persist();
    await notifyStaff(state, `escalate:tier${state.data.tier}`, 'staff.escalated', { reason });
  }
  await state.persist();
  await workByHand(state);
}

/** Runs the supplier follow-up child (WAITING_SUPPLIER) and returns its outcome. */
export async function followUpSupplier(state: CaseState, request: string): Promise<SupplierFollowUpResult> {
  const supplierId = state.input.supplierId as string;
  state.setStatus('WAITING_SUPPLIER', `following up supplier ${supplierId}`);
  state.record('supplier.follow_up_started', `asked supplier ${supplierId}: ${request}`, { supplierId, request });
  await state.persist();
  const child = await startChild(supplierFollowUpWorkflow, {
    workflowId: supplierFollowUpWorkflowId(state.caseId),
    args: [
      {
        caseId: state.caseId,
        supplierId,
        orderId: state.input.orderId,
        waybillNo: state.input.waybillNo,
        type: state.data.currentType,
        request,
        ...(state.input.items ? { items: state.input.items } : {}),
        policy: state.policy.supplier,
      },
    ],
  });
  let result: SupplierFollowUpResult | undefined;
  void child.result().then((value) => {
    result = value;
  });
  // Resolved or cancelled by hand meanwhile: the follow-up ends with the case (the child's
  // default parent-close policy terminates it).
  await state.waitUntil(() => result !== undefined, undefined, `supplier ${supplierId} reply`);
  const outcome = result as SupplierFollowUpResult;
  state.record(
    outcome.outcome === 'replied' ? 'supplier.replied' : 'supplier.unanswered',
    outcome.outcome === 'replied'
      ? `supplier ${outcome.reply?.action}: ${outcome.reply?.message ?? ''}`
      : `supplier did not answer after ${outcome.reminders} reminder(s)${outcome.escalatedToManager ? ' and the manager' : ''}`,
    { supplierId, ...outcome },
  );
  await state.persist();
  return outcome;
}
