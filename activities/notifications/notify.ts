import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { NotificationRecord } from '../../domain/case-view';
import { renderTemplate, type TemplateId } from '../../domain/notification-templates';
import type { NotificationChannel } from '../../domain/types';
import type { Db } from '../store/database';
import { rejectingPermanentErrors } from '../store/store-errors';
import type { NotificationChannelAdapter, Recipient } from './channels';

/**
 * Sends one notification once per idempotency key. Real SMS, WeCom and in-app providers do not
 * deduplicate, so the outbox row is the check before every send:
 *
 * - a key marked `sent` is answered from the outbox, the provider is never called again;
 * - otherwise the attempt claims the row atomically (UPDATE … WHERE status <> 'sent' AND the lease
 *   is free or expired … RETURNING) under a lease of NOTIFICATION_LEASE_MS, measured on the
 *   database's clock; only the holder calls the provider;
 * - an attempt that finds the row leased by another (a retry racing a slow first try, one key
 *   sent twice at once) does not send: it fails retryably and Temporal retries it later, when the
 *   row is sent (answered from the outbox) or the lease has expired (the holder died).
 *
 * A provider that accepted a message whose answer was lost (or whose holder died before marking
 * the row sent) is covered where the provider can be asked: a retry (attempts > 1) of an SMS asks
 * Aliyun QuerySendDetails for our OutId first and takes a found message as sent. WeCom group bots
 * have no query API and no dedupe, and the in-app inbox has no lookup (it honours Idempotency-Key
 * itself): for WeCom the window left is an attempt whose request reached WeCom and whose answer
 * never came back (time-out, dropped connection, worker killed between the POST and the outbox
 * update) — its retry posts the message again (at least once, never twice by concurrency). The lease outlasts the activity's start-to-close time-out (20 s) and the HTTP
 * time-out (10 s), so a slow holder is never overtaken while it may still send.
 */

export const NOTIFICATION_LEASE_MS = 60_000;

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
  leaseMs: number = NOTIFICATION_LEASE_MS,
): Promise<NotificationRecord> {
  const message = renderTemplate(input.template, input.params);
  const recipientLabel = input.channel === 'sms' ? maskPhone(input.recipient.phone) : input.recipient.userId;
  const key = input.idempotencyKey;
  // A row PostgreSQL refuses for good (a NUL in a key or recipient) is a non-retryable
  // StoreRejected: the caller logs the failed notification and goes on, instead of retrying.
  await rejectingPermanentErrors(`notification ${input.idempotencyKey} outbox row`, () =>
    db
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
      .execute(),
  );
  const owner = randomUUID();
  const claimed = await db
    .updateTable('notification_outbox')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      lease_owner: owner,
      lease_until: sql<Date>`now() + (${Math.round(leaseMs)}::integer * interval '1 millisecond')`,
    }))
    .where('idempotency_key', '=', key)
    .where('status', '<>', 'sent')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', sql<Date>`now()`)]))
    .returning(['idempotency_key', 'attempts'])
    .executeTakeFirst();
  if (!claimed) {
    const existing = await db.selectFrom('notification_outbox').selectAll().where('idempotency_key', '=', key).executeTakeFirstOrThrow();
    if (existing.status === 'sent') return record(input, recipientLabel, new Date(existing.sent_at ?? now()), 'sent');
    // A plain Error: retryable, so the activity comes back once the holder is done or gone.
    throw new Error(`notification ${key} is in flight under another attempt's lease (until ${String(existing.lease_until)}): not sending twice`);
  }

  try {
    const channel = channels[input.channel];
    const request = { idempotencyKey: input.idempotencyKey, recipient: input.recipient, message, params: input.params };
    // A previous attempt may have been accepted by the provider with its answer lost: where the
    // provider can be asked (SMS), a found message counts as sent instead of sending it again.
    const earlier = claimed.attempts > 1 && channel.findSent ? await channel.findSent(request) : undefined;
    const { providerMessageId } = earlier ?? (await channel.send(request));
    const sentAt = now();
    await db
      .updateTable('notification_outbox')
      .set({ status: 'sent', provider_message_id: providerMessageId, sent_at: sentAt, last_error: null, lease_owner: null, lease_until: null })
      .where('idempotency_key', '=', key)
      .execute();
    return record(input, recipientLabel, sentAt, 'sent');
  } catch (error) {
    await db
      .updateTable('notification_outbox')
      // The provider answered (or the call failed): free the lease so the retry may send at once.
      .set({ last_error: (error as Error).message.slice(0, 500), lease_owner: null, lease_until: null })
      .where('idempotency_key', '=', key)
      .where('lease_owner', '=', owner)
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
