import type { BusinessCalendar } from './business-calendar';
import type { NoticePolicy } from './notice-policy';
import type { Carrier, CustomerSegment, ExceptionType, Priority } from './types';

/**
 * The SLA / escalation policy, with every duration already in milliseconds and already multiplied
 * by SLA_TIME_SCALE. The file format (human durations) lives in config/; workflows receive this
 * resolved form in their input, so a running case keeps the policy it was opened under.
 */

export const CLOCK_NAMES = ['firstResponse', 'handling', 'resolution', 'payout', 'callback', 'returnReceipt', 'plan'] as const;
export type ClockName = (typeof CLOCK_NAMES)[number];

interface ClockTarget {
  /** Target for every exception type unless overridden. */
  targetMs: number;
  byType?: Partial<Record<ExceptionType, number>>;
}

export interface SlaPolicy {
  version: number;
  /** Fractions of a target at which a warning fires before the breach, e.g. [0.5, 0.75]. */
  warningThresholds: number[];
  /**
   * `plan` (a supervisor's plan for a major complaint) is absent in policies of cases opened before
   * it existed: such a case's plan clock takes the handling target.
   */
  clocks: Record<Exclude<ClockName, 'plan'>, ClockTarget> & { plan?: ClockTarget };
  /** What a complaint's severity changes (absent in older policies: nothing beyond tier and plan). */
  severity?: { major: { resolutionMs: number } };
  /** Multiplies targets per priority: an urgent case gets less time. */
  priorityFactor: Record<Priority, number>;
  /** Multiplies targets per customer segment, after the priority (absent in older policies: 1). */
  segmentFactor?: Record<CustomerSegment, number>;
  escalation: {
    /** Escalate one tier when a clock breaches. */
    onBreach: boolean;
    /** Escalate one tier when a clock crosses its last warning threshold. */
    onLastWarning: boolean;
  };
  delayed: {
    /** Time between two urges (催件) while the parcel does not move. */
    urgeIntervalMs: number;
    maxUrges: number;
    /** A DELAYED case whose parcel has not moved for this long since the case opened converts to LOST. */
    totalDelayMs: number;
  };
  lost: {
    /** Trajectory verification deems a parcel lost when its last scan is older than this (or the carrier confirms lost). */
    lastScanAgeMs: number;
  };
  carrier: {
    /** How often the workflow checks on a carrier operation (redirect confirmation, return in transit). */
    followUpIntervalMs: number;
    /** Follow-ups before the operation is given up on (fallback / escalation). */
    maxFollowUps: number;
  };
  evidence: {
    /** Reminders to the customer, measured from the evidence request; ascending, each before windowMs. */
    remindersMs: number[];
    /** After this long (from the request) the case proceeds without the evidence. */
    windowMs: number;
  };
  claims: ClaimsPolicy;
  /**
   * Goodwill (安撫補償) limits per case. Absent in the policy of cases opened before the section
   * existed: `goodwillLimits()` gives them the defaults.
   */
  goodwill?: GoodwillPolicy;
  supplier: {
    /** Time between two reminders to a supplier that has not answered. */
    reminderIntervalMs: number;
    /** After this many unanswered reminders the follow-up escalates to the supplier's manager. */
    maxReminders: number;
    /** The supplier's answer is due this long after the first follow-up. */
    responseTargetMs: number;
  };
  feedback: {
    /** How long the satisfaction survey stays open before the case closes without a score. */
    windowMs: number;
    /** Survey reminders, measured from the moment the survey went out. */
    remindersMs: number[];
    /** A score (1–5) at or below this reopens the case for recovery; 0 never reopens. */
    lowScoreThreshold: number;
    /** How many times a low score may reopen one case. */
    maxReopens: number;
  };
  /**
   * Business hours, when configured: the named clocks count only open time on this calendar.
   * Absent = every clock runs 24/7 (also whenever SLA_TIME_SCALE ≠ 1, see config/sla-policy.ts).
   */
  businessHours?: {
    calendar: BusinessCalendar;
    clocks: ClockName[];
  };
  /** Overrides of the KPI reports' settings (config/report-policy.ts); the API reads them, no workflow does. */
  reports?: ReportSettingsOverrides;
  /**
   * Proactive shipment notices (the `notices` section): SMS quiet hours, the WeCom per-bot pace.
   * Absent (hand-built policies, older files): `noticePolicyOf()` gives the defaults.
   */
  notices?: NoticePolicy;
}

