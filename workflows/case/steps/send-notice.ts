import { isCancellation } from '@temporalio/workflow';
import type { TemplateId } from '../../../domain/notification-templates';
import type { NotificationChannel } from '../../../domain/types';
import { failureDetail, notifications, RETRY_PROFILES } from '../../activity-proxies';
import type { CaseState } from '../state/case-state';

/**
 * One notice on one channel, recorded on the case whatever its outcome.
 */

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
