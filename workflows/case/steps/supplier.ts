import { startChild } from '@temporalio/workflow';
import { type SupplierFollowUpResult, supplierFollowUpWorkflowId } from '../../supplier/contract';
import { supplierFollowUpWorkflow } from '../../supplier/supplier-follow-up';
import type { CaseState } from '../state/case-state';
import { caseIdentity } from '../../search-attributes';

/**
 * Following up a supplier through its child workflow (WAITING_SUPPLIER).
 */

/** Runs the supplier follow-up child (WAITING_SUPPLIER) and returns its outcome. */
export async function followUpSupplier(state: CaseState, request: string): Promise<SupplierFollowUpResult> {
  const supplierId = state.input.supplierId as string;
  state.setStatus('WAITING_SUPPLIER', `following up supplier ${supplierId}`);
  state.record('supplier.follow_up_started', `asked supplier ${supplierId}: ${request}`, { supplierId, request });
  const child = await startChild(supplierFollowUpWorkflow, {
    workflowId: supplierFollowUpWorkflowId(state.caseId),
    typedSearchAttributes: caseIdentity({ ...state.input, type: state.data.currentType }),
    staticSummary: `supplier ${supplierId} follow-up for case ${state.caseId}: order ${state.input.orderId}`,
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
  return outcome;
}
