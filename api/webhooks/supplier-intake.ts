import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../../store/database';
import {
  deleteSupplierReply,
  followUpSupplierOf,
  pendingSupplierReplies,
  recordedSupplierReply,
  recordSupplierReply,
  settleSupplierReply,
  type SupplierReplyState,
} from '../../store/supplier-replies';
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
  const followedUpWith = await followUpSupplierOf(db, caseId);
  if (followedUpWith === undefined) throw new HttpProblem(404, 'Follow-up not found', `No supplier follow-up for case ${caseId}`);
  if (followedUpWith !== supplierId) {
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
  const inserted = await recordSupplierReply(db, { supplierId, replyId }, caseId, { ...reply });
  let recorded = reply;
  if (!inserted) {
    const existing = await recordedSupplierReply(db, { supplierId, replyId });
    if (existing.deliveryState === 'delivered') return { duplicate: true, caseId: existing.caseId, replyId };
    if (existing.deliveryState === 'follow-up-ended') throw followUpEnded(existing.caseId);
    recorded = existing.payload as unknown as SupplierReply;
  }

  try {
    await deliverSupplierReply(db, temporal, supplierId, caseId, recorded);
  } catch (error) {
    if (error instanceof HttpProblem) {
      // The follow-up has ended: the reply can go nowhere, and the supplier is told so (409);
      // it is not kept as if it had been received.
      await deleteSupplierReply(db, { supplierId, replyId });
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
  const settle = (state: SupplierReplyState) => settleSupplierReply(db, { supplierId, replyId: reply.replyId }, state);
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
  const rows = await pendingSupplierReplies(db, new Date(Date.now() - graceMs), batch);
  const result = { delivered: 0, failures: 0 };
  for (const row of rows) {
    try {
      await deliverSupplierReply(db, temporal, row.supplierId, row.caseId, row.payload as unknown as SupplierReply);
      result.delivered += 1;
    } catch {
      result.failures += 1;
    }
  }
  return result;
}
