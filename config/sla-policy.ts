import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseDuration } from '../domain/durations';
import { CLOCK_NAMES, type SlaPolicy } from '../domain/sla-policy';
import { EXCEPTION_TYPES, PRIORITIES } from '../domain/types';
import { ConfigError, formatZodIssues } from './errors';

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

const policyFile = z.strictObject({
  version: z.number().int().positive(),
  warningThresholds: z.array(z.number().gt(0).lt(1)).max(5),
  clocks: z.strictObject(
    Object.fromEntries(CLOCK_NAMES.map((name) => [name, clockTarget])) as Record<
      (typeof CLOCK_NAMES)[number],
      typeof clockTarget
    >,
  ),
  priorityFactor: z.strictObject(
    Object.fromEntries(PRIORITIES.map((priority) => [priority, z.number().positive()])) as Record<
      (typeof PRIORITIES)[number],
      z.ZodNumber
    >,
  ),
  escalation: z.strictObject({ onBreach: z.boolean(), onLastWarning: z.boolean() }),
  delayed: z.strictObject({ urgeInterval: duration, maxUrges: z.number().int().min(1).max(20) }),
  feedback: z.strictObject({ window: duration, reminders: z.array(duration).max(5) }),
});

export type SlaPolicyFile = z.infer<typeof policyFile>;

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
      const byType = target.byType
        ? Object.fromEntries(Object.entries(target.byType).map(([type, text]) => [type, ms(text as string, scale)]))
        : undefined;
      return [name, { targetMs: ms(target.target, scale), ...(byType ? { byType } : {}) }];
    }),
  ) as SlaPolicy['clocks'];
  return {
    version: file.version,
    warningThresholds: [...file.warningThresholds].sort((a, b) => a - b),
    clocks,
    priorityFactor: file.priorityFactor,
    escalation: file.escalation,
    delayed: { urgeIntervalMs: ms(file.delayed.urgeInterval, scale), maxUrges: file.delayed.maxUrges },
    feedback: {
      windowMs: ms(file.feedback.window, scale),
      remindersMs: file.feedback.reminders.map((text) => ms(text, scale)),
    },
  };
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
