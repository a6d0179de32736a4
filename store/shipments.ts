import { sql } from 'kysely';
import type { Db } from './database';
import type { TrackingEvent } from '../domain/tracking';
import type { StoredShipment } from '../domain/watchlist';

/**
 * The stored tracking of every waybill (`shipments`): updated on every accepted tracking event,
 * and from the OMS order (shipped time, promised date, lane). Out-of-order events never move the
 * latest status back: the newest `occurredAt` decides it.
 */

/** Statuses that count as the first scan (揽收): the carrier has the parcel in hand or on its way. */
const SCANNED = ['InfoReceived', 'InTransit', 'OutForDelivery', 'AttemptFail', 'AvailableForPickup', 'Delivered', 'Exception'];

/** Folds one accepted event into its waybill's row (inside the caller's transaction). */
export async function recordShipmentEvent(db: Db, event: TrackingEvent): Promise<void> {
  const at = new Date(event.occurredAt);
  const scanned = SCANNED.includes(event.status) ? at : null;
  await db
    .insertInto('shipments')
    .values({
      waybill_no: event.waybillNo,
      carrier: event.carrier,
      first_scan_at: scanned,
      last_event_at: at,
      last_status: event.status,
      last_sub_status: event.subStatus ?? null,
      out_for_delivery_at: event.status === 'OutForDelivery' ? at : null,
      pickup_ready_at: event.status === 'AvailableForPickup' ? at : null,
      delivered_at: event.status === 'Delivered' ? at : null,
      event_count: 1,
      last_received_at: new Date(),
    })
    .onConflict((oc) =>
      oc.column('waybill_no').doUpdateSet({
        carrier: sql<string>`CASE WHEN shipments.carrier = 'OTHER' THEN excluded.carrier ELSE shipments.carrier END`,
        // LEAST / GREATEST skip nulls in PostgreSQL.
        first_scan_at: sql<Date>`LEAST(shipments.first_scan_at, excluded.first_scan_at)`,
        last_event_at: sql<Date>`GREATEST(shipments.last_event_at, excluded.last_event_at)`,
        last_status: sql<string>`CASE WHEN shipments.last_event_at IS NULL OR excluded.last_event_at >= shipments.last_event_at THEN excluded.last_status ELSE shipments.last_status END`,
        last_sub_status: sql<string>`CASE WHEN shipments.last_event_at IS NULL OR excluded.last_event_at >= shipments.last_event_at THEN excluded.last_sub_status ELSE shipments.last_sub_status END`,
        out_for_delivery_at: sql<Date>`GREATEST(shipments.out_for_delivery_at, excluded.out_for_delivery_at)`,
        pickup_ready_at: sql<Date>`GREATEST(shipments.pickup_ready_at, excluded.pickup_ready_at)`,
        delivered_at: sql<Date>`COALESCE(shipments.delivered_at, excluded.delivered_at)`,
        event_count: sql<number>`shipments.event_count + 1`,
        last_received_at: sql<Date>`excluded.last_received_at`,
        updated_at: new Date(),
      }),
    )
    .execute();
}

export interface ShipmentFromOrder {
  waybillNo: string;
  carrier: string;
  orderId: string;
  lane?: string;
  shippedAt?: string;
  promisedAt?: string;
}

/** What the OMS says of a shipment: known before its first scan, so 揽收超时 can be seen. */
export async function recordShipmentFromOrder(db: Db, shipment: ShipmentFromOrder): Promise<void> {
  await db
    .insertInto('shipments')
    .values({
      waybill_no: shipment.waybillNo,
      carrier: shipment.carrier,
      order_id: shipment.orderId,
      lane: shipment.lane ?? null,
      shipped_at: shipment.shippedAt ?? null,
      promised_at: shipment.promisedAt ?? null,
    })
    .onConflict((oc) =>
      oc.column('waybill_no').doUpdateSet({
        order_id: sql<string>`excluded.order_id`,
        lane: sql<string>`COALESCE(excluded.lane, shipments.lane)`,
        shipped_at: sql<Date>`COALESCE(excluded.shipped_at, shipments.shipped_at)`,
        promised_at: sql<Date>`COALESCE(excluded.promised_at, shipments.promised_at)`,
        updated_at: new Date(),
      }),
    )
    .execute();
}

