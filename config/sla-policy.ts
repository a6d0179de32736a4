import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { calendarProblems, epochDayOf } from '../domain/business-calendar';
import { parseDuration } from '../domain/durations';
import { CLOCK_NAMES, type ClockName, type SlaPolicy } from '../domain/sla-policy';
import { CARRIERS, CUSTOMER_SEGMENTS, EXCEPTION_TYPES, PRIORITIES } from '../domain/types';
import { ConfigError, formatZodIssues } from './errors';
import { noticesSection, resolveNotices } from './notice-policy';
import { watchlistSection } from './watchlist-policy';

/**
 * The policy file: JSON with human durations ("30m", "2h"). Loading validates it, resolves every
 * duration to milliseconds and applies SLA_TIME_SCALE, so the rest of the system never sees a
 * string duration or an unscaled one.
 */

export const DEFAULT_SLA_POLICY_FILE = require.resolve('./sla-policy.default.json');

const duration = z.string().refine((text) => (parseDuration(text) ?? 0) > 0, {
  message: 'must be a positive duration such as "30m", "2h" or "1h30m"',
});

const clockTarget = z.strictObject({
  target: duration,
  byType: z.partialRecord(z.enum(EXCEPTION_TYPES), duration).optional(),
});

const count = (min: number, max: number) =>
  z.number().int('must be a whole number').min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`);

/** An amount of money in fen (1 yuan = 100 fen): never scaled. */
const fen = z.number().int('must be a whole number of fen (1 yuan = 100 fen)').positive('must be greater than 0 fen');

const TIME_OF_DAY = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;
const UTC_OFFSET = /^([+-])(\d{2}):([0-5]\d)$/;

/** Minutes after midnight of "HH:MM" ("24:00" allowed as a closing time); assumes a valid string. */
function minutesOf(text: string): number {
  const match = TIME_OF_DAY.exec(text) as RegExpExecArray;
  return Number(match[1] ?? match[3]) * 60 + Number(match[2] ?? match[4]);
}

/** Minutes east of UTC of "+08:00"; assumes a valid string. */
function offsetMinutesOf(text: string): number {
  const match = UTC_OFFSET.exec(text) as RegExpExecArray;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

const timeOfDay = z.string().regex(TIME_OF_DAY, 'must be a time of day "HH:MM" from 00:00 to 24:00');
const localDate = z.string().refine((text) => epochDayOf(text) !== undefined, {
  message: 'must be a real calendar date written YYYY-MM-DD',
});

const clocksShape = {
  firstResponse: clockTarget,
  handling: clockTarget,
  resolution: clockTarget,
  payout: clockTarget,
  callback: clockTarget,
  // Added after the first policy files were written: absent means the seed target (退件入庫 ≤ 24 h).
  returnReceipt: clockTarget.default({ target: '24h' }),
  // A supervisor's plan for a major complaint; absent in older files: 2 hours.
  plan: clockTarget.default({ target: '2h' }),
} satisfies Record<ClockName, z.ZodType>;

/** Adds an issue for each reminder that would fire at or after the end of its window. */
function remindersWithinWindow(value: { reminders: string[]; window: string }, ctx: z.RefinementCtx): void {
  // Zod runs this even when a field failed its own check: compare only valid durations.
  const window = typeof value.window === 'string' ? parseDuration(value.window) : undefined;
  if (window === undefined || !Array.isArray(value.reminders)) return;
  value.reminders.forEach((text, index) => {
    const reminder = typeof text === 'string' ? parseDuration(text) : undefined;
    if (reminder !== undefined && reminder >= window) {
      ctx.addIssue({ code: 'custom', path: ['reminders', index], message: `must be shorter than the window (${value.window})` });
    }
  });
}

const businessHours = z
  .strictObject({
    utcOffset: z
      .string()
      .regex(UTC_OFFSET, 'must be a UTC offset such as "+08:00"')
      .refine((text) => !UTC_OFFSET.test(text) || Math.abs(offsetMinutesOf(text)) <= 14 * 60, {
        message: 'must be between -14:00 and +14:00',
      }),
    days: z
      .array(count(1, 7))
      .min(1, 'needs at least one working weekday (1 = Monday … 7 = Sunday), otherwise the calendar never opens')
      .refine((days) => new Set(days).size === days.length, { message: 'must not repeat a weekday' }),
    open: timeOfDay,
    close: timeOfDay,
    holidays: z.array(localDate).default([]),
    workdays: z.array(localDate).default([]),
    clocks: z.array(z.enum(CLOCK_NAMES)).min(1, 'must name at least one clock that runs on business hours').default(['handling', 'resolution']),
  })
  .superRefine((value, ctx) => {
    // Zod runs this even when a field above failed: compare only two valid times.
    const timesValid = TIME_OF_DAY.test(value.open) && TIME_OF_DAY.test(value.close);
    if (timesValid && minutesOf(value.open) >= minutesOf(value.close)) {
      ctx.addIssue({
        code: 'custom',
        path: ['close'],
        message: `must be later than open (${value.open}), otherwise the calendar has no open time`,
      });
    }
    for (const date of Array.isArray(value.workdays) ? value.workdays : []) {
      if (Array.isArray(value.holidays) && value.holidays.includes(date)) {
        ctx.addIssue({ code: 'custom', path: ['workdays'], message: `${date} is also listed in holidays` });
      }
    }
  });

const share = z.number().min(0, 'must not be negative').max(1, 'must be at most 1');

/** A rate target: a fraction from 0 (exclusive) to 1. */
const rateTarget = () => z.number().gt(0, 'must be greater than 0').max(1, 'must be at most 1').optional();

/** The carrier scorecard's contract targets, in the section and per carrier (`carrierTargets.SF`). */
const carrierTargetShape = {
  onTimeDeliveryTarget: rateTarget(),
  firstAttemptDeliveryTarget: rateTarget(),
  transitP90TargetHours: z.number().gt(0, 'must be greater than 0').max(720, 'must be at most 720 (30 days)').optional(),
  exceptionRateTarget: rateTarget(),
  damageRateTarget: rateTarget(),
  claimRecoveryTarget: rateTarget(),
};

/**
 * The KPI reports' settings (config/report-policy.ts): any subset overrides the defaults. Health
 * weights must leave something to weigh, and a fraction of shipments stays a fraction.
 */
const reportsSection = z.strictObject({
  utcOffsetMinutes: z.number().int('must be whole minutes').min(-720, 'must be at least -720 (UTC−12)').max(840, 'must be at most 840 (UTC+14)').optional(),
  repeatContactDays: count(1, 90).optional(),
  satisfiedFrom: count(1, 5).optional(),
  healthWeights: z
    .strictObject({
      exceptionRate: share.optional(),
      onTimeHandling: share.optional(),
      complaints: share.optional(),
      csat: share.optional(),
      claimRate: share.optional(),
    })
    .refine((weights) => Object.keys(weights).length < 5 || Object.values(weights).some((weight) => (weight ?? 0) > 0), {
      message: 'at least one weight must be greater than 0, or no health score can be computed',
    })
    .optional(),
  exceptionRateCeiling: z.number().gt(0, 'must be greater than 0').max(1, 'must be at most 1').optional(),
  maxRangeDays: count(1, 3_660).optional(),
  ...carrierTargetShape,
  backupCarrierWeeks: count(1, 26).optional(),
  carrierTargets: z.partialRecord(z.enum(CARRIERS), z.strictObject(carrierTargetShape)).optional(),
});

const policyFile = z.strictObject({
  version: z.number().int().positive(),
  warningThresholds: z.array(z.number().gt(0).lt(1)).max(5),
  clocks: z.strictObject(clocksShape),
  priorityFactor: z.strictObject(
    Object.fromEntries(PRIORITIES.map((priority) => [priority, z.number().positive()])) as Record<(typeof PRIORITIES)[number], z.ZodNumber>,
  ),
  // Per customer segment, after the priority; absent in older files: VIPs get 3/4 of the time, key accounts half.
  segmentFactor: z
    .strictObject(
      Object.fromEntries(CUSTOMER_SEGMENTS.map((segment) => [segment, z.number().positive()])) as Record<(typeof CUSTOMER_SEGMENTS)[number], z.ZodNumber>,
    )
    .default({ standard: 1, vip: 0.75, 'key-account': 0.5 }),
  escalation: z.strictObject({ onBreach: z.boolean(), onLastWarning: z.boolean() }),
  // Every section and field added after the first policy files carries its default, so an older
  // custom policy file stays valid and means what it meant.
  delayed: z.strictObject({
    urgeInterval: duration,
    maxUrges: z.number().int().min(1).max(20),
    totalDelay: duration.default('72h'),
  }),
  lost: z.strictObject({ lastScanAge: duration.default('48h') }).prefault({}),
  carrier: z.strictObject({ followUpInterval: duration.default('2h'), maxFollowUps: count(1, 50).default(6) }).prefault({}),
  evidence: z
    .strictObject({ reminders: z.array(duration).max(5).default(['4h', '24h']), window: duration.default('72h') })
    .superRefine(remindersWithinWindow)
    .prefault({}),
  // What a major complaint's severity sets; absent in older files: a 24-hour resolution target.
  severity: z.strictObject({ major: z.strictObject({ resolution: duration.default('24h') }).prefault({}) }).prefault({}),
  claims: z
    .strictObject({
      uninsuredFreightMultiple: z.number().positive('must be greater than 0').max(100, 'must be at most 100').default(3),
      platformPaysFirst: z.boolean().default(true),
      approvalLimits: z
        .strictObject({ agent: fen, supervisor: fen, expert: fen })
        .superRefine((limits, ctx) => {
          if (limits.supervisor <= limits.agent) {
            ctx.addIssue({ code: 'custom', path: ['supervisor'], message: `must be greater than the agent limit (${limits.agent} fen)` });
          }
          if (limits.expert <= limits.supervisor) {
            ctx.addIssue({ code: 'custom', path: ['expert'], message: `must be greater than the supervisor limit (${limits.supervisor} fen)` });
          }
        })
        .default({ agent: 50_000, supervisor: 500_000, expert: 5_000_000 }),
      /** Four eyes: above this amount (fen) a claim needs a second person, whatever the agent's limit. */
      secondPersonAbove: fen.optional(),
      confirmPayee: z.boolean().optional(),
      dailyCaps: z.strictObject({ perAgent: fen.optional(), perPayee: fen.optional() }).optional(),
      recoveryPollInterval: duration.default('24h'),
      recoveryMaxPolls: count(1, 50).default(5),
      // A failed payout waits this long for a supervisor to retry it or reject the claim.
      payoutDecisionWindow: duration.default('7d'),
    })
    .prefault({}),
  // Goodwill (安撫補償) is paid as proposed, without a calculator: capped per case, in count and
  // in total. ¥200 over at most two gestures by default.
  goodwill: z
    .strictObject({
      maxPerCase: count(0, 20).default(2),
      maxTotalFen: z.number().int('must be a whole number of fen (1 yuan = 100 fen)').min(0, 'must not be negative').default(20_000),
    })
    .prefault({}),
  supplier: z
    .strictObject({
      reminderInterval: duration.default('4h'),
      maxReminders: count(0, 10).default(2),
      responseTarget: duration.default('24h'),
    })
    .prefault({}),
  feedback: z.strictObject({
    window: duration,
    reminders: z.array(duration).max(5),
    lowScoreThreshold: count(0, 4).default(2),
    maxReopens: count(0, 5).default(1),
  }),
  businessHours: businessHours.optional(),
  reports: reportsSection.optional(),
  // Proactive shipment notices (config/notice-policy.ts): SMS quiet hours, WeCom pace.
  notices: noticesSection,
  // Read by config/watchlist-policy.ts (the watchlist, not the case workflow, uses it).
  watchlist: watchlistSection.optional(),
});

function ms(text: string, scale: number): number {
  return Math.max(1, Math.round((parseDuration(text) as number) * scale));
}

/** Validates a parsed policy document and resolves it; `source` names it in error messages. */
export function resolveSlaPolicy(document: unknown, scale: number, source: string): SlaPolicy {
  const parsed = policyFile.safeParse(document);
  if (!parsed.success) {
    throw new ConfigError(`SLA policy ${source} is invalid:\n${formatZodIssues(parsed.error)}`);
  }
  const file = parsed.data;
  const clocks = Object.fromEntries(
    CLOCK_NAMES.map((name) => {
      const target = file.clocks[name];
      const byType = target.byType ? Object.fromEntries(Object.entries(target.byType).map(([type, text]) => [type, ms(text as string, scale)])) : undefined;
      return [name, { targetMs: ms(target.target, scale), ...(byType ? { byType } : {}) }];
    }),
  ) as SlaPolicy['clocks'];
  const hours = file.businessHours;
  // A scaled policy (SLA_TIME_SCALE ≠ 1, demos and tests) ignores business hours: a 2-hour target
  // scaled to seconds would otherwise stall for a whole night or weekend. The section is still
  // validated above, so a broken calendar is caught in the demo before it reaches production.
  const businessHours: SlaPolicy['businessHours'] =
    hours && scale === 1
      ? {
          calendar: {
            utcOffsetMinutes: offsetMinutesOf(hours.utcOffset),
            days: [...hours.days].sort((a, b) => a - b),
            openMinute: minutesOf(hours.open),
            closeMinute: minutesOf(hours.close),
            holidays: [...hours.holidays],
            workdays: [...hours.workdays],
          },
          clocks: [...new Set(hours.clocks)],
        }
      : undefined;
  if (businessHours) {
    // The schema's checks imply these; this keeps the two from drifting apart.
    const problems = calendarProblems(businessHours.calendar);
    if (problems.length) {
      throw new ConfigError(`SLA policy ${source} is invalid:\n${problems.map((problem) => `  - businessHours.${problem}`).join('\n')}`);
    }
  }
  return {
    version: file.version,
    warningThresholds: [...file.warningThresholds].sort((a, b) => a - b),
    clocks,
    priorityFactor: file.priorityFactor,
    segmentFactor: file.segmentFactor,
    escalation: file.escalation,
    delayed: {
      urgeIntervalMs: ms(file.delayed.urgeInterval, scale),
      maxUrges: file.delayed.maxUrges,
      totalDelayMs: ms(file.delayed.totalDelay, scale),
    },
    lost: { lastScanAgeMs: ms(file.lost.lastScanAge, scale) },
    carrier: { followUpIntervalMs: ms(file.carrier.followUpInterval, scale), maxFollowUps: file.carrier.maxFollowUps },
    evidence: {
      remindersMs: file.evidence.reminders.map((text) => ms(text, scale)).sort((a, b) => a - b),
      windowMs: ms(file.evidence.window, scale),
    },
    claims: {
      uninsuredFreightMultiple: file.claims.uninsuredFreightMultiple,
      platformPaysFirst: file.claims.platformPaysFirst,
      approvalLimits: { ...file.claims.approvalLimits },
      recoveryPollIntervalMs: ms(file.claims.recoveryPollInterval, scale),
      recoveryMaxPolls: file.claims.recoveryMaxPolls,
      payoutDecisionWindowMs: ms(file.claims.payoutDecisionWindow, scale),
      ...(file.claims.secondPersonAbove !== undefined ? { secondPersonAboveFen: file.claims.secondPersonAbove } : {}),
      ...(file.claims.confirmPayee !== undefined ? { confirmPayee: file.claims.confirmPayee } : {}),
      ...(file.claims.dailyCaps ? { dailyCapsFen: withoutUndefined(file.claims.dailyCaps) } : {}),
    },
    severity: { major: { resolutionMs: ms(file.severity.major.resolution, scale) } },
    goodwill: { maxPerCase: file.goodwill.maxPerCase, maxTotalFen: file.goodwill.maxTotalFen },
    supplier: {
      reminderIntervalMs: ms(file.supplier.reminderInterval, scale),
      maxReminders: file.supplier.maxReminders,
      responseTargetMs: ms(file.supplier.responseTarget, scale),
    },
    feedback: {
      windowMs: ms(file.feedback.window, scale),
      remindersMs: file.feedback.reminders.map((text) => ms(text, scale)),
      lowScoreThreshold: file.feedback.lowScoreThreshold,
      maxReopens: file.feedback.maxReopens,
    },
    ...(businessHours ? { businessHours } : {}),
    ...(file.reports ? { reports: withoutUndefined(file.reports) } : {}),
    notices: resolveNotices(file.notices, scale),
  };
}

/** The section as written: fields left out stay out, so the report defaults fill them. */
function withoutUndefined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function loadSlaPolicy(path: string, scale: number): SlaPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`SLA_POLICY_FILE: cannot read ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`SLA_POLICY_FILE: ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return resolveSlaPolicy(document, scale, path);
}
