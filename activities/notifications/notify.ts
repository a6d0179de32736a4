import type { NotificationRecord } from '../../domain/case-view';
import { renderTemplate, type TemplateId } from '../../domain/notification-templates';
import type { NotificationChannel } from '../../domain/types';
import type { Db } from '../store/database';
import type { NotificationChannelAdapter, Recipient } from './channels';

/**
 * Sends one notification exactly once per idempotency key. The outbox row is claimed before the
 * provider is called and marked sent after; a retry after a crash in between calls the provider
 * again with the same key, which the SMS and in-app providers deduplicate. A key already marked
 * sent is answered from the outbox without touching the provider.
 */

export interface SendNotificationInput {
  idempotencyKey: string;
  caseId: string;
  channel: NotificationChannel;
  template: TemplateId;
  recipient: Recipient;
  params: Record<string, string>;
}

export async function sendNotification(
  db: Db,
  channels: Record<NotificationChannel, NotificationChannelAdapter>,
  input: SendNotificationInput,
  now: () => Date = () => new Date(),
): Promise<NotificationRecord> {
  const message = renderTemplate(input.template, input.params);
  const recipientLabel = input.channel === 'sms' ? maskPhone(input.recipient.phone) : input.recipient.userId;
  await db
    .insertInto('notification_outbox')
    .values({
      idempotency_key: input.idempotencyKey,
      case_id: input.caseId,
      channel: input.channel,
      template: input.template,
      recipient: recipientLabel,
      status: 'sending',
      provider_message_id: null,
      attempts: 0,
      last_error: null,
      sent_at: null,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
  const existing = await db
    .selectFrom('notification_outbox')
    .selectAll()
    .where('idempotency_key', '=', input.idempotencyKey)
    .executeTakeFirstOrThrow();
  if (existing.status === 'sent') {
    return record(input, recipientLabel, new Date(existing.sent_at ?? now()), 'sent');
  }

  await db
    .updateTable('notification_outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('idempotency_key', '=', input.idempotencyKey)
    .execute();
  try {
    const { providerMessageId } = await channels[input.channel].send({
      idempotencyKey: input.idempotencyKey,
      recipient: input.recipient,
      message,
      params: input.params,
    });
    const sentAt = now();
    await db
      .updateTable('notification_outbox')
      .set({ status: 'sent', provider_message_id: providerMessageId, sent_at: sentAt, last_error: null })
      .where('idempotency_key', '=', input.idempotencyKey)
      .execute();
    return record(input, recipientLabel, sentAt, 'sent');
  } catch (error) {
    await db
      .updateTable('notification_outbox')
      .set({ last_error: (error as Error).message.slice(0, 500) })
      .where('idempotency_key', '=', input.idempotencyKey)
      .execute();
    throw error;
  }
}

function record(input: SendNotificationInput, recipient: string, at: Date, outcome: 'sent'): NotificationRecord {
  return { key: input.idempotencyKey, channel: input.channel, template: input.template, recipient, at: at.toISOString(), outcome };
}

/** Phone numbers are PII: the read model and audit trail keep only a masked form. */
export function maskPhone(phone: string | undefined): string {
  if (!phone) return '(none)';
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}