const iso = (value: Date | string | null): string | undefined => (value === null ? undefined : new Date(value).toISOString());

/** One page of parcels still on their way, by waybill after `after` (keyset pagination). */
export async function shipmentsOnTheWay(db: Db, after: string, limit: number): Promise<StoredShipment[]> {
  const rows = await db
    .selectFrom('shipments')
    .selectAll()
    .where('delivered_at', 'is', null)
    .where('waybill_no', '>', after)
    .orderBy('waybill_no')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    waybillNo: row.waybill_no,
    carrier: row.carrier,
    ...(row.lane !== null ? { lane: row.lane } : {}),
    ...(row.order_id !== null ? { orderId: row.order_id } : {}),
    ...(iso(row.shipped_at) !== undefined ? { shippedAt: iso(row.shipped_at) } : {}),
    ...(iso(row.promised_at) !== undefined ? { promisedAt: iso(row.promised_at) } : {}),
    ...(iso(row.first_scan_at) !== undefined ? { firstScanAt: iso(row.first_scan_at) } : {}),
    ...(iso(row.last_event_at) !== undefined ? { lastEventAt: iso(row.last_event_at) } : {}),
    ...(row.last_status !== null ? { lastStatus: row.last_status } : {}),
    ...(iso(row.out_for_delivery_at) !== undefined ? { outForDeliveryAt: iso(row.out_for_delivery_at) } : {}),
    ...(iso(row.pickup_ready_at) !== undefined ? { pickupReadyAt: iso(row.pickup_ready_at) } : {}),
    ...(row.watch_rule !== null ? { watchRule: row.watch_rule } : {}),
  }));
}

/** Remembers the rule that opened (or found) a case for the waybill, so the next run skips it. */
export async function flagShipment(db: Db, waybillNo: string, rule: string): Promise<void> {
  await db
    .updateTable('shipments')
    .set({ watch_rule: rule, watch_flagged_at: new Date(), updated_at: new Date() })
    .where('waybill_no', '=', waybillNo)
    .execute();
}

export interface CarrierFreshness {
  carrier: string;
  /** Parcels shipped (or scanned) and not yet delivered. */
  onTheWay: number;
  /** Of those, updated within the window (seed 003: at least once per 24 h). */
  fresh: number;
  /** fresh / onTheWay, 1 when nothing is on its way. */
  share: number;
  /** The longest silence among parcels on their way, in hours. */
  oldestSilenceHours: number;
}

/**
 * Tracking freshness per carrier: the share of parcels on their way whose latest event (or, before
 * any, the shipping time) is younger than the window.
 */
export async function trackingFreshness(db: Db, windowMs: number, now = new Date()): Promise<CarrierFreshness[]> {
  const since = new Date(now.getTime() - windowMs);
  const rows = await db
    .selectFrom('shipments')
    .select((eb) => [
      'carrier',
      eb.fn.countAll<string>().as('on_the_way'),
      sql<string>`count(*) FILTER (WHERE COALESCE(last_event_at, shipped_at) >= ${since})`.as('fresh'),
      sql<Date | null>`min(COALESCE(last_event_at, shipped_at))`.as('oldest'),
    ])
    .where('delivered_at', 'is', null)
    .where(sql<boolean>`COALESCE(last_event_at, shipped_at) IS NOT NULL`)
    .groupBy('carrier')
    .orderBy('carrier')
    .execute();
  return rows.map((row) => {
    const onTheWay = Number(row.on_the_way);
    const fresh = Number(row.fresh);
    const oldest = row.oldest === null ? now : new Date(row.oldest);
    return {
      carrier: row.carrier,
      onTheWay,
      fresh,
      share: onTheWay === 0 ? 1 : Math.round((fresh / onTheWay) * 1000) / 1000,
      oldestSilenceHours: Math.max(0, Math.round(((now.getTime() - oldest.getTime()) / 3_600_000) * 10) / 10),
    };
  });
}
