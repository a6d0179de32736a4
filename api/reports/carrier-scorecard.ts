import type { Db } from '../../store/database';
import { carrierCaseAndClaimRows, laneCaseRows, laneDeliveryRows, weeklyOnTimeRows } from '../../store/scorecards';
import { epochDayOf } from '../../domain/business-calendar';
import type { ReportPolicy } from '../../config/report-policy';
import { offsetLabel, type ReportRange } from './range';

/**
 * The carrier scorecard: per carrier and per lane, how the carrier delivers (on time against the
 * promised date, transit time, first-attempt delivery) and what went wrong (cases, damage, claims
 * and their recovery), each beside its contract target from the policy's `reports` section, the
 * carriers ranked, and a lane flagged for a backup carrier when it missed its on-time target every
 * one of the last N local weeks.
 */

type Row = Record<string, unknown>;
type Targets = Pick<
  ReportPolicy,
  'onTimeDeliveryTarget' | 'firstAttemptDeliveryTarget' | 'transitP90TargetHours' | 'exceptionRateTarget' | 'damageRateTarget' | 'claimRecoveryTarget'
>;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
/** A ratio to 4 decimals, or null when there is nothing to divide. */
const rate = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);

/** A figure beside its target; `met` is null without a value. */
const atLeast = (value: number | null, target: number) => ({ value, target, met: value === null ? null : value >= target });
const atMost = (value: number | null, target: number) => ({ value, target, met: value === null ? null : value <= target });

function targetsOf(settings: ReportPolicy, carrier: string): Targets {
  return {
    onTimeDeliveryTarget: settings.onTimeDeliveryTarget,
    firstAttemptDeliveryTarget: settings.firstAttemptDeliveryTarget,
    transitP90TargetHours: settings.transitP90TargetHours,
    exceptionRateTarget: settings.exceptionRateTarget,
    damageRateTarget: settings.damageRateTarget,
    claimRecoveryTarget: settings.claimRecoveryTarget,
    ...settings.carrierTargets[carrier],
  };
}

/** The delivery figures of a lane row (or a carrier's all-lanes row). */
function delivery(row: Row | undefined, targets: Targets) {
  const promised = num(row?.promised);
  const delivered = num(row?.delivered);
  return {
    shipped: num(row?.shipped),
    delivered,
    deliveredWithPromise: promised,
    deliveredOnTime: num(row?.on_time),
    onTimeDeliveryRate: atLeast(rate(num(row?.on_time), promised), targets.onTimeDeliveryTarget),
    firstAttemptDeliveries: num(row?.first_attempt),
    firstAttemptDeliveryRate: atLeast(rate(num(row?.first_attempt), delivered), targets.firstAttemptDeliveryTarget),
    transitP50Ms: numOrNull(row?.p50),
    transitP90Ms: atMost(numOrNull(row?.p90), targets.transitP90TargetHours * HOUR_MS),
  };
}

/** The N local weeks (Monday to Sunday) ending with the week of `to`; the last one ends with the range. */
/** Cases and damaged parcels on what was shipped: the same figures for a carrier and for each of its lanes. */
function exceptions(row: Row | undefined, shipped: number, targets: Targets) {
  return {
    cases: num(row?.cases),
    exceptionRate: atMost(rate(num(row?.cases), shipped), targets.exceptionRateTarget),
    damaged: num(row?.damaged),
    damageRate: atMost(rate(num(row?.damaged), shipped), targets.damageRateTarget),
  };
}

function backupWeeks(range: ReportRange, weeks: number) {
  const toDay = epochDayOf(range.to) as number;
  // Epoch day 0 (1970-01-01) was a Thursday: Monday is 3 days after it in the week's count.
  const firstDay = toDay - ((toDay + 3) % 7) - 7 * (weeks - 1);
  const offsetMs = range.utcOffsetMinutes * 60_000;
  const iso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
  const list = Array.from({ length: weeks }, (_, k) => ({ from: iso(firstDay + 7 * k), to: iso(Math.min(firstDay + 7 * k + 6, toDay)) }));
  return { list, window: { start: new Date(firstDay * DAY_MS - offsetMs), end: range.end } };
}

