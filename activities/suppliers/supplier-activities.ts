import { sql } from 'kysely';
import type { ExceptionType } from '../../domain/types';
import type { SupplierReply } from '../../workflows/supplier/contract';
import type { Db } from '../../store/database';
import { rejectingPermanentErrors } from '../../store/store-errors';

/**
 * The supplier follow-up's record for the per-supplier scorecard: one row per case, upserted by
 * the follow-up workflow when it starts and when it ends. The upsert is idempotent (a retried
 * activity writes the same row) and never moves a finished follow-up back to `open`; a newer
 * follow-up of the same case (a later start) replaces the row.
 */

export interface RecordSupplierFollowUpInput {
  caseId: string;
  supplierId: string;
  orderId: string;
  type: ExceptionType;
  /** ISO time the follow-up started (workflow time): the key that tells follow-ups apart. */
  startedAt: string;
  outcome: 'open' | 'replied' | 'unanswered';
  reminders: number;
  escalatedToManager: boolean;
  repliedAt?: string;
  responseMs?: number;
  reply?: SupplierReply;
}

export function createSupplierActivities(db: Db) {
  return {
    /**
     * Upserts the case's supplier follow-up row (scorecard); safe to retry. A row PostgreSQL
     * refuses for good fails as a non-retryable `StoreRejected` (the follow-up records it and goes on).
     */
    async recordSupplierFollowUp(input: RecordSupplierFollowUpInput): Promise<void> {
      const row = {
        supplier_id: input.supplierId,
        order_id: input.orderId,
        type: input.type,
        started_at: input.startedAt,
        replied_at: input.repliedAt ?? null,
        response_ms: input.responseMs ?? null,
        reminders: input.reminders,
        escalated_to_manager: input.escalatedToManager,
        outcome: input.outcome,
        reply: input.reply ? JSON.stringify(input.reply) : null,
        updated_at: new Date(),
      };
      await rejectingPermanentErrors(`supplier follow-up row of ${input.caseId}`, () =>
        db
          .insertInto('supplier_follow_ups')
          .values({ case_id: input.caseId, ...row })
          .onConflict((oc) =>
            oc
              .column('case_id')
              .doUpdateSet(row)
              .where(sql<boolean>`supplier_follow_ups.outcome = 'open' OR excluded.started_at > supplier_follow_ups.started_at`),
          )
          .execute(),
      );
    },
  };
}
