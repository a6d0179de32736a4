import { sql } from 'kysely';
import type { Db } from '../../store/database';
import { trackingFreshness } from '../../store/shipments';
import { offsetLabel, type ReportRange } from './range';

/**
 * `GET /v1/reports/tracking`: tracking in at a glance. `freshness` is now, per carrier, over the
 * stored tracking (seed 003: every parcel on its way updated at least once per window, 24 h by
 * default); `autoOpened` counts the cases tracking and the watchlist opened in the range, by
 * carrier, source and type, and how many still need an agent to complete them.
 */
export async function trackingReport(db: Db, range: ReportRange, freshnessWindowMs: number) {
  const [freshness, opened] = await Promise.all([
    trackingFreshness(db, freshnessWindowMs),
    db
      .selectFrom('cases')
      .select((eb) => [
        'carrier',
        'opened_from',
        'type',
        eb.fn.countAll<string>().as('cases'),
        sql<string>`count(*) FILTER (WHERE needs_completion AND status NOT IN ('CLOSED', 'CANCELLED'))`.as('incomplete'),
      ])
      .where('opened_from', 'is not', null)
      .where('opened_at', '>=', range.start)
      .where('opened_at', '<', range.end)
      .groupBy(['carrier', 'opened_from', 'type'])
      .orderBy('carrier')
      .execute(),
  ]);
  const autoOpened = opened.map((row) => ({
    carrier: row.carrier,
    source: row.opened_from,
    type: row.type,
    cases: Number(row.cases),
    incomplete: Number(row.incomplete),
  }));
  return {
    report: 'tracking',
    from: range.from,
    to: range.to,
    timeZone: offsetLabel(range.utcOffsetMinutes),
    freshnessWindowHours: freshnessWindowMs / 3_600_000,
    freshness,
    autoOpened,
    csvRows: freshness.map((row) => ({ ...row, autoOpened: autoOpened.filter((o) => o.carrier === row.carrier).reduce((sum, o) => sum + o.cases, 0) })),
  };
}