/** Any subset of the report settings a policy file may set (`reports` section). */
interface ReportSettingsOverrides {
  utcOffsetMinutes?: number;
  repeatContactDays?: number;
  satisfiedFrom?: number;
  healthWeights?: Partial<Record<'exceptionRate' | 'onTimeHandling' | 'complaints' | 'csat' | 'claimRate', number>>;
  exceptionRateCeiling?: number;
  damageRateTarget?: number;
  maxRangeDays?: number;
  onTimeDeliveryTarget?: number;
  firstAttemptDeliveryTarget?: number;
  transitP90TargetHours?: number;
  exceptionRateTarget?: number;
  claimRecoveryTarget?: number;
  backupCarrierWeeks?: number;
  /** A carrier's own contract targets, over the ones above. */
  carrierTargets?: Partial<Record<Carrier, CarrierTargetOverrides>>;
}

/** The carrier scorecard's targets one carrier's contract may set differently. */
export interface CarrierTargetOverrides {
  onTimeDeliveryTarget?: number;
  firstAttemptDeliveryTarget?: number;
  transitP90TargetHours?: number;
  exceptionRateTarget?: number;
  damageRateTarget?: number;
  claimRecoveryTarget?: number;
}

/** Claim amounts are integer fen (1 yuan = 100 fen); amounts and counts are never time-scaled. */
export interface ApprovalLimits {
  /** Largest claim an agent may approve; at or below it a claim is approved automatically. */
  agent: number;
  supervisor: number;
  expert: number;
}

export interface ClaimsPolicy {
  /** Uninsured parcels are compensated at most this multiple of the freight (Postal Law benchmark: 3). */
  uninsuredFreightMultiple: number;
  /** The platform pays the customer first (先行賠付) and recovers from the carrier / supplier. */
  platformPaysFirst: boolean;
  approvalLimits: ApprovalLimits;
  /** How often the workflow checks the recovery of a claim filed with a carrier / supplier. */
  recoveryPollIntervalMs: number;
  recoveryMaxPolls: number;
  /**
   * How long a failed payout waits for a supervisor to retry it or reject the claim before the
   * claim workflow stops waiting (the claim stays PAYOUT_FAILED). Absent in older policies:
   * DEFAULT_PAYOUT_DECISION_WINDOW_MS.
   */
  payoutDecisionWindowMs?: number;
  /**
   * Four eyes (policy file `claims.secondPersonAbove`): a claim above this amount (fen) is never
   * approved automatically, even within the agent's limit; a second person (a supervisor) approves
   * it. Absent: automatic approval up to the agent's limit, as before the rule existed.
   */
  secondPersonAboveFen?: number;
  /**
   * Four eyes for a payee nobody has vouched for (policy file `claims.confirmPayee`): a claim whose
   * payee the order system (OMS) does not name as the customer of the case's waybill is never
   * approved automatically. An agent types the customer id when opening a case; without this rule
   * that id alone would decide who is paid.
   */
  confirmPayee?: boolean;
  /**
   * Daily caps on automatic approval (policy file `claims.dailyCaps`, fen per business day): above
   * what one agent's proposals, or one payee, have been approved automatically that day, a second
   * person approves. Absent: no cap.
   */
  dailyCapsFen?: { perAgent?: number; perPayee?: number };
}

/** Goodwill is paid as proposed, so it is capped per case: how many, and how much in total. */
export interface GoodwillPolicy {
  maxPerCase: number;
  /** Total goodwill paid on one case, in fen. */
  maxTotalFen: number;
}

/** The defaults of config/sla-policy.ts, for cases whose policy predates these fields. */
export const DEFAULT_GOODWILL: GoodwillPolicy = { maxPerCase: 2, maxTotalFen: 20_000 };
export const DEFAULT_PAYOUT_DECISION_WINDOW_MS = 7 * 24 * 3_600_000;

export const goodwillLimits = (policy: Pick<SlaPolicy, 'goodwill'>): GoodwillPolicy => policy.goodwill ?? DEFAULT_GOODWILL;

/** The calendar a clock of this name runs on under this policy, or undefined for 24/7. */
export function clockCalendar(policy: SlaPolicy, clock: ClockName): BusinessCalendar | undefined {
  const hours = policy.businessHours;
  return hours && hours.clocks.includes(clock) ? hours.calendar : undefined;
}

/** The target of one clock for a case of this type and priority, for a customer of this segment. */
export function clockTargetMs(policy: SlaPolicy, clock: ClockName, type: ExceptionType, priority: Priority, segment: CustomerSegment = 'standard'): number {
  const target = policy.clocks[clock] ?? policy.clocks.handling;
  const base = target.byType?.[type] ?? target.targetMs;
  return Math.round(base * policy.priorityFactor[priority] * (policy.segmentFactor?.[segment] ?? 1));
}
