import { isCancellation } from '@temporalio/workflow';
import type { TemplateId } from '../../../domain/notification-templates';
import type { NotificationChannel } from '../../../domain/types';
import { failureDetail, notifications, RETRY_PROFILES } from '../../activity-proxies';
import type { CaseState } from '../state/case-state';

/**
 * A notice on the customer's or staff's channels, recorded on the case channel by channel
 * whatever the outcome.
 */

/** One notice on one channel. */
export interface ChannelNotice {
  key: string;
  channel: NotificationChannel;
  template: TemplateId;
  recipient: { userId: string; phone?: string; storeId?: string; wecomKey?: string };
  params: Record<string, string>;
}

/**
 * Sends a notice on each of its channels: one activity for them all (one task and three history
 * events for the notice), or the single channel's own.
 */
export async function sendOnChannels(state: CaseState, notices: ChannelNotice[]): Promise<void> {
  if (notices.length < 2) {
    await Promise.all(notices.map((notice) => sendOne(state, notice.key, notice.channel, notice.template, notice.recipient, notice.params)));
    return;
  }
  const template = notices[0]!.template;
  const channels = notices.map((notice) => notice.channel).join(' + ');
  try {
    const outcomes = await notifications.sendNoticeChannels.executeWithOptions({ ...RETRY_PROFILES.notify, summary: `notify ${template} via ${channels}` }, [
      {
        notices: notices.map((notice) => ({ idempotencyKey: notice.key, caseId: state.caseId, ...notice })),
        lastAttempt: RETRY_PROFILES.notify.retry.maximumAttempts,
      },
    ]);
    for (const [index, outcome] of outcomes.entries()) {
      const { key, channel, template: sentTemplate } = notices[index]!;
      state.append('notifications', outcome);
      if (outcome.outcome === 'sent') {
        state.record('notification.sent', `${sentTemplate} via ${channel}`, { key, channel, template: sentTemplate, recipient: outcome.recipient });
      } else {
        state.record('notification.failed', `${sentTemplate} via ${channel} failed`, { key, channel, template: sentTemplate, detail: outcome.detail });
      }
    }
  } catch (error) {
    for (const { key, channel, template: noticeTemplate, recipient } of notices) {
      if (isCancellation(error)) {
        state.record('notification.withdrawn', `${noticeTemplate} via ${channel} withdrawn: the case moved on`, { key, channel, template: noticeTemplate });
        continue;
      }
      const detail = failureDetail(error);
      state.append('notifications', {
        key,
        channel,
        template: noticeTemplate,
        recipient: recipient.userId,
        at: new Date().toISOString(),
        outcome: 'failed',
        detail,
      });
      state.record('notification.failed', `${noticeTemplate} via ${channel} failed`, { key, channel, template: noticeTemplate, detail });
    }
  }
}

export async function sendOne(
  state: CaseState,
  key: string,
  channel: NotificationChannel,
  template: TemplateId,
  recipient: { userId: string; phone?: string; storeId?: string; wecomKey?: string },
  params: Record<string, string>,
): Promise<void> {
  try {
    const sent = await notifications.sendNotification.executeWithOptions({ ...RETRY_PROFILES.notify, summary: `notify ${template} via ${channel}` }, [
      { idempotencyKey: key, caseId: state.caseId, channel, template, recipient, params },
    ]);
    state.append('notifications', sent);
    state.record('notification.sent', `${template} via ${channel}`, { key, channel, template, recipient: sent.recipient });
  } catch (error) {
    if (isCancellation(error)) {
      state.record('notification.withdrawn', `${template} via ${channel} withdrawn: the case moved on`, { key, channel, template });
      return;
    }
    const detail = failureDetail(error);
    state.append('notifications', { key, channel, template, recipient: recipient.userId, at: new Date().toISOString(), outcome: 'failed', detail });
    state.record('notification.failed', `${template} via ${channel} failed`, { key, channel, template, detail });
  }
}
