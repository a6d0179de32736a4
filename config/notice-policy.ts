import { z } from 'zod';
import { parseDuration } from '../domain/durations';
import { DEFAULT_NOTICE_POLICY, type NoticePolicy } from '../domain/notice-policy';

/**
 * The policy file's `notices` section (proactive shipment notices), validated with the rest of the
 * file by config/sla-policy.ts. Every field has a default, so older policy files stay valid.
 *
 * What SLA_TIME_SCALE does here: the case-grace, linger and idle durations scale like every policy
 * duration; the WeCom window does not (it is the provider's real limit, not ours to speed up); and
 * quiet hours are ignored when the scale is not 1, as business hours are, so a sped-up demo at
 * night does not hold its texts until morning.
 */

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;
const UTC_OFFSET = /^([+-])(\d{2}):([0-5]\d)$/;

const duration = z.string().refine((text) => (parseDuration(text) ?? 0) > 0, {
  message: 'must be a positive duration such as "30s", "2m" or "24h"',
});
const timeOfDay = z.string().regex(TIME_OF_DAY, 'must be a time of day "HH:MM" from 00:00 to 23:59');

export const noticesSection = z
  .strictObject({
    quietHours: z
      .union([
        z.literal(false),
        z.strictObject({
          start: timeOfDay,
          end: timeOfDay,
          utcOffset: z
            .string()
            .regex(UTC_OFFSET, 'must be a UTC offset such as "+08:00"')
            .refine((text) => !UTC_OFFSET.test(text) || Math.abs(offsetMinutesOf(text)) <= 14 * 60, { message: 'must be between -14:00 and +14:00' })
            .default('+08:00'),
        }),
      ])
      .default({ start: '21:00', end: '08:00', utcOffset: '+08:00' }),
    wecom: z
      .strictObject({
        perWindow: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(20),
        window: duration.refine((text) => (parseDuration(text) ?? 0) >= 1_000, { message: 'must be at least 1s' }).default('1m'),
      })
      .prefault({}),
    caseGrace: duration.default('2m'),
    lingerAfterSigned: duration.default('24h'),
    idleClose: duration.default('30d'),
  })
  .prefault({});

function offsetMinutesOf(text: string): number {
  const match = UTC_OFFSET.exec(text) as RegExpExecArray;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

function minutesOf(text: string): number {
  const match = TIME_OF_DAY.exec(text) as RegExpExecArray;
  return Number(match[1]) * 60 + Number(match[2]);
}

/** The validated section, with durations in ms (scaled where they should be). */
export function resolveNotices(section: z.output<typeof noticesSection>, scale: number): NoticePolicy {
  const scaled = (text: string) => Math.max(1, Math.round((parseDuration(text) as number) * scale));
  const quiet = section.quietHours;
  return {
    ...(quiet !== false && scale === 1
      ? { quietHours: { utcOffsetMinutes: offsetMinutesOf(quiet.utcOffset), startMinute: minutesOf(quiet.start), endMinute: minutesOf(quiet.end) } }
      : {}),
    wecom: { perWindow: section.wecom.perWindow, windowMs: parseDuration(section.wecom.window) ?? DEFAULT_NOTICE_POLICY.wecom.windowMs },
    caseGraceMs: scaled(section.caseGrace),
    lingerAfterSignedMs: scaled(section.lingerAfterSigned),
    idleCloseMs: scaled(section.idleClose),
  };
}
