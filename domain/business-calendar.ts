/**
 * Business-hours calendars for SLA clocks that only count working time (e.g. 09:00–18:00
 * Monday–Saturday, China time, closed on public holidays, open on make-up working days 調休).
 *
 * Pure and deterministic, so workflow code may use it: no current time, no I/O, no time-zone
 * database. The calendar has a fixed UTC offset (China has no daylight saving time), so "local"
 * time is simply `epochMs + offset`. A calendar is plain JSON data: it travels in the workflow
 * input (inside the policy) and inside every SLA clock that runs on it.
 */

export interface BusinessCalendar {
  /** Local time minus UTC, in minutes: 480 for "+08:00". */
  utcOffsetMinutes: number;
  /** ISO weekdays that are working days: 1 = Monday … 7 = Sunday. */
  days: number[];
  /** Opening time, in minutes after local midnight (09:00 → 540). */
  openMinute: number;
  /** Closing time, in minutes after local midnight (18:00 → 1080; at most 1440 = "24:00"). */
  closeMinute: number;
  /** Local dates ("YYYY-MM-DD") closed all day, whatever their weekday. */
  holidays: string[];
  /** Local dates ("YYYY-MM-DD") open although their weekday is not a working day (調休). */
  workdays: string[];
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a "YYYY-MM-DD" date, or undefined when it is not a real date. */
export function epochDayOf(date: string): number | undefined {
  const match = DATE.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  // Date.UTC rolls 2026-02-30 over to March: a date that does not round-trip does not exist.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  return ms / DAY;
}

/**
 * Everything wrong with a calendar, as human sentences naming the field; empty when it is usable.
 * A usable calendar has open time in every future week (at least one weekday, open before close),
 * which is what guarantees that `addBusinessTime` terminates.
 */
export function calendarProblems(cal: BusinessCalendar): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(cal.utcOffsetMinutes) || Math.abs(cal.utcOffsetMinutes) > 14 * 60) {
    problems.push('utcOffsetMinutes: must be a whole number of minutes between -840 and +840');
  }
  if (!Array.isArray(cal.days) || cal.days.length === 0) {
    problems.push('days: at least one working weekday is needed, otherwise the calendar has no open time');
  } else if (cal.days.some((day) => !Number.isInteger(day) || day < 1 || day > 7)) {
    problems.push('days: weekdays are 1 (Monday) to 7 (Sunday)');
  }
  const minuteOk = (m: number) => Number.isInteger(m) && m >= 0 && m <= 1440;
  if (!minuteOk(cal.openMinute) || !minuteOk(cal.closeMinute)) {
    problems.push('openMinute/closeMinute: must be whole minutes from 0 to 1440');
  } else if (cal.openMinute >= cal.closeMinute) {
    problems.push('openMinute/closeMinute: the calendar must open before it closes, otherwise it has no open time');
  }
  for (const field of ['holidays', 'workdays'] as const) {
    for (const [index, date] of (cal[field] ?? []).entries()) {
      if (epochDayOf(date) === undefined) problems.push(`${field}.${index}: "${date}" is not a date in YYYY-MM-DD form`);
    }
  }
  for (const date of cal.workdays ?? []) {
    if ((cal.holidays ?? []).includes(date)) problems.push(`workdays: ${date} is also listed as a holiday`);
  }
  return problems;
}

/** Throws a RangeError listing every problem of an unusable calendar. */
export function assertBusinessCalendar(cal: BusinessCalendar): void {
  const problems = calendarProblems(cal);
  if (problems.length) throw new RangeError(`invalid business calendar:\n  - ${problems.join('\n  - ')}`);
}

interface Prepared {
  cal: BusinessCalendar;
  offsetMs: number;
  openMs: number;
  closeMs: number;
  holidays: Set<number>;
  workdays: Set<number>;
  /** More consecutive closed days than this means the calendar has no open time ahead. */
  maxClosedRun: number;
}

function prepare(cal: BusinessCalendar): Prepared {
  const days = (dates: string[] | undefined) => new Set((dates ?? []).map(epochDayOf).filter((day): day is number => day !== undefined));
  const holidays = days(cal.holidays);
  return {
    cal,
    offsetMs: cal.utcOffsetMinutes * MINUTE,
    openMs: cal.openMinute * MINUTE,
    closeMs: cal.closeMinute * MINUTE,
    holidays,
    workdays: days(cal.workdays),
    // With at least one weekday open, a closed run is at most 6 days plus the holidays in it.
    maxClosedRun: holidays.size + 7,
  };
}

