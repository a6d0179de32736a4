import { ActivityFailure, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type {
  CarrierActivities,
  NotificationActivities,
  PaymentActivities,
  PayoutScreeningActivities,
  StoreActivities,
  WarehouseActivities,
} from '../activities';

/**
 * Every activity the workflows call, declared once, by the partner it talks to and how patiently
 * it is retried. Timeouts and retries are not part of what replay compares, so a profile may be
 * tuned without a patch; which profile a call uses is a decision about the partner, made here.
 */
export const RETRY_PROFILES = {
  /** PostgreSQL (read model, trail, scorecards): it must catch up eventually, so no attempt limit. */
  store: {
    startToCloseTimeout: '15 seconds',
    retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  },
  /** Reading many rows at once (an incident's matching cases): a longer time-out per page. */
  storeScan: {
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  },
  /** Carrier APIs: a few tries, then the playbook falls back (intercept refused, hand over…). */
  carrier: {
    startToCloseTimeout: '20 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6 },
  },
  /** WMS lookups (pick records, return orders): more tries than a carrier; the case waits on them. */
  warehouse: {
    startToCloseTimeout: '20 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
  },
  /**
   * WMS orders (reships, returns): a few tries per round; an outcome still unknown after them is
   * asked again under the same key in a later round (see `reship`), never ordered twice.
   */
  warehouseOrder: {
    startToCloseTimeout: '20 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
  },
  /**
   * Retried without limit: money (a payout looks itself up by key before paying, so a retry after
   * a crash finds the first one) and tracking during loss verification (no tracking is no evidence
   * either way, and we never pay on none).
   */
  untilDone: {
    startToCloseTimeout: '15 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes' },
  },
  /** Notifications: the outbox makes retries safe; after the last one the case records a failed notice. */
  notify: {
    startToCloseTimeout: '20 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
  },
} as const satisfies Record<string, ActivityOptions>;

// Each proxy is typed by its area's factory (activities/index.ts): a carrier proxy cannot call the store.
export const store = proxyActivities<StoreActivities>(RETRY_PROFILES.store);
export const storeScan = proxyActivities<StoreActivities>(RETRY_PROFILES.storeScan);
export const carriers = proxyActivities<CarrierActivities>(RETRY_PROFILES.carrier);
export const warehouse = proxyActivities<WarehouseActivities>(RETRY_PROFILES.warehouse);
export const warehouseOrders = proxyActivities<WarehouseActivities>(RETRY_PROFILES.warehouseOrder);
export const payments = proxyActivities<PaymentActivities>(RETRY_PROFILES.untilDone);
/** Payout screening asks the OMS and the store: no money moves, and the claim waits on the verdict, so until done. */
export const payoutScreening = proxyActivities<PayoutScreeningActivities>(RETRY_PROFILES.untilDone);
export const trackingUntilKnown = proxyActivities<CarrierActivities>(RETRY_PROFILES.untilDone);
export const notifications = proxyActivities<NotificationActivities>(RETRY_PROFILES.notify);

/**
 * What a failed activity call says, for the trail and the case view: the activity's own error
 * (an HTTP status, a provider's refusal), not Temporal's wrapper around it.
 */
export function failureDetail(error: unknown): string {
  return error instanceof ActivityFailure ? (error.cause?.message ?? error.message) : String(error);
}
