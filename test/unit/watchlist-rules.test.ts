import { loadWatchlistPolicy } from '../../config/watchlist-policy';
import { DEFAULT_SLA_POLICY_FILE } from '../../config/sla-policy';
import { evaluateShipment, rulesFor, type StoredShipment, type WatchlistPolicy, type WatchlistRules } from '../../domain/watchlist';

/** The watchlist rules, one row per rule and per side of its threshold. */

const H = 3_600_000;
const NOW = Date.parse('2026-11-25T06:00:00Z'); // 14:00 in Shanghai
const ago = (hours: number) => new Date(NOW - hours * H).toISOString();
const RULES: WatchlistRules = {
  noFirstScanMs: 24 * H,
  noScanInTransitMs: 48 * H,
  promisedDateGraceMs: 0,
  outForDeliveryCutoffMinutes: 21 * 60,
  waitingAtPickupPointMs: 72 * H,
};
const base: StoredShipment = { waybillNo: 'SF0000001', carrier: 'SF' };

const ROWS: [string, StoredShipment, string | undefined, string | undefined][] = [
  ['shipped 25 h ago, never scanned', { ...base, shippedAt: ago(25) }, 'noFirstScan', 'DELAYED'],
  ['shipped 23 h ago, never scanned', { ...base, shippedAt: ago(23) }, undefined, undefined],
  ['shipped 25 h ago, scanned', { ...base, shippedAt: ago(25), firstScanAt: ago(20), lastEventAt: ago(20), lastStatus: 'InTransit' }, undefined, undefined],
  ['in transit, last scan 49 h ago', { ...base, firstScanAt: ago(60), lastEventAt: ago(49), lastStatus: 'InTransit' }, 'noScanInTransit', 'DELAYED'],
  ['in transit, last scan 47 h ago', { ...base, firstScanAt: ago(60), lastEventAt: ago(47), lastStatus: 'InTransit' }, undefined, undefined],
  [
    'promised an hour ago, not delivered',
    { ...base, promisedAt: ago(1), firstScanAt: ago(10), lastEventAt: ago(2), lastStatus: 'InTransit' },
    'promisedDatePassed',
    'DELAYED',
  ],
  ['promised in an hour', { ...base, promisedAt: ago(-1), firstScanAt: ago(10), lastEventAt: ago(2), lastStatus: 'InTransit' }, undefined, undefined],
  [
    'out for delivery yesterday, not signed',
    { ...base, firstScanAt: ago(40), lastEventAt: ago(20), lastStatus: 'OutForDelivery', outForDeliveryAt: ago(20) },
    'outForDeliveryNotSigned',
    'DELAYED',
  ],
  [
    'out for delivery this morning',
    { ...base, firstScanAt: ago(40), lastEventAt: ago(4), lastStatus: 'OutForDelivery', outForDeliveryAt: ago(4) },
    undefined,
    undefined,
  ],
  [
    'in a locker for 73 h',
    { ...base, firstScanAt: ago(100), lastEventAt: ago(73), lastStatus: 'AvailableForPickup', pickupReadyAt: ago(73) },
    'waitingAtPickupPoint',
    'REFUSED',
  ],
  [
    'in a locker for 10 h',
    { ...base, firstScanAt: ago(100), lastEventAt: ago(10), lastStatus: 'AvailableForPickup', pickupReadyAt: ago(10) },
    undefined,
    undefined,
  ],
  ['already flagged for the same rule', { ...base, shippedAt: ago(25), watchRule: 'noFirstScan' }, undefined, undefined],
];

describe('watchlist rules', () => {
  it.each(ROWS)('%s → %s', (_what, shipment, rule, type) => {
    const finding = evaluateShipment(shipment, RULES, 8 * 60, NOW);
    expect([finding?.rule, finding?.type]).toEqual([rule, type]);
    if (finding) expect(finding.reason).toMatch(/^Watchlist: /);
  });

  it('an absent rule is off', () => {
    expect(evaluateShipment({ ...base, shippedAt: ago(100) }, {}, 480, NOW)).toBeUndefined();
  });

  it('the most specific override wins: carrier + lane, then carrier, then lane, then the defaults', () => {
    const policy: WatchlistPolicy = {
      intervalMs: H,
      pageSize: 10,
      freshnessWindowMs: 24 * H,
      syncLookbackMs: 7 * 24 * H,
      utcOffsetMinutes: 480,
      defaults: { noFirstScanMs: 24 * H, noScanInTransitMs: 48 * H },
      overrides: [
        { carrier: 'SF', lane: 'same-city', rules: { noFirstScanMs: 4 * H } },
        { lane: 'same-city', rules: { noFirstScanMs: 8 * H, noScanInTransitMs: 6 * H } },
        { carrier: 'SF', rules: { noFirstScanMs: 12 * H } },
      ],
    };
    expect(rulesFor(policy, 'SF', 'same-city')).toEqual({ noFirstScanMs: 4 * H, noScanInTransitMs: 6 * H });
    expect(rulesFor(policy, 'SF', 'SZ-BJ')).toEqual({ noFirstScanMs: 12 * H, noScanInTransitMs: 48 * H });
    expect(rulesFor(policy, 'JD', 'same-city')).toEqual({ noFirstScanMs: 8 * H, noScanInTransitMs: 6 * H });
    expect(rulesFor(policy, 'JD', undefined)).toEqual(policy.defaults);
  });

  it('the shipped policy file’s watchlist: defaults, a faster Huolala with the locker rule switched off, scaled by SLA_TIME_SCALE', () => {
    const policy = loadWatchlistPolicy(DEFAULT_SLA_POLICY_FILE, 1);
    expect(policy).toMatchObject({ intervalMs: 15 * 60_000, freshnessWindowMs: 24 * H, utcOffsetMinutes: 480 });
    expect(policy.defaults).toEqual({
      noFirstScanMs: 24 * H,
      noScanInTransitMs: 48 * H,
      promisedDateGraceMs: 0,
      outForDeliveryCutoffMinutes: 21 * 60,
      waitingAtPickupPointMs: 72 * H,
    });
    expect(rulesFor(policy, 'HUOLALA', undefined)).toMatchObject({ noFirstScanMs: 2 * H, noScanInTransitMs: 4 * H });
    expect(rulesFor(policy, 'HUOLALA', undefined).waitingAtPickupPointMs).toBeNull();
    expect(
      evaluateShipment(
        { ...base, carrier: 'HUOLALA', firstScanAt: ago(100), lastEventAt: ago(80), lastStatus: 'AvailableForPickup', pickupReadyAt: ago(80) },
        rulesFor(policy, 'HUOLALA', undefined),
        480,
        NOW,
      ),
    ).toBeUndefined();
    expect(loadWatchlistPolicy(DEFAULT_SLA_POLICY_FILE, 0.001).defaults.noFirstScanMs).toBe(24 * H * 0.001);
  });
});