/** ISO weekday (1 = Monday) of a local epoch day; 1970-01-01 was a Thursday. */
function isoWeekday(epochDay: number): number {
  return ((((epochDay + 3) % 7) + 7) % 7) + 1;
}

function localDay(p: Prepared, ms: number): number {
  return Math.floor((ms + p.offsetMs) / DAY);
}

/** The open interval [start, end) of a local day in epoch ms, or undefined when closed all day. */
function openInterval(p: Prepared, epochDay: number): [number, number] | undefined {
  if (p.openMs >= p.closeMs) return undefined;
  const open = p.workdays.has(epochDay) || (p.cal.days.includes(isoWeekday(epochDay)) && !p.holidays.has(epochDay));
  if (!open) return undefined;
  const midnight = epochDay * DAY - p.offsetMs;
  return [midnight + p.openMs, midnight + p.closeMs];
}

function noOpenTime(direction: string, fromMs: number): Error {
  return new RangeError(`business calendar has no open time ${direction} ${new Date(fromMs).toISOString()}: check days, open/close and holidays`);
}

/** Whether the calendar is open at this instant (open time inclusive, close time exclusive). */
export function isOpen(ms: number, cal: BusinessCalendar): boolean {
  const p = prepare(cal);
  const interval = openInterval(p, localDay(p, ms));
  return interval !== undefined && ms >= interval[0] && ms < interval[1];
}

/** Business time (ms) between two instants; 0 when `toMs` is not after `fromMs`. */
export function businessTimeBetween(fromMs: number, toMs: number, cal: BusinessCalendar): number {
  if (!(toMs > fromMs)) return 0;
  const p = prepare(cal);
  let total = 0;
  const lastDay = localDay(p, toMs);
  for (let day = localDay(p, fromMs); day <= lastDay; day += 1) {
    const interval = openInterval(p, day);
    if (!interval) continue;
    const start = Math.max(fromMs, interval[0]);
    const end = Math.min(toMs, interval[1]);
    if (end > start) total += end - start;
  }
  return total;
}

/**
 * The instant at which `durationMs` of business time has elapsed after `startMs`: the earliest
 * instant `t` with businessTimeBetween(startMs, t) === durationMs. A start outside business hours
 * counts from the next opening; a duration that ends exactly at closing time ends at closing time
 * (not at the next opening). Zero duration returns `startMs` unchanged.
 *
 * A negative duration walks backwards: the earliest instant `t` ≤ startMs with
 * businessTimeBetween(t, startMs) === -durationMs (used for the due time of an overdue clock).
 */
export function addBusinessTime(startMs: number, durationMs: number, cal: BusinessCalendar): number {
  if (!Number.isFinite(startMs)) throw new RangeError('addBusinessTime: startMs must be a finite number');
  if (!Number.isFinite(durationMs)) throw new RangeError('addBusinessTime: durationMs must be a finite number');
  if (durationMs === 0) return startMs;
  const p = prepare(cal);
  return durationMs > 0 ? forward(p, startMs, durationMs) : backward(p, startMs, -durationMs);
}

function forward(p: Prepared, startMs: number, durationMs: number): number {
  let remaining = durationMs;
  let closedRun = 0;
  for (let day = localDay(p, startMs); ; day += 1) {
    const interval = openInterval(p, day);
    const start = interval ? Math.max(startMs, interval[0]) : 0;
    if (!interval || start >= interval[1]) {
      if (++closedRun > p.maxClosedRun) throw noOpenTime('after', startMs);
      continue;
    }
    closedRun = 0;
    const available = interval[1] - start;
    if (remaining <= available) return start + remaining;
    remaining -= available;
  }
}

function backward(p: Prepared, startMs: number, durationMs: number): number {
  let remaining = durationMs;
  let closedRun = 0;
  for (let day = localDay(p, startMs); ; day -= 1) {
    const interval = openInterval(p, day);
    const end = interval ? Math.min(startMs, interval[1]) : 0;
    if (!interval || end <= interval[0]) {
      if (++closedRun > p.maxClosedRun) throw noOpenTime('before', startMs);
      continue;
    }
    closedRun = 0;
    // All the time is used up at this interval's end: the earliest such instant is its close
    // (the closed time after it adds nothing).
    if (remaining === 0) return end;
    const available = end - interval[0];
    if (remaining < available) return end - remaining;
    remaining -= available;
  }
}
