import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { FINISHED_STATUSES } from '../../domain/types';
import type { Db } from '../../store/database';
import type { OmsClient } from '../oms/oms-client';
import {
  WECOM_OUTBOX_WORKFLOW_TYPE,
  wecomEnqueueSignal,
  wecomOutboxWorkflowId,
  type NoticeOutcome,
  type ShipmentContacts,
  type WecomOutboxInput,
  type WecomOutboxMessage,
} from '../../workflows/notices/contract';

/**
 * The side effects of proactive shipment notices besides the sends themselves (which go through
 * the outbox of ./notify.ts): who the waybill's customer is, whether a case speaks for it, the
 * record of each outcome, and handing WeCom messages to the store bot's outbox workflow.
 */

interface ShipmentNoticeDependencies {
  db: Db;
  /** The order system (activities/oms/): the order that shipped a waybill, null when it knows none. */
  oms: OmsClient;
}

export interface RecordShipmentNoticeInput {
  waybillNo: string;
  milestone: string;
  channel: string;
  outcome: NoticeOutcome;
  detail?: string;
}

/** A short, stable name for a WeCom bot that does not reveal its key (a credential). */
export function wecomBotIdOf(wecomKey: string): string {
  return createHash('sha256').update(`wecom-bot:${wecomKey}`).digest('hex').slice(0, 16);
}

export function createShipmentNoticeActivities(deps: ShipmentNoticeDependencies) {
  return {
    /** The waybill's customer and store channels from the order system; null when it has no order for it. */
    async lookUpShipmentContacts(input: { waybillNo: string }): Promise<ShipmentContacts | null> {
      const order = await deps.oms.lookUpOrderByWaybill(input.waybillNo);
      if (!order) return null;
      const wecomKey = order.store.wecomKey || undefined;
      return {
        orderId: order.orderId,
        customerName: order.customer.name,
        userId: order.customer.customerId,
        ...(order.customer.phone ? { phone: order.customer.phone } : {}),
        ...(order.store.storeId ? { storeId: order.store.storeId } : {}),
        ...(wecomKey ? { wecomKey, wecomBotId: wecomBotIdOf(wecomKey) } : {}),
      };
    },

    /**
     * A case still working on this waybill (any type, not yet resolved), whose own notices speak
     * for its exception steps and its delivery. Null when there is none.
     */
    async openCaseForWaybill(input: { waybillNo: string }): Promise<string | null> {
      const row = await deps.db
        .selectFrom('cases')
        .select('case_id')
        .where('waybill_no', '=', input.waybillNo)
        .where('status', 'not in', FINISHED_STATUSES)
        .orderBy('opened_at')
        .limit(1)
        .executeTakeFirst();
      return row?.case_id ?? null;
    },

    /**
     * Records what became of a milestone on a channel (upsert: the latest outcome wins, except that
     * `sent` is final: a fresh run re-telling a milestone, answered from the outbox, never turns it
     * back into held or queued).
     */
    async recordShipmentNotice(input: RecordShipmentNoticeInput): Promise<void> {
      const values = { outcome: input.outcome, detail: input.detail?.slice(0, 500) ?? null, updated_at: new Date() };
      await deps.db
        .insertInto('shipment_notices')
        .values({ waybill_no: input.waybillNo, milestone: input.milestone, channel: input.channel, ...values })
        .onConflict((oc) => oc.columns(['waybill_no', 'milestone', 'channel']).doUpdateSet(values).where('shipment_notices.outcome', '<>', 'sent'))
        .execute();
    },

    /**
     * Hands a WeCom message to its bot's outbox workflow (signal-with-start: the first message
     * starts it). A retry after a lost answer may enqueue it twice; the outbox drops the second by
     * key, and the notification outbox would not send it twice anyway.
     */
    async enqueueWecomNotice(input: { botId: string; pace: WecomOutboxInput['pace']; message: WecomOutboxMessage }): Promise<void> {
      const context = Context.current();
      const start: WecomOutboxInput = { botId: input.botId, pace: input.pace };
      await context.client.workflow.signalWithStart(WECOM_OUTBOX_WORKFLOW_TYPE, {
        workflowId: wecomOutboxWorkflowId(input.botId),
        taskQueue: context.info.taskQueue,
        args: [start],
        signal: wecomEnqueueSignal,
        signalArgs: [input.message],
      });
    },
  };
}

export type ShipmentNoticeActivities = ReturnType<typeof createShipmentNoticeActivities>;
