import type { Db } from '../../store/database';
import { autoOpenedRows } from '../../store/reports';
import { trackingFreshness } from '../../store/shipments';
import { offsetLabel, type ReportRange } from './range';

/**
 * `GET /v1/reports/tracking`: tracking in at a glance. `freshness` is now, per carrier, over the
 * stored tracking (seed 003: every parcel on its way updated at least once per window, 24 h by
 * default); `autoOpened` counts the cases tracking and the watchlist opened in the range, by
 * carrier, source and type, and how many still need an agent to complete them.
 */
export async function trackingReport(db: Db, range: ReportRange, freshnessWindowMs: number) {
  const [freshness, opened] = await Promise.all([trackingFreshness(db, freshnessWindowMs), autoOpenedRows(db, range)]);
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
