import { ApplicationFailure, condition, log, setHandler } from '@temporalio/workflow';
import type { RecordSupplierFollowUpInput } from '../../activities/suppliers/supplier-activities';
import { formatDuration } from '../../domain/durations';
import { storeRejection } from '../store-rejection';
import type { TemplateId } from '../../domain/notification-templates';
import { supplierFollowUpQuery, supplierReplySignal, type SupplierFollowUpInput, type SupplierFollowUpResult, type SupplierReply } from './contract';
import { failureDetail, notifications, store } from '../activity-proxies';

/**
 * 供應商跟進: a child of the case workflow when the supplier, not our warehouse, shipped the order.
 * It asks the supplier's WeCom group for what the case needs, reminds every `reminderIntervalMs`
 * while no reply comes, tells the supplier's manager once after `maxReminders` unanswered
 * reminders, and waits for the reply (the supplier webhook signals it) until `responseTargetMs`
 * after the start. Every duration comes from `input.policy`. The follow-up is recorded to
 * PostgreSQL at the start and at the end for the per-supplier scorecard.
 */

type FollowUpStatus = 'WAITING_SUPPLIER' | 'ESCALATED_TO_MANAGER' | 'REPLIED' | 'UNANSWERED';

export async function supplierFollowUpWorkflow(input: SupplierFollowUpInput): Promise<SupplierFollowUpResult> {
  validate(input);
  const { caseId, supplierId, policy } = input;
  const startedAtMs = Date.now();
  const startedAt = new Date(startedAtMs).toISOString();
  const deadline = startedAtMs + policy.responseTargetMs;

  let status: FollowUpStatus = 'WAITING_SUPPLIER';
  let reminders = 0;
  let escalatedToManager = false;
  let reply: SupplierReply | undefined;
  let repliedAtMs: number | undefined;
  const seenReplies = new Set<string>();

  setHandler(supplierReplySignal, (incoming: SupplierReply) => {
    if (seenReplies.has(incoming.replyId)) return; // a retried push: already counted
    seenReplies.add(incoming.replyId);
    if (reply) {
      log.info('supplier reply after the first one ignored', { caseId, replyId: incoming.replyId });
      return;
    }
    reply = incoming;
    repliedAtMs = Date.now();
    status = 'REPLIED';
  });
  setHandler(supplierFollowUpQuery, () => ({ status, reminders, startedAt, ...(reply ? { reply } : {}) }));

  // A scorecard row PostgreSQL refuses for good (StoreRejected) must not stop the follow-up: it is
  // logged and returned to the case (`scorecardRejected`, in its trail) and the supplier is still
  // chased.
  let scorecardRejected: string | undefined;
  const record = async (outcome: RecordSupplierFollowUpInput['outcome']) => {
    try {
      await writeRow(outcome);
    } catch (error) {
      const reason = storeRejection(error);
      if (reason === undefined) throw error;
      log.error('supplier scorecard row rejected by the store: the follow-up goes on', { caseId, supplierId, outcome, reason });
      scorecardRejected = reason;
    }
  };
  const writeRow = (outcome: RecordSupplierFollowUpInput['outcome']) =>
    store.recordSupplierFollowUp({
      caseId,
      supplierId,
      orderId: input.orderId,
      type: input.type,
      startedAt,
      outcome,
      reminders,
      escalatedToManager,
      ...(reply && repliedAtMs !== undefined ? { reply, repliedAt: new Date(repliedAtMs).toISOString(), responseMs: repliedAtMs - startedAtMs } : {}),
    });

  const baseParams = {
    caseId,
    supplierId,
    orderId: input.orderId,
    waybillNo: input.waybillNo,
    request: input.request,
  };
  const dueText = () => `${formatDuration(Math.max(0, deadline - Date.now()))}内`;
  const supplierGroup = { userId: `supplier:${supplierId}`, wecomKey: `supplier-${supplierId}` };
  const managerGroup = { userId: `supplier:${supplierId}:manager`, wecomKey: `supplier-${supplierId}-manager` };

  // The row exists before the supplier hears from us, so the webhook can check a quick reply.
  await record('open');
  await notify(`${caseId}:supplier:request:wecom`, 'supplier.request', supplierGroup, { ...baseParams, dueText: dueText() });

  const replied = () => reply !== undefined;
  let nextReminderAt = Date.now() + policy.reminderIntervalMs;
  while (!replied()) {
    const waitUntil = escalatedToManager ? deadline : Math.min(nextReminderAt, deadline);
    if (await waitUntilOr(replied, waitUntil)) break;
    if (Date.now() >= deadline) break;
    if (reminders < policy.maxReminders) {
      reminders += 1;
      await notify(`${caseId}:supplier:reminder:${reminders}:wecom`, 'supplier.reminder', supplierGroup, {
        ...baseParams,
        reminder: String(reminders),
        dueText: dueText(),
      });
      nextReminderAt = Date.now() + policy.reminderIntervalMs;
    } else if (!escalatedToManager) {
      escalatedToManager = true;
      if (!replied()) status = 'ESCALATED_TO_MANAGER';
      await notify(`${caseId}:supplier:manager:wecom`, 'supplier.escalated', managerGroup, {
        ...baseParams,
        count: String(reminders),
        dueText: dueText(),
      });
    }
  }

  if (!replied()) status = 'UNANSWERED';
  await record(replied() ? 'replied' : 'unanswered');
  // A reply signalled while the outcome was being written still counts: a signal the server
  // accepted before this workflow completed is never lost.
  if (status === 'UNANSWERED' && replied()) await record('replied');

  const final = reply as SupplierReply | undefined;
  const rejected = scorecardRejected !== undefined ? { scorecardRejected } : {};
  if (final && repliedAtMs !== undefined) {
    return { outcome: 'replied', reply: final, responseMs: repliedAtMs - startedAtMs, reminders, escalatedToManager, ...rejected };
  }
  return { outcome: 'unanswered', reminders, escalatedToManager, ...rejected };
}

