import type { ExceptionType } from './types';

/**
 * The watchlist (catch exceptions before the customer does): rules over the stored tracking of
 * every parcel on its way, per carrier and lane, from the policy file's `watchlist` section. Pure:
 * the scheduled watchlist workflow calls it with "now" and pages of stored shipments.
 */

type WatchRule = 'noFirstScan' | 'noScanInTransit' | 'promisedDatePassed' | 'outForDeliveryNotSigned' | 'waitingAtPickupPoint';

/** Thresholds of one carrier and lane; an absent rule is off, and null switches off what a broader set turned on. */
export interface WatchlistRules {
  /** 揽收超时: no first scan this long after shipping. */
  noFirstScanMs?: number | null;
  /** 超時未更新: no scan this long while in transit. */
  noScanInTransitMs?: number | null;
  /** The promised delivery time passed by this much without delivery (0: at once). */
  promisedDateGraceMs?: number | null;
  /** Out for delivery but not signed by this local time of the same day (minutes after midnight). */
  outForDeliveryCutoffMinutes?: number | null;
  /** Waiting in a locker or station (快遞櫃/驛站) this long without being collected. */
  waitingAtPickupPointMs?: number | null;
}

interface WatchlistOverride {
  carrier?: string;
  lane?: string;
  rules: WatchlistRules;
}

export interface WatchlistPolicy {
  /** How often the Temporal Schedule runs the watchlist. */
  intervalMs: number;
  /** Shipments read per page (one activity each). */
  pageSize: number;
  /** Seed 003: tracking refreshed at least once per this window (24 h). */
  freshnessWindowMs: number;
  /** How far back the OMS's shipped orders are read into stored tracking on every run. */
  syncLookbackMs: number;
  /** The business time zone, for "end of day". */
  utcOffsetMinutes: number;
  defaults: WatchlistRules;
  /** Most specific wins: carrier + lane, then carrier, then lane, then the defaults. */
  overrides: WatchlistOverride[];
}

/** A waybill's stored tracking as the rules read it (ISO instants). */
export interface StoredShipment {
  waybillNo: string;
  carrier: string;
  lane?: string;
  orderId?: string;
  shippedAt?: string;
  promisedAt?: string;
  firstScanAt?: string;
  lastEventAt?: string;
  lastStatus?: string;
  outForDeliveryAt?: string;
  pickupReadyAt?: string;
  /** The rule that already opened (or found) a case for this waybill. */
  watchRule?: string;
}

export interface WatchFinding {
  waybillNo: string;
  carrier: string;
  rule: WatchRule;
  type: ExceptionType;
  /** What the agent reads on the case. */
  reason: string;
}

/** The case each rule opens. A parcel nobody collects needs the customer (failed-delivery playbook). */
const WATCH_RULE_TYPES: Readonly<Record<WatchRule, ExceptionType>> = {
  noFirstScan: 'DELAYED',
  noScanInTransit: 'DELAYED',
  promisedDatePassed: 'DELAYED',
  outForDeliveryNotSigned: 'DELAYED',
  waitingAtPickupPoint: 'REFUSED',
};

/** The rules of one carrier and lane: defaults, overlaid by lane, carrier, then carrier + lane overrides. */
export function rulesFor(policy: WatchlistPolicy, carrier: string, lane: string | undefined): WatchlistRules {
  const rank = (o: WatchlistOverride): number => (o.carrier !== undefined ? 2 : 0) + (o.lane !== undefined ? 1 : 0);
  const matching = policy.overrides
    .filter((o) => (o.carrier === undefined || o.carrier === carrier) && (o.lane === undefined || o.lane === lane))
    .sort((a, b) => rank(a) - rank(b));
  return matching.reduce<WatchlistRules>((rules, o) => ({ ...rules, ...o.rules }), { ...policy.defaults });
}

const hours = (ms: number): string => `${Math.round((ms / 3_600_000) * 10) / 10} h`;
const IN_TRANSIT = ['InfoReceived', 'InTransit'];

