import { addBusinessTime, businessTimeBetween, type BusinessCalendar } from './business-calendar';
import type { ClockName } from './sla-policy';

/**
 * One SLA clock (first response, handling, resolution, payout, callback). A clock is a record,
 * not a timer: the workflow keeps the records and sleeps until the next moment one of them needs
 * attention. Every change is an immutable step, so the history of pauses and extensions is kept
 * for the audit trail and reports. Times are epoch milliseconds.
 *
 * A clock may run on a business-hours calendar: then only open time counts. Its target,
 * extensions, elapsed and paused times are all business milliseconds, while instants (startedAt,
 * dueAt, alarm times) stay epoch milliseconds. Without a calendar every function counts wall time.
 */

type ClockState = 'running' | 'paused' | 'stopped';

interface ClockPause {
  at: number;
  reason: string;
  resumedAt?: number;
}

interface ClockExtension {
  at: number;
  byMs: number;
  reason: string;
}

export interface SlaClock {
  name: ClockName;
  targetMs: number;
  startedAt: number;
  state: ClockState;
  pauses: ClockPause[];
  extensions: ClockExtension[];
  /** Warning thresholds (fractions of the target) that have fired. */
  warned: number[];
  breachedAt?: number;
  stoppedAt?: number;
  /** The business-hours calendar the clock counts on; absent = 24/7. Plain data, like the rest. */
  calendar?: BusinessCalendar;
}

export function startClock(name: ClockName, targetMs: number, now: number, calendar?: BusinessCalendar): SlaClock {
  return {
    name,
    targetMs,
    startedAt: now,
    state: 'running',
    pauses: [],
    extensions: [],
    warned: [],
    ...(calendar ? { calendar } : {}),
  };
}

/** Time that counts between two instants: wall time, or business time on the clock's calendar. */
function countedMs(clock: SlaClock, fromMs: number, toMs: number): number {
  return clock.calendar ? businessTimeBetween(fromMs, toMs, clock.calendar) : toMs - fromMs;
}

/** The instant at which `ms` more counted time will have passed after `now` (ms may be negative). */
function after(clock: SlaClock, now: number, ms: number): number {
  return clock.calendar ? addBusinessTime(now, ms, clock.calendar) : now + ms;
}

export function pauseClock(clock: SlaClock, now: number, reason: string): SlaClock {
  if (clock.state !== 'running') return clock;
  return { ...clock, state: 'paused', pauses: [...clock.pauses, { at: now, reason }] };
}

export function resumeClock(clock: SlaClock, now: number): SlaClock {
  if (clock.state !== 'paused') return clock;
  const pauses = clock.pauses.map((pause, index) =>
    index === clock.pauses.length - 1 && pause.resumedAt === undefined ? { ...pause, resumedAt: now } : pause,
  );
  return { ...clock, state: 'running', pauses };
}

export function stopClock(clock: SlaClock, now: number): SlaClock {
  if (clock.state === 'stopped') return clock;
  const resumed = clock.state === 'paused' ? resumeClock(clock, now) : clock;
  return { ...resumed, state: 'stopped', stoppedAt: now };
}

/**
 * Moves the deadline later (an incident, a supervisor's decision) without losing how it moved.
 * On a calendar clock `byMs` is business time, like the target.
 */
export function extendClock(clock: SlaClock, now: number, byMs: number, reason: string): SlaClock {
  return { ...clock, extensions: [...clock.extensions, { at: now, byMs, reason }] };
}

/** Milliseconds the clock has been paused, up to `now` (business milliseconds on a calendar). */
export function pausedMs(clock: SlaClock, now: number): number {
  return clock.pauses.reduce((sum, pause) => sum + countedMs(clock, pause.at, pause.resumedAt ?? now), 0);
}

/** Time that counts against the target: wall (or business) time since start, less pauses. */
export function elapsedMs(clock: SlaClock, now: number): number {
  const end = clock.stoppedAt ?? now;
  return Math.max(0, countedMs(clock, clock.startedAt, end) - pausedMs(clock, end));
}

export function allowanceMs(clock: SlaClock): number {
  return clock.targetMs + clock.extensions.reduce((sum, extension) => sum + extension.byMs, 0);
}

/** When the clock breaches if nothing changes; undefined while paused or stopped. */
export function dueAt(clock: SlaClock, now: number): number | undefined {
  if (clock.state !== 'running') return undefined;
  return after(clock, now, allowanceMs(clock) - elapsedMs(clock, now));
}

export function isBreached(clock: SlaClock, now: number): boolean {
  return clock.breachedAt !== undefined || elapsedMs(clock, now) > allowanceMs(clock);
}

export type ClockAlarm = { kind: 'warning'; clock: ClockName; threshold: number; at: number } | { kind: 'breach'; clock: ClockName; at: number };

/** The next warning or breach of a running clock, or undefined if none is pending. */
export function nextAlarm(clock: SlaClock, now: number, thresholds: readonly number[]): ClockAlarm | undefined {
  if (clock.state !== 'running' || clock.breachedAt !== undefined) return undefined;
  const allowance = allowanceMs(clock);
  const elapsed = elapsedMs(clock, now);
  const remaining = allowance - elapsed;
  const pendingWarning = [...thresholds].sort((a, b) => a - b).find((threshold) => !clock.warned.includes(threshold));
  if (pendingWarning !== undefined) {
    const warnIn = allowance * pendingWarning - elapsed;
    return { kind: 'warning', clock: clock.name, threshold: pendingWarning, at: after(clock, now, Math.max(0, warnIn)) };
  }
  return { kind: 'breach', clock: clock.name, at: after(clock, now, Math.max(0, remaining)) };
}

/** Records that an alarm fired, so it does not fire again. */
export function markAlarm(clock: SlaClock, alarm: ClockAlarm): SlaClock {
  if (alarm.kind === 'warning') return { ...clock, warned: [...clock.warned, alarm.threshold] };
  return { ...clock, breachedAt: alarm.at };
}

/** The earliest pending alarm across clocks. */
export function earliestAlarm(clocks: readonly SlaClock[], now: number, thresholds: readonly number[]): ClockAlarm | undefined {
  let earliest: ClockAlarm | undefined;
  for (const clock of clocks) {
    const alarm = nextAlarm(clock, now, thresholds);
    if (alarm && (!earliest || alarm.at < earliest.at)) earliest = alarm;
  }
  return earliest;
}

/** The nearest due time among running clocks, for the `SlaDueAt` search attribute. */
export function nearestDueAt(clocks: readonly SlaClock[], now: number): number | undefined {
  const dues = clocks.map((clock) => dueAt(clock, now)).filter((due): due is number => due !== undefined);
  return dues.length ? Math.min(...dues) : undefined;
}
