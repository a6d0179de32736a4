import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'kysely';
import type { NotificationRecord } from '../../domain/case-view';
import { renderTemplate, type TemplateId } from '../../domain/notification-templates';
import type { NotificationChannel } from '../../domain/types';
import type { Db } from '../../store/database';
import { rejectingPermanentErrors } from '../../store/store-errors';
import { mayHaveBeenCarriedOut } from '../http/json-client';
import type { NotificationChannelAdapter, Recipient } from './channels';
import { maskPhoneNumber } from '../../domain/phone-masking';

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
 * A provider that accepted a message whose answer was lost (no answer, a gateway error, or the
 * worker died mid-call) is remembered on the row (`maybe_delivered`, set by the claim, cleared
 * when the provider answers that it sent nothing). The next attempt then asks where the provider
 * can be asked (SMS: Aliyun QuerySendDetails for our OutId; a found message counts as sent),
 * sends again where the provider deduplicates (the in-app inbox honours Idempotency-Key), and
 * otherwise does not post a second time: WeCom group bots have neither a query API nor dedupe,
 * so such a notice fails non-retryably as `NotificationOutcomeUnknown` (at most once, visible as
 * a failed notification in the case). The lease outlasts the activity's start-to-close time-out
 * (20 s) and the HTTP time-out (10 s), so a slow holder is never overtaken while it may still send.
 */

const NOTIFICATION_LEASE_MS = 60_000;

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
  // Phone numbers are PII: the read model and audit trail keep only a masked form.
  const recipientLabel = input.channel === 'sms' ? (input.recipient.phone ? maskPhoneNumber(input.recipient.phone) : '(none)') : input.recipient.userId;
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
  // Claims the row and marks it "may be delivered" in one statement, reading what the previous
  // attempt left: whether it may have reached the provider without our learning the outcome.
  const claim = await sql<{ attempts: number; maybe_delivered_before: boolean }>`
    update notification_outbox as row
       set attempts = row.attempts + 1,
           lease_owner = ${owner},
           lease_until = now() + (${Math.round(leaseMs)}::integer * interval '1 millisecond'),
           maybe_delivered = true
      from (select idempotency_key, maybe_delivered from notification_outbox where idempotency_key = ${key} for update) as before
     where row.idempotency_key = before.idempotency_key
       and row.status <> 'sent'
       and (row.lease_until is null or row.lease_until < now())
    returning row.attempts, before.maybe_delivered as maybe_delivered_before`.execute(db);
  const claimed = claim.rows[0];
  if (!claimed) {
    const existing = await db.selectFrom('notification_outbox').selectAll().where('idempotency_key', '=', key).executeTakeFirstOrThrow();
    if (existing.status === 'sent') return record(input, recipientLabel, new Date(existing.sent_at ?? now()), 'sent');
    // A plain Error: retryable, so the activity comes back once the holder is done or gone.
    throw new Error(`notification ${key} is in flight under another attempt's lease (until ${String(existing.lease_until)}): not sending twice`);
  }

  const channel = channels[input.channel];
  const request = { idempotencyKey: input.idempotencyKey, recipient: input.recipient, message, params: input.params };
  const markSent = async (providerMessageId: string): Promise<NotificationRecord> => {
    const sentAt = now();
    await db
      .updateTable('notification_outbox')
      .set({ status: 'sent', provider_message_id: providerMessageId, sent_at: sentAt, last_error: null, lease_owner: null, lease_until: null })
      .where('idempotency_key', '=', key)
      .execute();
    return record(input, recipientLabel, sentAt, 'sent');
  };
  const release = async (error: string, maybeDelivered: boolean): Promise<void> => {
    await db
      .updateTable('notification_outbox')
      .set({ last_error: error.slice(0, 500), lease_owner: null, lease_until: null, maybe_delivered: maybeDelivered })
      .where('idempotency_key', '=', key)
      .where('lease_owner', '=', owner)
      .execute();
  };

  let sending = false;
  try {
    if (claimed.maybe_delivered_before) {
      // An earlier attempt may have been accepted with its answer lost. Ask where the provider
      // can be asked; send again where it deduplicates; otherwise never post a second time.
      if (channel.findSent) {
        const earlier = await channel.findSent(request);
        if (earlier) return await markSent(earlier.providerMessageId);
      } else if (!channel.deduplicates) {
        const why =
          `${input.channel} notification ${key}: an earlier attempt may have delivered it (its answer never came back), ` +
          `and ${input.channel} can neither be asked nor deduplicates: not sent a second time`;
        await release(why, true);
        throw ApplicationFailure.nonRetryable(why, 'NotificationOutcomeUnknown');
      }
    }
    sending = true;
    const { providerMessageId } = await channel.send(request);
    return await markSent(providerMessageId);
  } catch (error) {
    if (error instanceof ApplicationFailure && error.type === 'NotificationOutcomeUnknown') throw error;
    // Free the lease so the retry may go at once. A failed lookup (before any send) leaves the
    // earlier attempt's doubt as it was; a failed send is in doubt when no clear answer came.
    await release((error as Error).message, sending ? mayHaveBeenCarriedOut(error) : claimed.maybe_delivered_before);
    throw error;
  }
}

function record(input: SendNotificationInput, recipient: string, at: Date, outcome: 'sent'): NotificationRecord {
  return { key: input.idempotencyKey, channel: input.channel, template: input.template, recipient, at: at.toISOString(), outcome };
}
