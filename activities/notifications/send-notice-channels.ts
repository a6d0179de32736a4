import { ApplicationFailure } from '@temporalio/common';
import type { NotificationRecord } from '../../domain/case-view';
import type { SendNotificationInput } from './notify';

/**
 * One notice on each of its channels (SMS, in-app, WeCom) in one activity: one task instead of
 * one per channel, and one entry in the case's history. Each channel keeps its own idempotency
 * key and outbox row (./notify.ts), so the activity's retry sends only what is still unsent: a
 * channel already sent is answered from the outbox.
 *
 * A channel that fails for good (a refused number, a WeCom answer that may or may not have
 * posted) is reported failed while the others go out. A channel that fails for now fails the
 * attempt, for Temporal to retry, until `lastAttempt`: that attempt reports it failed instead,
 * so the channels that were sent are never reported failed with it.
 */

export interface SendNoticeChannelsInput {
  notices: SendNotificationInput[];
  /** The retry policy's maximum attempts: the attempt that reports rather than retries. */
  lastAttempt: number;
}

function failedFor(notice: SendNotificationInput, error: unknown): NotificationRecord {
  const detail = error instanceof Error ? error.message : String(error);
  return {
    key: notice.idempotencyKey,
    channel: notice.channel,
    template: notice.template,
    recipient: notice.recipient.userId,
    at: new Date().toISOString(),
    outcome: 'failed',
    detail,
  };
}

function failsForGood(error: unknown): boolean {
  return error instanceof ApplicationFailure && error.nonRetryable === true;
}

export async function sendNoticeChannels(
  send: (notice: SendNotificationInput) => Promise<NotificationRecord>,
  input: SendNoticeChannelsInput,
  attempt: number,
): Promise<NotificationRecord[]> {
  const settled = await Promise.allSettled(input.notices.map(send));
  const failingForNow = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected' && !failsForGood(result.reason));
  if (failingForNow && attempt < input.lastAttempt) throw failingForNow.reason;
  return settled.map((result, index) => (result.status === 'fulfilled' ? result.value : failedFor(input.notices[index]!, result.reason)));
}
