import {
  type BusinessCalendar,
  addBusinessTime,
  assertBusinessCalendar,
  businessTimeBetween,
  calendarProblems,
  epochDayOf,
  isOpen,
} from '../../domain/business-calendar';

const MIN = 60_000;
const H = 60 * MIN;

/** China time, Monday–Saturday 09:00–18:00, National Day off, Sunday 11 October a make-up workday. */
const CN: BusinessCalendar = {
  utcOffsetMinutes: 480,
  days: [1, 2, 3, 4, 5, 6],
  openMinute: 9 * 60,
  closeMinute: 18 * 60,
  holidays: ['2026-10-01', '2026-10-02'],
  workdays: ['2026-10-11'],
};

/** Epoch ms of a Beijing local time "YYYY-MM-DD HH:MM". */
function bj(text: string): number {
  const [date, time] = text.split(' ') as [string, string];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return Date.UTC(y, m - 1, d, hh, mm) - 8 * H;
}

// Weekdays of the dates used below: 2026-09-26 Sat, 09-27 Sun, 09-28 Mon, 09-30 Wed,
// 10-01 Thu (holiday), 10-02 Fri (holiday), 10-03 Sat, 10-10 Sat, 10-11 Sun (make-up workday).

describe('addBusinessTime', () => {
  test.each<[string, string, number, string]>([
    ['within one working day', '2026-09-28 10:00', 2 * H, '2026-09-28 12:00'],
    ['ending exactly at closing time', '2026-09-28 16:00', 2 * H, '2026-09-28 18:00'],
    ['across a night', '2026-09-28 17:00', 2 * H, '2026-09-29 10:00'],
    ['across several days', '2026-09-28 09:00', 27 * H, '2026-09-30 18:00'],
    ['across a weekend (Sunday closed)', '2026-09-26 17:00', 2 * H, '2026-09-28 10:00'],
    ['across a two-day holiday', '2026-09-30 17:00', 2 * H, '2026-10-03 10:00'],
    ['into a make-up workday on a Sunday', '2026-10-10 17:00', 2 * H, '2026-10-11 10:00'],
    ['starting before opening', '2026-09-28 06:00', H, '2026-09-28 10:00'],
    ['starting after closing', '2026-09-28 20:00', H, '2026-09-29 10:00'],
    ['starting on a Sunday', '2026-09-27 12:00', H, '2026-09-28 10:00'],
    ['starting on a holiday', '2026-10-01 12:00', 30 * MIN, '2026-10-03 09:30'],
    ['starting exactly at closing time', '2026-09-28 18:00', MIN, '2026-09-29 09:01'],
    ['zero duration, inside hours', '2026-09-28 10:00', 0, '2026-09-28 10:00'],
    ['zero duration, outside hours (unchanged)', '2026-09-27 12:00', 0, '2026-09-27 12:00'],
  ])('%s', (_label, start, duration, expected) => {
    expect(addBusinessTime(bj(start), duration, CN)).toBe(bj(expected));
    expect(businessTimeBetween(bj(start), bj(expected), CN)).toBe(duration);
  });

  test.each<[string, string, number, string]>([
    ['back within a day', '2026-09-28 12:00', 2 * H, '2026-09-28 10:00'],
    ['back across a night', '2026-09-29 10:00', 7 * H, '2026-09-28 12:00'],
    ['back across a holiday', '2026-10-03 10:00', 2 * H, '2026-09-30 17:00'],
    ['back exactly to an opening goes on to the previous closing', '2026-09-29 10:00', H, '2026-09-28 18:00'],
  ])('a negative duration walks %s', (_label, start, duration, expected) => {
    expect(addBusinessTime(bj(start), -duration, CN)).toBe(bj(expected));
    expect(businessTimeBetween(bj(expected), bj(start), CN)).toBe(duration);
  });

  test('handles fractions of a millisecond the way plain addition does', () => {
    expect(addBusinessTime(bj('2026-09-28 10:00'), 0.5, CN)).toBe(bj('2026-09-28 10:00') + 0.5);
  });

  test('a 24/7 UTC calendar is plain addition', () => {
    const always: BusinessCalendar = { utcOffsetMinutes: 0, days: [1, 2, 3, 4, 5, 6, 7], openMinute: 0, closeMinute: 1440, holidays: [], workdays: [] };
    const start = Date.UTC(2026, 0, 1, 23, 59);
    expect(addBusinessTime(start, 50 * H + 7, always)).toBe(start + 50 * H + 7);
    expect(businessTimeBetween(start, start + 50 * H + 7, always)).toBe(50 * H + 7);
  });

  test('uses the fixed offset: 09:00 in UTC-05:00 is 14:00 UTC', () => {
    const ny: BusinessCalendar = { ...CN, utcOffsetMinutes: -300, holidays: [], workdays: [] };
    // Monday 2026-09-28 08:00 local = 13:00 UTC; one business hour later is 10:00 local = 15:00 UTC.
    expect(addBusinessTime(Date.UTC(2026, 8, 28, 13), H, ny)).toBe(Date.UTC(2026, 8, 28, 15));
  });

  test('terminates with a clear error when the calendar never opens', () => {
    const never: BusinessCalendar = { ...CN, days: [], workdays: [] };
    expect(() => addBusinessTime(bj('2026-09-28 10:00'), H, never)).toThrow(/no open time after/);
    expect(() => addBusinessTime(bj('2026-09-28 10:00'), -H, never)).toThrow(/no open time before/);
    const closedAllDay: BusinessCalendar = { ...CN, openMinute: 600, closeMinute: 600 };
    expect(() => addBusinessTime(bj('2026-09-28 10:00'), H, closedAllDay)).toThrow(RangeError);
  });

  test('terminates when the only open days are make-up workdays that run out', () => {
    const onlyWorkdays: BusinessCalendar = { ...CN, days: [], holidays: [], workdays: ['2026-10-11'] };
    expect(addBusinessTime(bj('2026-10-10 12:00'), H, onlyWorkdays)).toBe(bj('2026-10-11 10:00'));
    expect(() => addBusinessTime(bj('2026-10-10 12:00'), 10 * H, onlyWorkdays)).toThrow(/no open time/);
  });

  test('rejects a non-finite start or duration', () => {
    expect(() => addBusinessTime(Number.NaN, H, CN)).toThrow(/startMs/);
    expect(() => addBusinessTime(0, Number.POSITIVE_INFINITY, CN)).toThrow(/durationMs/);
  });
});

