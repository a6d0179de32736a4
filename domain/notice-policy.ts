/**
 * How proactive shipment notices are paced (the policy file's `notices` section, resolved by
 * config/sla-policy.ts). Pure data and pure functions: the shipment-notices and WeCom outbox
 * workflows receive the policy in their input, so a running waybill keeps the rules it started
 * under.
 */

/** No texts at night: local times of day on a fixed UTC offset (China has no daylight saving). */
export interface QuietHours {
  /** Local time minus UTC, in minutes: 480 for Asia/Shanghai. */
  utcOffsetMinutes: number;
  /** Minutes after local midnight when the quiet starts (21:00 → 1260). */
  startMinute: number;
  /** Minutes after local midnight when texts may go again (08:00 → 480); before start = over midnight. */
  endMinute: number;
}

export interface NoticePolicy {
  /** SMS quiet hours; absent = texts at any hour. In-app and WeCom are never held. */
  quietHours?: QuietHours;
  /** The WeCom group-bot limit the per-bot outbox keeps to: `perWindow` messages per rolling `windowMs`. */
  wecom: { perWindow: number; windowMs: number };
  /**
   * How long an exception milestone waits for a case to be opened for its waybill (the same push
   * may open one) before it is told; an open case then speaks for it.
   */
  caseGraceMs: number;
  /** After `signed`, the waybill's notices workflow stays this long for late scans, then ends. */
  lingerAfterSignedMs: number;
  /** A waybill with no event for this long ends its notices workflow. */
  idleCloseMs: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Defaults: quiet 21:00–08:00 China time, WeCom's own 20 messages a minute per bot. */
export const DEFAULT_NOTICE_POLICY: NoticePolicy = {
  quietHours: { utcOffsetMinutes: 480, startMinute: 21 * 60, endMinute: 8 * 60 },
  wecom: { perWindow: 20, windowMs: MINUTE },
  caseGraceMs: 2 * MINUTE,
  lingerAfterSignedMs: DAY,
  idleCloseMs: 30 * DAY,
};

/**
 * The instant the quiet hours around `ms` end, or undefined when `ms` is not in quiet hours (or
 * there are none). Start inclusive, end exclusive: a text at exactly 08:00 goes at once.
 */
export function quietHoursEnd(ms: number, quiet: QuietHours | undefined): number | undefined {
  if (!quiet || quiet.startMinute === quiet.endMinute) return undefined;
  const offsetMs = quiet.utcOffsetMinutes * MINUTE;
  const local = ms + offsetMs;
  const midnight = Math.floor(local / DAY) * DAY;
  const sinceMidnight = local - midnight;
  const start = quiet.startMinute * MINUTE;
  const end = quiet.endMinute * MINUTE;
  let endLocal: number | undefined;
  if (start < end) {
    if (sinceMidnight >= start && sinceMidnight < end) endLocal = midnight + end;
  } else if (sinceMidnight >= start) {
    // Evening part of a quiet time over midnight: it ends tomorrow morning.
    endLocal = midnight + DAY + end;
  } else if (sinceMidnight < end) {
    endLocal = midnight + end;
  }
  return endLocal === undefined ? undefined : endLocal - offsetMs;
}

/** The notice policy of an SLA policy: its own section, or the defaults. */
export function noticePolicyOf(policy: { notices?: NoticePolicy }): NoticePolicy {
  return policy.notices ?? DEFAULT_NOTICE_POLICY;
}
