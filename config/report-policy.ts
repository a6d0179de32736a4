import type { CarrierTargetOverrides, SlaPolicy } from '../domain/sla-policy';

/**
 * Settings of the KPI reports (/v1/reports/*). A policy file may carry a `reports` section (any
 * subset of these fields, validated with the rest of the file in config/sla-policy.ts) that
 * overrides the defaults below; without one the defaults apply.
 */
export interface ReportPolicy {
  /** The business time zone as a fixed offset from UTC in minutes (China: +480, no DST). */
  utcOffsetMinutes: number;
  /** A case is a repeat contact when the same customer opened a case on the same order this many days before. */
  repeatContactDays: number;
  /** Satisfaction scores at or above this count as satisfied (CSAT = share of 4–5). */
  satisfiedFrom: number;
  /** Health score: weights of the components (renormalised over the components that have data). */
  healthWeights: {
    exceptionRate: number;
    onTimeHandling: number;
    complaints: number;
    csat: number;
    claimRate: number;
  };
  /** An exception rate at or above this scores 0 in the health score (linear from 0 → 1). */
  exceptionRateCeiling: number;
  /** Damage-rate target per carrier, as a fraction of shipments (seed 003: ≤ 1‰). */
  damageRateTarget: number;
  /** Longest date range a report accepts, in days. */
  maxRangeDays: number;
  /** Carrier scorecard: share of delivered parcels (with a promised date) delivered by it. */
  onTimeDeliveryTarget: number;
  /** Carrier scorecard: share of delivered parcels delivered with no failed attempt before (妥投率). */
  firstAttemptDeliveryTarget: number;
  /** Carrier scorecard: the p90 transit time (shipped → delivered) of a lane, in hours, at most. */
  transitP90TargetHours: number;
  /** Carrier scorecard: cases per shipment, at most. */
  exceptionRateTarget: number;
  /** Carrier scorecard: recovered / recoverable fen of the carrier's claims, at least. */
  claimRecoveryTarget: number;
  /** A lane that missed its on-time target this many Asia/Shanghai weeks in a row: consider a backup carrier. */
  backupCarrierWeeks: number;
  /** Per-carrier contract targets over the ones above. */
  carrierTargets: Partial<Record<string, CarrierTargetOverrides>>;
}

export const DEFAULT_REPORT_POLICY: ReportPolicy = {
  utcOffsetMinutes: 480,
  repeatContactDays: 7,
  satisfiedFrom: 4,
  healthWeights: { exceptionRate: 0.25, onTimeHandling: 0.25, complaints: 0.15, csat: 0.2, claimRate: 0.15 },
  exceptionRateCeiling: 0.05,
  damageRateTarget: 0.001,
  maxRangeDays: 366,
  onTimeDeliveryTarget: 0.95,
  firstAttemptDeliveryTarget: 0.9,
  transitP90TargetHours: 72,
  exceptionRateTarget: 0.02,
  claimRecoveryTarget: 0.8,
  backupCarrierWeeks: 3,
  carrierTargets: {},
};

/**
 * The report settings for a policy: its `reports` section over the defaults; the time zone is the
 * business calendar's when the policy has one and `reports` does not name its own.
 */
export function reportPolicyOf(policy: SlaPolicy): ReportPolicy {
  const own = policy.reports ?? {};
  const calendarOffset = policy.businessHours?.calendar.utcOffsetMinutes;
  return {
    ...DEFAULT_REPORT_POLICY,
    ...(calendarOffset !== undefined ? { utcOffsetMinutes: calendarOffset } : {}),
    ...own,
    healthWeights: { ...DEFAULT_REPORT_POLICY.healthWeights, ...own.healthWeights },
    carrierTargets: { ...own.carrierTargets },
  };
}
