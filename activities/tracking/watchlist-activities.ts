import type { Db } from '../../store/database';
import { TERMINAL_STATUSES } from '../../domain/types';
import { evaluateShipment, rulesFor, type WatchFinding, type WatchlistPolicy } from '../../domain/watchlist';
import { flagShipment, recordShipmentFromOrder, shipmentsOnTheWay, trackingFreshness, type CarrierFreshness } from '../../store/shipments';
import type { OmsClient } from '../oms/oms-client';

/**
 * The watchlist's side effects, one page per call: read the OMS's shipped orders into stored
 * tracking, evaluate the rules over a page of parcels on their way, remember what was flagged,
 * and measure freshness per carrier. The workflow (workflows/tracking/watchlist.ts) pages.
 */

export interface SyncPage {
  synced: number;
  nextCursor: string | null;
}

/** One page of orders shipped within the look-back, written to `shipments` (idempotent upserts). */
async function syncShippedOrders(db: Db, oms: OmsClient, input: { since: string; cursor?: string; limit: number }): Promise<SyncPage> {
  const page = await oms.listShippedOrders({ shippedSince: input.since, ...(input.cursor ? { cursor: input.cursor } : {}), limit: input.limit });
  for (const order of page.orders) {
    await recordShipmentFromOrder(db, {
      waybillNo: order.waybillNo,
      carrier: order.carrier.toUpperCase(),
      orderId: order.orderId,
      ...(order.lane !== undefined ? { lane: order.lane } : {}),
      ...(order.shippedAt !== undefined ? { shippedAt: order.shippedAt } : {}),
      ...(order.promisedDeliveryAt !== undefined ? { promisedAt: order.promisedDeliveryAt } : {}),
    });
  }
  return { synced: page.orders.length, nextCursor: page.nextCursor };
}

export interface WatchPage {
  findings: WatchFinding[];
  evaluated: number;
  /** The last waybill of the page: where the next page starts; null when this was the last. */
  next: string | null;
}

/**
 * Evaluates one page. A parcel that breaks a rule while a case is open for its waybill, or after
 * a case opened since its last event, is flagged and left alone (an agent has it, or had it and
 * closed it knowing this state).
 */
async function evaluateWatchPage(db: Db, input: { policy: WatchlistPolicy; after: string; asOf: string }): Promise<WatchPage> {
  const { policy } = input;
  const page = await shipmentsOnTheWay(db, input.after, policy.pageSize);
  const now = Date.parse(input.asOf);
  const findings: WatchFinding[] = [];
  for (const shipment of page) {
    const finding = evaluateShipment(shipment, rulesFor(policy, shipment.carrier, shipment.lane), policy.utcOffsetMinutes, now);
    if (finding === undefined) continue;
    // A case open now, or one opened since the parcel's last news (it saw this state, and was
    // closed by someone who knew): the parcel is someone's already.
    const lastNews = shipment.lastEventAt ?? shipment.shippedAt;
    const seen = await db
      .selectFrom('cases')
      .select('case_id')
      .where('waybill_no', '=', shipment.waybillNo)
      .where((eb) =>
        lastNews === undefined
          ? eb('status', 'not in', TERMINAL_STATUSES)
          : eb.or([eb('status', 'not in', TERMINAL_STATUSES), eb('opened_at', '>=', new Date(lastNews))]),
      )
      .executeTakeFirst();
    if (seen) await flagShipment(db, shipment.waybillNo, finding.rule);
    else findings.push(finding);
  }
  return { findings, evaluated: page.length, next: page.length === policy.pageSize ? (page.at(-1)?.waybillNo ?? null) : null };
}

export function createWatchlistActivities(deps: { db: Db; oms: OmsClient }) {
  return {
    /** One page of the OMS's shipped orders into stored tracking (how parcels are known before a scan). */
    async syncShippedOrders(input: { since: string; cursor?: string; limit: number }): Promise<SyncPage> {
      return syncShippedOrders(deps.db, deps.oms, input);
    },
    /** The watchlist rules over one page of parcels on their way. */
    async evaluateWatchPage(input: { policy: WatchlistPolicy; after: string; asOf: string }): Promise<WatchPage> {
      return evaluateWatchPage(deps.db, input);
    },
    /** Remembers that a rule opened (or found) the waybill's case, so the next run does not repeat it. */
    async flagWatchedShipment(input: { waybillNo: string; rule: string }): Promise<void> {
      return flagShipment(deps.db, input.waybillNo, input.rule);
    },
    /** Seed 003: share of parcels on their way updated within the window, per carrier. */
    async measureTrackingFreshness(input: { windowMs: number; asOf: string }): Promise<CarrierFreshness[]> {
      return trackingFreshness(deps.db, input.windowMs, new Date(input.asOf));
    },
  };
}
