import { DEFAULT_REPORT_POLICY } from '../../config/report-policy';
import { parseDashboardQuery } from '../../api/reports/dashboard';
import { HttpProblem } from '../../api/problem';

/** The dashboard's query string: the range as every report, its previous period, and the filters. */

const settings = { ...DEFAULT_REPORT_POLICY, lowScoreThreshold: 2 };

function refusal(query: Record<string, unknown>): string[] {
  try {
    parseDashboardQuery(query, settings);
  } catch (error) {
    expect(error).toBeInstanceOf(HttpProblem);
    return (((error as HttpProblem).extra.errors ?? []) as Array<{ path: string }>).map((e) => e.path);
  }
  throw new Error('accepted');
}

test('the previous period has as many days and ends the day before from, across month ends', () => {
  expect(parseDashboardQuery({ from: '2021-05-10', to: '2021-05-11' }, settings).previous).toMatchObject({ from: '2021-05-08', to: '2021-05-09' });
  const march = parseDashboardQuery({ from: '2026-03-01', to: '2026-03-31' }, settings);
  expect(march.previous).toMatchObject({ from: '2026-01-29', to: '2026-02-28' });
  expect(march.previous.days).toHaveLength(31);
  // Local midnight in Shanghai is 16:00 UTC the day before.
  expect(march.previous.start.toISOString()).toBe('2026-01-28T16:00:00.000Z');
  expect(march.previous.end.toISOString()).toBe(march.range.start.toISOString());
});

test('filters: carrier, region, type and team (a tier); empty ones do not narrow', () => {
  expect(
    parseDashboardQuery({ from: '2026-11-01', to: '2026-11-07', carrier: 'SF', region: '广东-深圳', type: 'LOST', team: 'tier2' }, settings).filter,
  ).toEqual({
    carrier: 'SF',
    region: '广东-深圳',
    type: 'LOST',
    team: 'tier2',
    tier: 2,
  });
  expect(parseDashboardQuery({ from: '2026-11-01', to: '2026-11-07', carrier: '', team: '' }, settings).filter).toEqual({});
});

test('an unknown carrier, type or team, a strange region, or a bad range is refused naming each field', () => {
  expect(refusal({ from: '2026-11-01', to: '2026-11-07', carrier: 'UPS', type: 'STOLEN', team: 'night', region: '<script>' })).toEqual([
    '$.carrier',
    '$.region',
    '$.type',
    '$.team',
  ]);
  expect(refusal({ from: '2026-11-01', to: '2026-11-07', region: 'x'.repeat(65) })).toEqual(['$.region']);
  expect(refusal({ from: '2026-11-08', to: '2026-11-07' })).toEqual(['$.to']);
});
