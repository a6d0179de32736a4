import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../../activities/store/database';
import { supplierFollowUpWorkflowId, supplierReplySignal, type SupplierReply } from '../../workflows/supplier/contract';
import { HttpProblem } from '../problem';
import type { SupplierReplyBody } from '../schemas';

/**
 * Where a supplier's reply lands after its signature is checked (`POST /v1/webhooks/supplier/
 * {supplierId}`): find the case's follow-up, check it is this supplier's, deduplicate by
 * (supplier, reply id), and signal the follow-up workflow. A reply that could not be delivered is
 * un-recorded, so the supplier's retry is answered the same way and nothing is signalled twice.
 */

export interface SupplierIntakeResult {
  duplicate: boolean;
  caseId: string;
  replyId: string;
}

export async function intakeSupplierReply(
  db: Db,
  temporal: Client,
  supplierId: string,
  body: SupplierReplyBody,
  now: () => Date = () => new Date(),
): Promise<SupplierIntakeResult> {
  const { caseId, replyId } = body;
  const followUp = await db
    .selectFrom('supplier_follow_ups')
    .select(['supplier_id'])
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  if (!followUp) throw new HttpProblem(404, 'Follow-up not found', `No supplier follow-up for case ${caseId}`);
  if (followUp.supplier_id !== supplierId) {
    throw new HttpProblem(403, 'Forbidden', `Case ${caseId} is not followed up with supplier ${supplierId}`);
  }

  const reply: SupplierReply = {
    replyId,
    action: body.action,
    message: body.message,
    ...(body.waybillNo !== undefined ? { waybillNo: body.waybillNo } : {}),
    ...(body.carrier !== undefined ? { carrier: body.carrier } : {}),
    at: now().toISOString(),
  };
  const inserted = await db
    .insertInto('supplier_replies')
    .values({ supplier_id: supplierId, reply_id: replyId, case_id: caseId, payload: JSON.stringify(reply) })
    .onConflict((oc) => oc.columns(['supplier_id', 'reply_id']).doNothing())
    .returning('reply_id')
    .executeTakeFirst();
  if (!inserted) return { duplicate: true, caseId, replyId };

  try {
    await temporal.workflow.getHandle(supplierFollowUpWorkflowId(caseId)).signal(supplierReplySignal, reply);
  } catch (error) {
    await db.deleteFrom('supplier_replies').where('supplier_id', '=', supplierId).where('reply_id', '=', replyId).execute();
    if (error instanceof WorkflowNotFoundError) {
      throw new HttpProblem(409, 'Follow-up ended', `The supplier follow-up of case ${caseId} has already ended`);
    }
    throw new HttpProblem(503, 'Delivery failed', `The reply was not recorded; retry later (${(error as Error).message})`);
  }
  return { duplicate: false, caseId, replyId };
}