export async function carrierScorecard(db: Db, range: ReportRange, settings: ReportPolicy) {
  const weeks = backupWeeks(range, settings.backupCarrierWeeks);
  const [lanes, cases, laneCases, weekly] = await Promise.all([
    laneDeliveryRows(db, range),
    carrierCaseAndClaimRows(db, range),
    laneCaseRows(db, range),
    weeklyOnTimeRows(db, weeks.window),
  ]);
  const carriers = [...new Set([...lanes, ...cases, ...laneCases, ...weekly].map((row) => String(row.carrier)))];
  const scored = carriers.map((carrier) => {
    const targets = targetsOf(settings, carrier);
    const mine = lanes.filter((row) => row.carrier === carrier);
    const all = mine.find((row) => num(row.level) !== 0);
    const laneSources = [...mine.filter((row) => num(row.level) === 0), ...weekly, ...laneCases].filter((row) => row.carrier === carrier);
    const laneNames = [...new Set(laneSources.map((row) => String(row.lane)))].sort();
    const laneRows = laneNames.map((lane) => {
      const missed = weeks.list.map((_, week) => {
        const row = weekly.find((w) => w.carrier === carrier && w.lane === lane && num(w.week) === week);
        const onTime = rate(num(row?.on_time), num(row?.promised));
        return onTime === null ? null : onTime < targets.onTimeDeliveryTarget;
      });
      const figures = delivery(
        mine.find((row) => num(row.level) === 0 && row.lane === lane),
        targets,
      );
      const laneCase = laneCases.find((row) => row.carrier === carrier && row.lane === lane);
      return {
        lane,
        ...figures,
        ...exceptions(laneCase, figures.shipped, targets),
        weeksMissed: missed,
        considerBackupCarrier: missed.every((week) => week === true),
      };
    });
    const c = cases.find((row) => row.carrier === carrier);
    const figures = delivery(all, targets);
    return {
      carrier,
      ...figures,
      ...exceptions(c, figures.shipped, targets),
      claims: {
        filed: num(c?.claims),
        paid: num(c?.paid),
        paidFen: num(c?.paid_fen),
        recoverableFen: num(c?.recoverable_fen),
        recoveredFen: num(c?.recovered_fen),
        recoveryRate: atLeast(rate(num(c?.recovered_fen), num(c?.recoverable_fen)), targets.claimRecoveryTarget),
      },
      lanesToReconsider: laneRows.filter((lane) => lane.considerBackupCarrier).map((lane) => lane.lane),
      lanes: laneRows,
    };
  });
  // Best first: on-time delivery rate, then first-attempt rate (carriers without either last), then name.
  const key = (value: number | null) => value ?? -1;
  scored.sort(
    (a, b) =>
      key(b.onTimeDeliveryRate.value) - key(a.onTimeDeliveryRate.value) ||
      key(b.firstAttemptDeliveryRate.value) - key(a.firstAttemptDeliveryRate.value) ||
      a.carrier.localeCompare(b.carrier),
  );
  const ranked = scored.map((row, index) => ({ rank: index + 1, ...row }));
  const csvRows = ranked.flatMap(({ lanes: laneRows, lanesToReconsider, ...row }) => [
    { ...row, lane: '*', lanesToReconsider: lanesToReconsider.join(' ') },
    ...laneRows.map(({ weeksMissed, ...lane }) => ({ rank: row.rank, carrier: row.carrier, ...lane, weeksMissed: weeksMissed.join(' ') })),
  ]);
  return {
    report: 'carrier-scorecard',
    from: range.from,
    to: range.to,
    timeZone: offsetLabel(range.utcOffsetMinutes),
    ranking: 'onTimeDeliveryRate, highest first; then firstAttemptDeliveryRate; carriers without delivered parcels last',
    backupCarrier: { weeks: settings.backupCarrierWeeks, weekRanges: weeks.list },
    carriers: ranked,
    csvRows,
  };
}
