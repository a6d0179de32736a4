import type { Client } from '@temporalio/client';
import type { Db } from '../../store/database';
import type { CaseService } from '../case-service';
import { sweepTrackingEvents } from './inbound-delivery';
import { sweepSupplierReplies } from './supplier-intake';

/**
 * The API process's redelivery sweeper: every `intervalMs` it finishes what a crash or a failure
 * left undone — tracking events and supplier replies recorded but not delivered, events held for a
 * waybill whose case has opened since, and case opens whose workflow start never happened.
 * Everything it does is idempotent, so several API processes may sweep at once.
 */

export interface SweeperDeps {
  db: Db;
  temporal: Client;
  cases: CaseService;
  log?: (message: string, error?: unknown) => void;
}

export interface SweepTotals {
  trackingEvents: number;
  trackingDeliveries: number;
  supplierReplies: number;
  startsFinished: number;
  failures: number;
}

export async function sweepOnce(deps: SweeperDeps, { graceMs = 10_000 } = {}): Promise<SweepTotals> {
  const tracking = await sweepTrackingEvents(deps.db, deps.cases, { graceMs });
  const supplier = await sweepSupplierReplies(deps.db, deps.temporal, { graceMs });
  const starts = await deps.cases.finishInterruptedStarts({ olderThanMs: Math.max(graceMs, 60_000) });
  return {
    trackingEvents: tracking.events,
    trackingDeliveries: tracking.deliveries,
    supplierReplies: supplier.delivered,
    startsFinished: starts.finished,
    failures: tracking.failures + supplier.failures + starts.failures,
  };
}

/** Starts sweeping every `intervalMs` (0: never); the returned stop waits for a pass in flight. */
export function startRedeliverySweeper(deps: SweeperDeps, intervalMs: number, { graceMs = 10_000 } = {}): { stop(): Promise<void> } {
  if (intervalMs <= 0) return { stop: async () => undefined };
  const log = deps.log ?? ((message: string, error?: unknown) => console.error(message, error));
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(async () => {
      try {
        const totals = await sweepOnce(deps, { graceMs });
        if (totals.failures) log(`redelivery sweep: ${totals.failures} item(s) still pending`);
      } catch (error) {
        log('redelivery sweep failed', error);
      }
    });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
