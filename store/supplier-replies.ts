import { sql } from 'kysely';
import type { Db } from './database';

/**
 * Supplier replies received by webhook (`supplier_replies`), keyed by (supplier, reply id), and
 * the follow-up each answers (`supplier_follow_ups`). How a reply moves from `pending` to
 * `delivered` or `follow-up-ended` is api/webhooks/supplier-intake.ts.
 */

export type SupplierReplyState = 'pending' | 'delivered' | 'follow-up-ended';

export interface SupplierReplyKey {
  supplierId: string;
  replyId: string;
}

/** The supplier a case's follow-up is with, or undefined when the case has none. */
export async function followUpSupplierOf(db: Db, caseId: string): Promise<string | undefined> {
  const row = await db.selectFrom('supplier_follow_ups').select(['supplier_id']).where('case_id', '=', caseId).executeTakeFirst();
  return row?.supplier_id;
}

/** Records a reply as `pending` unless its id was seen before; answers whether this call recorded it. */
export async function recordSupplierReply(
  db: Db,
  { supplierId, replyId }: SupplierReplyKey,
  caseId: string,
  payload: Record<string, unknown>,
): Promise<boolean> {
  const inserted = await db
    .insertInto('supplier_replies')
    .values({ supplier_id: supplierId, reply_id: replyId, case_id: caseId, payload: JSON.stringify(payload), delivery_state: 'pending' })
    .onConflict((oc) => oc.columns(['supplier_id', 'reply_id']).doNothing())
    .returning('reply_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export interface RecordedSupplierReply {
  deliveryState: SupplierReplyState;
  payload: Record<string, unknown>;
  caseId: string;
}

/** A reply recorded earlier. */
export async function recordedSupplierReply(db: Db, { supplierId, replyId }: SupplierReplyKey): Promise<RecordedSupplierReply> {
  const row = await db
    .selectFrom('supplier_replies')
    .select(['delivery_state', 'payload', 'case_id'])
    .where('supplier_id', '=', supplierId)
    .where('reply_id', '=', replyId)
    .executeTakeFirstOrThrow();
  return { deliveryState: row.delivery_state, payload: row.payload, caseId: row.case_id };
}

export async function deleteSupplierReply(db: Db, { supplierId, replyId }: SupplierReplyKey): Promise<void> {
  await db.deleteFrom('supplier_replies').where('supplier_id', '=', supplierId).where('reply_id', '=', replyId).execute();
}

/** Counts an attempt of a pending reply and gives it `state` (still `pending` after a failure). */
export async function settleSupplierReply(db: Db, { supplierId, replyId }: SupplierReplyKey, state: SupplierReplyState): Promise<void> {
  await db
    .updateTable('supplier_replies')
    .set({ delivery_state: state, attempts: sql<number>`attempts + 1`, updated_at: new Date() })
    .where('supplier_id', '=', supplierId)
    .where('reply_id', '=', replyId)
    .where('delivery_state', '=', 'pending')
    .execute();
}

export interface PendingSupplierReply {
  supplierId: string;
  caseId: string;
  payload: Record<string, unknown>;
}

/** Replies still pending since `before`, least recently tried first. */
export async function pendingSupplierReplies(db: Db, before: Date, limit: number): Promise<PendingSupplierReply[]> {
  const rows = await db
    .selectFrom('supplier_replies')
    .select(['supplier_id', 'case_id', 'payload'])
    .where('delivery_state', '=', 'pending')
    .where('updated_at', '<=', before)
    .orderBy('updated_at')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ supplierId: row.supplier_id, caseId: row.case_id, payload: row.payload }));
}
