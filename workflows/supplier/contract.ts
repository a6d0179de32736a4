import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Carrier, ExceptionType, OrderItem } from '../../domain/types';

/**
 * The supplier follow-up's message contract (供應商跟進): the case workflow starts it as a child,
 * the supplier webhook signals replies into it. Nothing here may import Node or heavy modules:
 * it is bundled into workflow code.
 */

export interface SupplierFollowUpInput {
  caseId: string;
  supplierId: string;
  orderId: string;
  waybillNo: string;
  type: ExceptionType;
  /** What we ask the supplier for, in zh-CN, e.g. "订单X错发，请补发正确配件 SKU-1 ×1 并回复新运单号". */
  request: string;
  items?: OrderItem[];
  policy: { reminderIntervalMs: number; maxReminders: number; responseTargetMs: number };
}

export interface SupplierReply {
  replyId: string;
  action: 'reshipped' | 'accepted' | 'refused' | 'message';
  message: string;
  waybillNo?: string;
  carrier?: Carrier;
  at: string;
}

export interface SupplierFollowUpResult {
  outcome: 'replied' | 'unanswered';
  reply?: SupplierReply;
  responseMs?: number;
  reminders: number;
  escalatedToManager: boolean;
  /** Set when PostgreSQL refused the scorecard row for good (`StoreRejected`): the reason. */
  scorecardRejected?: string;
}

export const supplierReplySignal = defineSignal<[SupplierReply]>('supplierReply');
export const supplierFollowUpQuery = defineQuery<{
  status: 'WAITING_SUPPLIER' | 'ESCALATED_TO_MANAGER' | 'REPLIED' | 'UNANSWERED';
  reminders: number;
  startedAt: string;
  reply?: SupplierReply;
}>('supplierFollowUp');
export const supplierFollowUpWorkflowId = (caseId: string) => `${caseId}/supplier`;
