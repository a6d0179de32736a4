import { healthTrend, type HealthScoreRow } from '../../api/reports/kpi-reports';

/**
 * The health report's trend (issue 18, item 6) is one pass over the rows, grouped by dimension and
 * key, instead of a scan of every row for each (dimension, key, day): the same figures as the
 * straightforward reference, at 100 regions × 365 days as on a small input.
 */

/** The trend as it was computed before: for each key and day, a search of every row. */
function referenceTrend(rows: HealthScoreRow[], days: string[]) {
  const keys = [...new Set(rows.map((row) => `${row.dimension}\u0000${row.key}`))];
  return keys.map((joined) => {
    const [dimension, key] = joined.split('\u0000') as [string, string];
    const series = days.map((date) => ({
      date,
      score: rows.find((row) => row.dimension === dimension && row.key === key && row.date === date)?.score ?? null,
    }));
    const known = series.filter((d) => d.score !== null) as Array<{ date: string; score: number }>;
    const first = known[0]?.score ?? null;
    const last = known[known.length - 1]?.score ?? null;
    return { dimension, key, first, last, change: first !== null && last !== null ? Math.round((last - first) * 10) / 10 : 0, days: series };
  });
}

function dayList(count: number): string[] {
  const start = Date.UTC(2026, 0, 1);
  return Array.from({ length: count }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
}

/** Deterministic pseudo-random scores, some days missing, some null. */
function rowsFor(regions: number, carriers: string[], days: string[]): HealthScoreRow[] {
  let seed = 42;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const rows: HealthScoreRow[] = [];
  const keys = [
    ...carriers.map((key) => ['carrier', key] as const),
    ...Array.from({ length: regions }, (_, i) => ['region', `R-${String(i).padStart(3, '0')}`] as const),
  ];
  for (const [dimension, key] of keys) {
    for (const date of days) {
      const roll = next();
      if (roll < 0.2) continue; // no case that day
      rows.push({ dimension, key, date, score: roll < 0.3 ? null : Math.round(next() * 1000) / 10 });
    }
  }
  return rows.sort((a, b) => a.dimension.localeCompare(b.dimension) || a.key.localeCompare(b.key) || a.date.localeCompare(b.date));
}

test('on a small input the trend equals the reference, keys in the rows’ order', () => {
  const days = dayList(7);
  const rows = rowsFor(3, ['SF', 'JD'], days);
  expect(healthTrend(rows, days)).toEqual(referenceTrend(rows, days));
  expect(healthTrend([], days)).toEqual([]);
});

test('100 regions × 365 days: the same figures as the reference', () => {
  const days = dayList(365);
  const rows = rowsFor(100, ['SF', 'JD', 'ZTO', 'YTO'], days);
  expect(rows.length).toBeGreaterThan(100 * 365 * 0.7);
  const trend = healthTrend(rows, days);
  expect(trend).toHaveLength(104);
  // The reference is the slow algorithm: compare it on a sample of keys rather than all of them.
  const sampleKeys = new Set(['carrier\u0000SF', 'region\u0000R-000', 'region\u0000R-057', 'region\u0000R-099']);
  const sample = rows.filter((row) => sampleKeys.has(`${row.dimension}\u0000${row.key}`));
  expect(trend.filter((t) => sampleKeys.has(`${t.dimension}\u0000${t.key}`))).toEqual(referenceTrend(sample, days));
});
