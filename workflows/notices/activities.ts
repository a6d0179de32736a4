import { proxyActivities } from '@temporalio/workflow';
import type { NotificationActivities } from '../../activities';
import type { ShipmentNoticeActivities } from '../../activities/notifications/shipment-notices';

/**
 * The activities proactive notices call, and how patiently. The notification outbox (key per
 * waybill, milestone and channel) makes every retry safe, so retrying costs nothing but time.
 */

/** SMS and in-app: generous retries; after the last one the milestone is recorded as failed on that channel. */
export const milestoneSends = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

/**
 * WeCom from the bot's outbox: retried without limit, so a 45009 (another sender used the bot's
 * minute) waits instead of dropping the message. Only a non-retryable refusal (a removed bot, an
 * outcome that cannot be known) ends it, recorded as failed.
 */
export const wecomSends = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Order look-up, the read model, the outcome record and the WeCom hand-over: retried until done. */
export const noticeStore = proxyActivities<ShipmentNoticeActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
