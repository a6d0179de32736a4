import { isCancellation, patched } from '@temporalio/workflow';
import { formatDuration } from '../../domain/durations';
import { CARRIER_NAMES_ZH, defaultChannels, type TemplateId } from '../../domain/notification-templates';
import { nearestDueAt } from '../../domain/sla-clock';
import { WORKFLOW_ACTOR, type Actor, type NotificationChannel } from '../../domain/types';
import type { CaseState } from './state/case-state';
import { clocksOf } from './state/case-data';
import { WORKING_CLOCKS } from './state/sla-clocks';
import { carriers, failureDetail, notifications } from '../activity-proxies';

/**
 * Steps every playbook shares: talking to the customer, to staff and to the carrier. Each side
 * effect carries an idempotency key made of the case id and a stable step name, so an activity
 * retried after a crash is recognised by the receiving system.
 */

function customerParams(state: CaseState): Record<string, string> {
  const { input } = state;
  return {
    caseId: input.caseId,
    customerName: input.customer.name,
    orderId: input.orderId,
    waybillNo: input.waybillNo,
    carrierName: CARRIER_NAMES_ZH[input.carrier] ?? input.carrier,
  };
}

/**
 * Sends one template on every channel the customer uses. A channel that keeps failing is recorded
 * and the case goes on: a lost SMS must not stall a parcel claim.
 */
export async function notifyCustomer(
  state: CaseState,
  step: string,
  template: TemplateId,
  extra: Record<string, string> = {},
): Promise<void> {
  const { input } = state;
  const channels = customerChannels(input.customer.channels, input.customer.storeId);
  await Promise.all(
    channels.map((channel) =>
      sendOne(state, `${input.caseId}:${step}:${channel}`, channel, template, {
        userId: input.customer.id,
        phone: input.customer.phone,
        ...(input.customer.storeId ? { storeId: input.customer.storeId, wecomKey: `store-${input.customer.storeId}` } : {}),
      }, { ...customerParams(state), ...extra }),
    ),
  );
  await state.persist();
}

/**
 * Cases started before this patch sent once per listed channel, duplicates included (two sends
 * of one key at once), and replay that way; the patch is asked only when a channel repeats.
 */
export const DISTINCT_CHANNELS_PATCH = 'notify-each-channel-once';

/** The customer's channels, each once: one key per channel, one message per key. */
function customerChannels(listed: NotificationChannel[] | undefined, storeId: string | undefined): NotificationChannel[] {
  const channels = defaultChannels(listed).filter((channel): channel is NotificationChannel => channel !== 'wecom' || Boolean(storeId));
  const distinct = [...new Set(channels)];
  return distinct.length < channels.length && patched(DISTINCT_CHANNELS_PATCH) ? distinct : channels;
}

/** Tells the operations group (WeCom) about an escalation or an SLA warning. */
export async function notifyStaff(
  state: CaseState,
  step: string,
  template: TemplateId,
  extra: Record<string, string>,
): Promise<void> {
  const { input } = state;
  await sendOne(state, `${input.caseId}:${step}:wecom`, 'wecom', template, {
    userId: state.data.assignee,
    wecomKey: input.staff.opsWecomKey,
  }, {
    caseId: input.caseId,
    type: state.data.currentType,
    priority: state.data.priority,
    tier: String(state.data.tier),
    assignee: state.data.assignee,
    carrierName: CARRIER_NAMES_ZH[input.carrier] ?? input.carrier,
    waybillNo: input.waybillNo,
    ...extra,
  });
}

async function sendOne(
  state: CaseState,
  key: string,
  channel: NotificationChannel,
  template: TemplateId,
  recipient: { userId: string; phone?: string; storeId?: string; wecomKey?: string },
  params: Record<string, string>,
): Promise<void> {
  try {
    const sent = await notifications.sendNotification({
      idempotencyKey: key,
      caseId: state.caseId,
      channel,
      template,
      recipient,
      params,
    });
    state.noteNotification(sent);
    state.record('notification.sent', `${template} via ${channel}`, { key, channel, template, recipient: sent.recipient });
  } catch (error) {
    if (isCancellation(error)) {
      state.record('notification.withdrawn', `${template} via ${channel} withdrawn: the case moved on`, { key, channel, template });
      return;
    }
    const detail = failureDetail(error);
    state.noteNotification({ key, channel, template, recipient: recipient.userId, at: new Date().toISOString(), outcome: 'failed', detail });
    state.record('notification.failed', `${template} via ${channel} failed`, { key, channel, template, detail });
  }
}

/** First contact: tells the customer the case is open and when to expect an answer. */
export async function acknowledgeCustomer(state: CaseState): Promise<void> {
  if (state.data.acknowledged) return;
  state.markAcknowledged();
  const due = nearestDueAt(clocksOf(state.data).filter((clock) => clock.name !== 'firstResponse'), Date.now());
  const dueText = due !== undefined ? `${formatDuration(Math.max(0, due - Date.now()))}内` : '尽快';
  await notifyCustomer(state, 'acknowledge', 'case.acknowledged', { dueText });
  state.clocks.stop('firstResponse', 'customer acknowledged');
  await state.persist();
}

/** 催件: asks the carrier to chase the parcel; the n-th urge has its own idempotency key. */
export async function urgeCarrier(state: CaseState, attempt: number, reason: string): Promise<boolean> {
  const key = `${state.caseId}:urge:${attempt}`;
  const at = new Date().toISOString();
  try {
    const answer = await carriers.urgeCarrier({
      idempotencyKey: key,
      carrier: state.input.carrier,
      waybillNo: state.input.waybillNo,
      reason,
    });
    if (answer.outcome === 'accepted') {
      state.noteCarrierRequest({ key, operation: 'urge', at, outcome: 'accepted', reference: answer.reference });
      state.record('carrier.urged', `urge #${attempt} accepted (${answer.reference})`, { key, attempt, reference: answer.reference });
      await state.persist();
      return true;
    }
    state.noteCarrierRequest({ key, operation: 'urge', at, outcome: 'refused', detail: `${answer.code} ${answer.message}` });
    state.record('carrier.refused', `urge #${attempt} refused: ${answer.message}`, { key, attempt, code: answer.code, message: answer.message });
  } catch (error) {
    const detail = failureDetail(error);
    state.noteCarrierRequest({ key, operation: 'urge', at, outcome: 'failed', detail });
    state.record('carrier.failed', `urge #${attempt} failed`, { key, attempt, detail });
  }
  await state.persist();
  return false;
}

/** Marks the case resolved: stops the working clocks and tells the customer. */
export async function resolveCase(
  state: CaseState,
  outcome: string,
  summary: string,
  template: TemplateId | undefined,
  actor: Actor = WORKFLOW_ACTOR,
): Promise<void> {
  state.markResolved(outcome, summary);
  state.withdrawEvidenceRequest('case resolved', actor);
  for (const clock of WORKING_CLOCKS) state.clocks.stop(clock, `resolved: ${outcome}`);
  state.setStatus('RESOLVED', summary, actor);
  state.record('case.resolved', summary, { outcome }, actor);
  await state.persist();
  const round = state.data.reopens ? `:round${state.data.reopens + 1}` : '';
  if (template) await notifyCustomer(state, `resolved:${outcome}${round}`, template, { summary });
}
