import { sql, type RawBuilder } from 'kysely';
import type { Db } from './database';
import type { ReportWindow } from './reports';

/**
 * The SQL of the carrier and supplier scorecards. Parcels come from `shipments` (one row per
 * waybill: carrier, lane, shipped, promised and delivered times); a failed delivery attempt is a
 * recorded tracking event (`inbound_events`) of status `AttemptFail`, or `Exception` with the sub
 * status `delivery_failed`, for the same waybill and carrier. Cases and claims belong to a range by
 * the local date their case was opened on; supplier follow-ups by the date they started.
 */

type Row = Record<string, unknown>;

const inRange = (range: Pick<ReportWindow, 'start' | 'end'>, column: RawBuilder<unknown>): RawBuilder<unknown> =>
  sql`(${column} >= ${range.start} AND ${column} < ${range.end})`;
const LANE = sql`COALESCE(s.lane, '(none)')`;
const EVENT_AT = sql`(CASE WHEN e.payload->>'occurredAt' ~ '^\\d{4}-\\d{2}-\\d{2}T' THEN (e.payload->>'occurredAt')::timestamptz ELSE e.received_at END)`;
/** A failed delivery attempt of the parcel `s` recorded before it was delivered. */
const FAILED_BEFORE = sql`EXISTS (
  SELECT 1 FROM inbound_events e
  WHERE e.waybill_no = s.waybill_no AND e.payload->>'carrier' = s.carrier
    AND (e.status = 'AttemptFail' OR (e.status = 'Exception' AND e.payload->>'subStatus' = 'delivery_failed'))
    AND ${EVENT_AT} < s.delivered_at)`;

/**
 * Per (carrier, lane) and per carrier (`level` 1): parcels shipped in the range; parcels delivered
 * in the range, those with a promised date, those delivered by it, those delivered with no failed
 * attempt before; the p50/p90 transit time (shipped → delivered, ms) of parcels delivered in the range.
 */
export async function laneDeliveryRows(db: Db, range: ReportWindow): Promise<Row[]> {
  const result = await sql<Row>`
    WITH p AS (
      SELECT s.carrier, ${LANE} AS lane, ${inRange(range, sql`s.shipped_at`)} AS shipped_in,
             COALESCE(${inRange(range, sql`s.delivered_at`)}, false) AS delivered_in,
             s.promised_at IS NOT NULL AS promised, s.delivered_at <= s.promised_at AS on_time,
             extract(epoch FROM s.delivered_at - s.shipped_at) * 1000 AS transit_ms,
             ${FAILED_BEFORE} AS failed_before
      FROM shipments s
      WHERE ${inRange(range, sql`s.shipped_at`)} OR ${inRange(range, sql`s.delivered_at`)}
    )
    SELECT carrier, lane, GROUPING(lane) AS level,
           (count(*) FILTER (WHERE shipped_in))::int AS shipped,
           (count(*) FILTER (WHERE delivered_in))::int AS delivered,
           (count(*) FILTER (WHERE delivered_in AND promised))::int AS promised,
           (count(*) FILTER (WHERE delivered_in AND on_time))::int AS on_time,
           (count(*) FILTER (WHERE delivered_in AND NOT failed_before))::int AS first_attempt,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY transit_ms) FILTER (WHERE delivered_in AND transit_ms IS NOT NULL)::float8 AS p50,
           percentile_disc(0.9) WITHIN GROUP (ORDER BY transit_ms) FILTER (WHERE delivered_in AND transit_ms IS NOT NULL)::float8 AS p90
    FROM p
    GROUP BY GROUPING SETS ((carrier, lane), (carrier))
    ORDER BY carrier, lane`.execute(db);
  return result.rows;
}

/**
 * Per (carrier, lane) and week (0 = the week starting at `start`, 7 days each): parcels delivered
 * in [start, end) with a promised date, and those delivered by it.
 */