describe('businessTimeBetween', () => {
  test.each<[string, string, string, number]>([
    ['inside one day', '2026-09-28 10:00', '2026-09-28 12:30', 2.5 * H],
    ['a whole working day', '2026-09-28 00:00', '2026-09-29 00:00', 9 * H],
    ['a night counts nothing', '2026-09-28 18:00', '2026-09-29 09:00', 0],
    ['across a night', '2026-09-28 17:00', '2026-09-29 10:00', 2 * H],
    ['a full week Monday to Monday', '2026-09-21 00:00', '2026-09-28 00:00', 6 * 9 * H],
    ['Golden-Week week with the make-up Sunday', '2026-10-05 00:00', '2026-10-12 00:00', 7 * 9 * H],
    ['the holidays count nothing', '2026-10-01 00:00', '2026-10-03 00:00', 0],
    ['a Sunday counts nothing', '2026-09-27 00:00', '2026-09-28 00:00', 0],
    ['both ends outside hours', '2026-09-28 07:00', '2026-09-28 20:00', 9 * H],
    ['an empty range', '2026-09-28 10:00', '2026-09-28 10:00', 0],
    ['a reversed range', '2026-09-28 12:00', '2026-09-28 10:00', 0],
  ])('%s', (_label, from, to, expected) => {
    expect(businessTimeBetween(bj(from), bj(to), CN)).toBe(expected);
  });
});

describe('isOpen', () => {
  test.each<[string, boolean]>([
    ['2026-09-28 09:00', true], // opening is inclusive
    ['2026-09-28 17:59', true],
    ['2026-09-28 18:00', false], // closing is exclusive
    ['2026-09-28 08:59', false],
    ['2026-09-26 12:00', true], // Saturday is a working day here
    ['2026-09-27 12:00', false], // Sunday
    ['2026-10-01 12:00', false], // holiday
    ['2026-10-11 12:00', true], // make-up workday on a Sunday
  ])('at %s: %s', (time, expected) => {
    expect(isOpen(bj(time), CN)).toBe(expected);
  });
});

describe('validation', () => {
  test('a good calendar has no problems', () => {
    expect(calendarProblems(CN)).toEqual([]);
    expect(() => assertBusinessCalendar(CN)).not.toThrow();
  });

  test.each<[string, Partial<BusinessCalendar>, RegExp]>([
    ['no working weekday', { days: [] }, /days: at least one working weekday/],
    ['a weekday out of range', { days: [0, 8] }, /days: weekdays are 1/],
    ['opening after closing', { openMinute: 18 * 60, closeMinute: 9 * 60 }, /open before it closes/],
    ['closing after 24:00', { closeMinute: 1441 }, /closeMinute/],
    ['a bad holiday', { holidays: ['2026-02-30'] }, /holidays\.0: "2026-02-30"/],
    ['a date both holiday and workday', { workdays: ['2026-10-01'] }, /2026-10-01 is also listed as a holiday/],
    ['an absurd offset', { utcOffsetMinutes: 2000 }, /utcOffsetMinutes/],
  ])('reports %s', (_label, change, message) => {
    const calendar = { ...CN, ...change };
    expect(calendarProblems(calendar).join('\n')).toMatch(message);
    expect(() => assertBusinessCalendar(calendar)).toThrow(message);
  });

  test('epochDayOf accepts real dates only', () => {
    expect(epochDayOf('1970-01-02')).toBe(1);
    expect(epochDayOf('2024-02-29')).toBeDefined();
    expect(epochDayOf('2026-02-29')).toBeUndefined();
    expect(epochDayOf('2026-1-5')).toBeUndefined();
  });
});
