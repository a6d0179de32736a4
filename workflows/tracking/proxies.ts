import { proxyActivities } from '@temporalio/workflow';
import type { OmsActivities, TrackedCaseActivities, WatchlistActivities } from '../../activities';

/**
 * The activities of tracking in, by partner. The store steps retry without limit (PostgreSQL must
 * come back); the OMS is asked a few times — an OMS that stays down still leaves the case to open,
 * marked for an agent to complete, rather than no case at all.
 */
export const trackedCaseStore = proxyActivities<TrackedCaseActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

export const oms = proxyActivities<OmsActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: 5 },
});

export const watchlistStore = proxyActivities<WatchlistActivities>({
  startToCloseTimeout: '60 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
});