/**
 * Waits for `done` until the given workflow time; true when `done` became true. Always a timer,
 * whatever the clock says: whether a command exists must not depend on Date.now() (see
 * workflows/case/state/waits.ts).
 */
async function waitUntilOr(done: () => boolean, untilMs: number): Promise<boolean> {
  return condition(done, Math.max(1, Math.round(untilMs - Date.now())));
}

/** One WeCom message; a channel that keeps failing is logged and the follow-up goes on. */
async function notify(
  idempotencyKey: string,
  template: TemplateId,
  recipient: { userId: string; wecomKey: string },
  params: Record<string, string>,
): Promise<void> {
  const caseId = params.caseId as string;
  try {
    await notifications.sendNotification({ idempotencyKey, caseId, channel: 'wecom', template, recipient, params });
  } catch (error) {
    const detail = failureDetail(error);
    log.warn('supplier notification failed', { caseId, idempotencyKey, template, detail });
  }
}

function validate(input: SupplierFollowUpInput): void {
  const { policy } = input ?? {};
  const problems: string[] = [];
  if (!input?.caseId) problems.push('caseId is required');
  if (!input?.supplierId) problems.push('supplierId is required');
  if (!input?.request) problems.push('request is required');
  if (!policy || !(policy.reminderIntervalMs > 0)) problems.push('policy.reminderIntervalMs must be > 0');
  if (!policy || !Number.isInteger(policy.maxReminders) || policy.maxReminders < 0) {
    problems.push('policy.maxReminders must be a whole number >= 0');
  }
  if (!policy || !(policy.responseTargetMs > 0)) problems.push('policy.responseTargetMs must be > 0');
  if (problems.length) throw ApplicationFailure.nonRetryable(`invalid supplier follow-up: ${problems.join('; ')}`, 'InvalidInput');
}
