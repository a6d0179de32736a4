import { formatDuration } from '../../../domain/durations';
import { CARRIER_NAMES_ZH, type TemplateId, defaultChannels } from '../../../domain/notification-templates';
import { nearestDueAt } from '../../../domain/sla-clock';
import type { NotificationChannel } from '../../../domain/types';
import { clocksOf } from '../state/case-data';
import type { CaseState } from '../state/case-state';
import { sendOnChannels, type ChannelNotice } from './send-notice';

/**
 * Talking to the customer: notices on every channel they use, the first acknowledgement.
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
export async function notifyCustomer(state: CaseState, step: string, template: TemplateId, extra: Record<string, string> = {}): Promise<void> {
  const { input } = state;
  const channels = customerChannels(input.customer.channels, input.customer.storeId);
  const recipient = customerRecipient(state);
  const params = { ...customerParams(state), ...extra };
  await sendOnChannels(
    state,
    channels.map((channel) => ({ key: `${input.caseId}:${step}:${channel}`, channel, template, recipient, params })),
  );
}

/** Where the customer is reached: their phone, their inbox, their store's WeCom group. */
export function customerRecipient(state: CaseState): ChannelNotice['recipient'] {
  const { customer } = state.input;
  return {
    userId: customer.id,
    phone: customer.phone,
    ...(customer.storeId ? { storeId: customer.storeId, wecomKey: `store-${customer.storeId}` } : {}),
  };
}

/** The customer's channels, each once: one key per channel, one message per key. */
function customerChannels(listed: NotificationChannel[] | undefined, storeId: string | undefined): NotificationChannel[] {
  const channels = defaultChannels(listed).filter((channel): channel is NotificationChannel => channel !== 'wecom' || Boolean(storeId));
  return [...new Set(channels)];
}

/** First contact: tells the customer the case is open and when to expect an answer. */
export async function acknowledgeCustomer(state: CaseState): Promise<void> {
  if (state.data.acknowledged) return;
  state.markAcknowledged();
  const due = nearestDueAt(
    clocksOf(state.data).filter((clock) => clock.name !== 'firstResponse'),
    Date.now(),
  );
  const dueText = due !== undefined ? `${formatDuration(Math.max(0, due - Date.now()))}内` : '尽快';
  await notifyCustomer(state, 'acknowledge', 'case.acknowledged', { dueText });
  state.clocks.stop('firstResponse', 'customer acknowledged');
}