/** The end-of-day cutoff (local `cutoffMinutes`) of the local day that contains `at`, as epoch ms. */
function cutoffOfDay(atMs: number, cutoffMinutes: number, utcOffsetMinutes: number): number {
  const offsetMs = utcOffsetMinutes * 60_000;
  const localMidnight = Math.floor((atMs + offsetMs) / 86_400_000) * 86_400_000 - offsetMs;
  return localMidnight + cutoffMinutes * 60_000;
}

/** The first rule a parcel breaks now, or undefined. A rule that already opened its case is not repeated. */
export function evaluateShipment(shipment: StoredShipment, given: WatchlistRules, utcOffsetMinutes: number, nowMs: number): WatchFinding | undefined {
  // null (switched off by an override) reads as absent from here on.
  const rules = {
    noFirstScanMs: given.noFirstScanMs ?? undefined,
    noScanInTransitMs: given.noScanInTransitMs ?? undefined,
    promisedDateGraceMs: given.promisedDateGraceMs ?? undefined,
    outForDeliveryCutoffMinutes: given.outForDeliveryCutoffMinutes ?? undefined,
    waitingAtPickupPointMs: given.waitingAtPickupPointMs ?? undefined,
  };
  const ms = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : Date.parse(iso));
  const shipped = ms(shipment.shippedAt);
  const lastEvent = ms(shipment.lastEventAt);
  const checks: [WatchRule, () => string | undefined][] = [
    [
      'noFirstScan',
      () =>
        rules.noFirstScanMs !== undefined && shipped !== undefined && shipment.firstScanAt === undefined && nowMs - shipped > rules.noFirstScanMs
          ? `揽收超时: no first scan ${hours(nowMs - shipped)} after shipping (rule: ${hours(rules.noFirstScanMs)})`
          : undefined,
    ],
    [
      'noScanInTransit',
      () =>
        rules.noScanInTransitMs !== undefined &&
        lastEvent !== undefined &&
        IN_TRANSIT.includes(shipment.lastStatus ?? '') &&
        nowMs - lastEvent > rules.noScanInTransitMs
          ? `超時未更新: no scan for ${hours(nowMs - lastEvent)} in transit (rule: ${hours(rules.noScanInTransitMs)})`
          : undefined,
    ],
    [
      'promisedDatePassed',
      () => {
        const promised = ms(shipment.promisedAt);
        return rules.promisedDateGraceMs !== undefined && promised !== undefined && nowMs > promised + rules.promisedDateGraceMs
          ? `promised delivery ${shipment.promisedAt ?? ''} passed without delivery`
          : undefined;
      },
    ],
    [
      'outForDeliveryNotSigned',
      () => {
        const out = ms(shipment.outForDeliveryAt);
        return rules.outForDeliveryCutoffMinutes !== undefined &&
          out !== undefined &&
          shipment.lastStatus === 'OutForDelivery' &&
          nowMs > cutoffOfDay(out, rules.outForDeliveryCutoffMinutes, utcOffsetMinutes)
          ? `out for delivery since ${shipment.outForDeliveryAt ?? ''} and not signed by the end of that day`
          : undefined;
      },
    ],
    [
      'waitingAtPickupPoint',
      () => {
        const ready = ms(shipment.pickupReadyAt);
        return rules.waitingAtPickupPointMs !== undefined &&
          ready !== undefined &&
          shipment.lastStatus === 'AvailableForPickup' &&
          nowMs - ready > rules.waitingAtPickupPointMs
          ? `waiting in a locker or station for ${hours(nowMs - ready)} (rule: ${hours(rules.waitingAtPickupPointMs)})`
          : undefined;
      },
    ],
  ];
  for (const [rule, check] of checks) {
    if (shipment.watchRule === rule) continue;
    const reason = check();
    if (reason !== undefined)
      return { waybillNo: shipment.waybillNo, carrier: shipment.carrier, rule, type: WATCH_RULE_TYPES[rule], reason: `Watchlist: ${reason}` };
  }
  return undefined;
}
