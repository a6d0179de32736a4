import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { sql } from 'kysely';
import type { Db } from '../../store/database';
import { supplierFollowUpWorkflowId, supplierReplySignal, type SupplierReply } from '../../workflows/supplier/contract';
import { HttpProblem } from '../problem';
import type { SupplierReplyBody } from '../schemas';

/**
 * Where a supplier's reply lands after its signature is checked (`POST /v1/webhooks/supplier/
 * {supplierId}`): find the case's follow-up, check it is this supplier's, record the reply
 * (keyed by (supplier, reply id)) as `pending`, then signal the follow-up workflow and mark it
 * `delivered`. A reply that could not be signalled stays recorded as pending, and is answered 503:
 * the supplier's retry (or the redelivery sweeper) signals it again. The follow-up workflow ignores
 * a reply id it has seen, so signalling twice is harmless; losing a reply is not.
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
  log: (message: string, error?: unknown) => void = () => undefined,
): Promise<SupplierIntakeResult> {
  const { caseId, replyId } = body;
  const followUp = await db.selectFrom('supplier_follow_ups').select(['supplier_id']).where('case_id', '=', caseId).executeTakeFirst();
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
    .values({ supplier_id: supplierId, reply_id: replyId, case_id: caseId, payload: JSON.stringify(reply), delivery_state: 'pending' })
    .onConflict((oc) => oc.columns(['supplier_id', 'reply_id']).doNothing())
    .returning('reply_id')
    .executeTakeFirst();
  let recorded = reply;
  if (!inserted) {
    const existing = await db
      .selectFrom('supplier_replies')
      .select(['delivery_state', 'payload', 'case_id'])
      .where('supplier_id', '=', supplierId)
      .where('reply_id', '=', replyId)
      .executeTakeFirstOrThrow();
    if (existing.delivery_state === 'delivered') return { duplicate: true, caseId: existing.case_id, replyId };
    if (existing.delivery_state === 'follow-up-ended') throw followUpEnded(existing.case_id);
    recorded = existing.payload as unknown as SupplierReply;
  }

  try {
    await deliverSupplierReply(db, temporal, supplierId, caseId, recorded);
  } catch (error) {
    if (error instanceof HttpProblem) {
      // The follow-up has ended: the reply can go nowhere, and the supplier is told so (409);
      // it is not kept as if it had been received.
      await db.deleteFrom('supplier_replies').where('supplier_id', '=', supplierId).where('reply_id', '=', replyId).execute();
      throw error;
    }
    log(`supplier reply ${supplierId}/${replyId} not yet delivered`, error);
    throw new HttpProblem(503, 'Delivery failed', 'The reply is recorded but not yet delivered; retry later');
  }
  return { duplicate: false, caseId, replyId };
}

function followUpEnded(caseId: string): HttpProblem {
  return new HttpProblem(409, 'Follow-up ended', `The supplier follow-up of case ${caseId} has already ended`);
}

/** Signals a recorded reply and settles its state; throws if it is still to be delivered. */
async function deliverSupplierReply(db: Db, temporal: Client, supplierId: string, caseId: string, reply: SupplierReply): Promise<void> {
  const settle = (state: 'pending' | 'delivered' | 'follow-up-ended') =>
    db
      .updateTable('supplier_replies')
      .set({ delivery_state: state, attempts: sql<number>`attempts + 1`, updated_at: new Date() })
      .where('supplier_id', '=', supplierId)
      .where('reply_id', '=', reply.replyId)
      .where('delivery_state', '=', 'pending')
      .execute();
  try {
    await temporal.workflow.getHandle(supplierFollowUpWorkflowId(caseId)).signal(supplierReplySignal, reply);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      await settle('follow-up-ended');
      throw followUpEnded(caseId);
    }
    await settle('pending').catch(() => undefined);
    throw error;
  }
  await settle('delivered');
}

/**
 * One sweeper pass over supplier replies left pending; `graceMs` leaves young ones to their
 * request. A reply whose follow-up has ended meanwhile stays on record as `follow-up-ended` (no
 * one is waiting for an answer to tell).
 */
export async function sweepSupplierReplies(db: Db, temporal: Client, { graceMs = 10_000, batch = 100 } = {}): Promise<{ delivered: number; failures: number }> {
  const rows = await db
    .selectFrom('supplier_replies')
    .select(['supplier_id', 'case_id', 'payload'])
    .where('delivery_state', '=', 'pending')
    .where('updated_at', '<=', new Date(Date.now() - graceMs))
    .orderBy('updated_at')
    .limit(batch)
    .execute();
  const result = { delivered: 0, failures: 0 };
  for (const row of rows) {
    try {
      await deliverSupplierReply(db, temporal, row.supplier_id, row.case_id, row.payload as unknown as SupplierReply);
      result.delivered += 1;
    } catch {
      result.failures += 1;
    }
  }
  return result;
}
