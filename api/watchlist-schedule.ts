import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptionsAction } from '@temporalio/client';
import type { AppConfig } from '../config';
import { WATCHLIST_SCHEDULE_ID, WATCHLIST_WORKFLOW } from '../workflows/tracking/contract';

/**
 * The Temporal Schedule that runs the watchlist (workflows/tracking/watchlist.ts) every
 * `watchlist.interval` of the policy file. Ensured at start-up by the API: created when missing,
 * updated to the policy in force when it exists (the policy travels in the action's arguments, so
 * a changed policy file takes effect from the next run). Overlapping runs are skipped.
 */
export async function ensureWatchlistSchedule(
  client: Client,
  config: Pick<AppConfig, 'watchlist' | 'temporal'>,
  scheduleId: string = WATCHLIST_SCHEDULE_ID,
): Promise<'created' | 'updated'> {
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: WATCHLIST_WORKFLOW,
    workflowId: `${scheduleId}-run`,
    taskQueue: config.temporal.taskQueue,
    args: [{ policy: config.watchlist }],
  };
  const spec = { intervals: [{ every: config.watchlist.intervalMs }] };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: config.watchlist.intervalMs },
      state: { note: 'Tracking watchlist (issue 9): rules over stored tracking, cases opened before the customer calls' },
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
    return 'updated';
  }
}
