import type { ExceptionType, Priority } from './types';

/**
 * The SLA / escalation policy, with every duration already in milliseconds and already multiplied
 * by SLA_TIME_SCALE. The file format (human durations) lives in config/; workflows receive this
 * resolved form in their input, so a running case keeps the policy it was opened under.
 */

export const CLOCK_NAMES = ['firstResponse', 'handling', 'resolution', 'payout', 'callback'] as const;
export type ClockName = (typeof CLOCK_NAMES)[number];

export interface ClockTarget {
  /** Target for every exception type unless overridden. */
  targetMs: number;
  byType?: Partial<Record<ExceptionType, number>>;
}

export interface SlaPolicy {
  version: number;
  /** Fractions of a target at which a warning fires before the breach, e.g. [0.5, 0.75]. */
  warningThresholds: number[];
  clocks: Record<ClockName, ClockTarget>;
  /** Multiplies targets per priority: an urgent case gets less time. */
  priorityFactor: Record<Priority, number>;
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
  };
  feedback: {
    /** How long the satisfaction survey stays open before the case closes without a score. */
    windowMs: number;
    /** Survey reminders, measured from the moment the survey went out. */
    remindersMs: number[];
  };
}

/** The target of one clock for a case of this type and priority. */
export function clockTargetMs(
  policy: SlaPolicy,
  clock: ClockName,
  type: ExceptionType,
  priority: Priority,
): number {
  const target = policy.clocks[clock];
  const base = target.byType?.[type] ?? target.targetMs;
  return Math.round(base * policy.priorityFactor[priority]);
}