export async function weeklyOnTimeRows(db: Db, weeks: Pick<ReportWindow, 'start' | 'end'>): Promise<Row[]> {
  const result = await sql<Row>`
    SELECT s.carrier, ${LANE} AS lane,
           floor(extract(epoch FROM s.delivered_at - ${weeks.start}::timestamptz) / 604800)::int AS week,
           (count(*) FILTER (WHERE s.promised_at IS NOT NULL))::int AS promised,
           (count(*) FILTER (WHERE s.delivered_at <= s.promised_at))::int AS on_time
    FROM shipments s
    WHERE ${inRange(weeks, sql`s.delivered_at`)}
    GROUP BY 1, 2, 3`.execute(db);
  return result.rows;
}

/**
 * Per carrier, over the cases opened in the range: cases, DAMAGED cases, and their claims — filed
 * (any status), paid (PAID) and the fen paid, and what is owed back by the carrier (recoverable)
 * and was recovered.
 */
export async function carrierCaseAndClaimRows(db: Db, range: ReportWindow): Promise<Row[]> {
  const result = await sql<Row>`
    WITH c AS (SELECT c.case_id, c.carrier, c.type FROM cases c WHERE ${inRange(range, sql`c.opened_at`)}),
    k AS (
      SELECT carrier, count(*)::int AS cases, (count(*) FILTER (WHERE type = 'DAMAGED'))::int AS damaged FROM c GROUP BY carrier
    ),
    cl AS (
      SELECT c.carrier, count(*)::int AS claims,
             (count(*) FILTER (WHERE cl.status = 'PAID'))::int AS paid,
             COALESCE(sum(cl.amount_fen) FILTER (WHERE cl.status = 'PAID'), 0)::float8 AS paid_fen,
             COALESCE(sum(cl.recoverable_fen) FILTER (WHERE cl.recovery_from = 'carrier'), 0)::float8 AS recoverable_fen,
             COALESCE(sum(cl.recovered_fen) FILTER (WHERE cl.recovery_from = 'carrier'), 0)::float8 AS recovered_fen
      FROM claims cl JOIN c ON c.case_id = cl.case_id
      GROUP BY c.carrier
    )
    SELECT COALESCE(k.carrier, cl.carrier) AS carrier, COALESCE(k.cases, 0) AS cases, COALESCE(k.damaged, 0) AS damaged,
           COALESCE(cl.claims, 0) AS claims, COALESCE(cl.paid, 0) AS paid, COALESCE(cl.paid_fen, 0) AS paid_fen,
           COALESCE(cl.recoverable_fen, 0) AS recoverable_fen, COALESCE(cl.recovered_fen, 0) AS recovered_fen
    FROM k FULL JOIN cl ON cl.carrier = k.carrier`.execute(db);
  return result.rows;
}

/** Per (carrier, lane), the cases opened in the range on a parcel of that lane (`shipments`): all, and DAMAGED. */
export async function laneCaseRows(db: Db, range: ReportWindow): Promise<Row[]> {
  const result = await sql<Row>`
    SELECT c.carrier, ${LANE} AS lane, count(*)::int AS cases, (count(*) FILTER (WHERE c.type = 'DAMAGED'))::int AS damaged
    FROM cases c JOIN shipments s ON s.waybill_no = c.waybill_no AND s.carrier = c.carrier
    WHERE ${inRange(range, sql`c.opened_at`)}
    GROUP BY 1, 2`.execute(db);
  return result.rows;
}

/** Per supplier, the cases opened in the range that name it: all, and WRONG_ITEM, MISSING_ITEM, DAMAGED. */
export async function supplierCaseRows(db: Db, range: ReportWindow): Promise<Row[]> {
  const result = await sql<Row>`
    SELECT c.supplier_id, count(*)::int AS cases,
           (count(*) FILTER (WHERE c.type = 'WRONG_ITEM'))::int AS wrong_item,
           (count(*) FILTER (WHERE c.type = 'MISSING_ITEM'))::int AS missing_item,
           (count(*) FILTER (WHERE c.type = 'DAMAGED'))::int AS damaged
    FROM cases c
    WHERE c.supplier_id IS NOT NULL AND ${inRange(range, sql`c.opened_at`)}
    GROUP BY c.supplier_id`.execute(db);
  return result.rows;
}
