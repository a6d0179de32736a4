import type { BusinessCalendar } from '../../domain/business-calendar';
import {
  type ClockAlarm,
  type SlaClock,
  allowanceMs,
  dueAt,
  earliestAlarm,
  elapsedMs,
  extendClock,
  isBreached,
  markAlarm,
  nearestDueAt,
  nextAlarm,
  pauseClock,
  pausedMs,
  resumeClock,
  startClock,
  stopClock,
} from '../../domain/sla-clock';

// Explicit epoch-ms instants: no real clock anywhere in this file.
const T0 = 1_800_000_000_000;
const SEC = 1_000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const THRESHOLDS = [0.5, 0.75] as const;

/** A 100-minute first-response clock started at T0 (round numbers make the thresholds obvious). */
function clock100(): SlaClock {
  return startClock('firstResponse', 100 * MIN, T0);
}

describe('startClock', () => {
  test('starts running with no elapsed time and is due one target later', () => {
    const clock = startClock('handling', 2 * HOUR, T0);
    expect(clock).toMatchObject({ name: 'handling', targetMs: 2 * HOUR, startedAt: T0, state: 'running' });
    expect(elapsedMs(clock, T0)).toBe(0);
    expect(dueAt(clock, T0)).toBe(T0 + 2 * HOUR);
  });
});

describe('elapsed time', () => {
  test('counts wall time while running', () => {
    expect(elapsedMs(clock100(), T0 + 7 * MIN)).toBe(7 * MIN);
  });

  test('excludes a finished pause', () => {
    let clock = clock100();
    clock = pauseClock(clock, T0 + 10 * MIN, 'waiting for customer');
    clock = resumeClock(clock, T0 + 40 * MIN);
    expect(pausedMs(clock, T0 + 50 * MIN)).toBe(30 * MIN);
    expect(elapsedMs(clock, T0 + 50 * MIN)).toBe(20 * MIN);
  });

  test('stands still during an open pause', () => {
    const clock = pauseClock(clock100(), T0 + 10 * MIN, 'waiting for customer');
    expect(elapsedMs(clock, T0 + 10 * MIN)).toBe(10 * MIN);
    expect(elapsedMs(clock, T0 + 5 * HOUR)).toBe(10 * MIN);
  });

  test('excludes several pauses', () => {
    let clock = clock100();
    clock = pauseClock(clock, T0 + 10 * MIN, 'a');
    clock = resumeClock(clock, T0 + 15 * MIN); // 5 min paused
    clock = pauseClock(clock, T0 + 20 * MIN, 'b');
    clock = resumeClock(clock, T0 + 32 * MIN); // 12 min paused
    expect(clock.pauses).toHaveLength(2);
    expect(elapsedMs(clock, T0 + 60 * MIN)).toBe(60 * MIN - 17 * MIN);
  });

  test('freezes when the clock stops', () => {
    const clock = stopClock(clock100(), T0 + 25 * MIN);
    expect(elapsedMs(clock, T0 + 25 * MIN)).toBe(25 * MIN);
    expect(elapsedMs(clock, T0 + 10 * HOUR)).toBe(25 * MIN);
  });

  test('stopping a paused clock closes the pause, so the pause is not counted', () => {
    let clock = clock100();
    clock = pauseClock(clock, T0 + 10 * MIN, 'waiting');
    clock = stopClock(clock, T0 + 30 * MIN);
    expect(clock.state).toBe('stopped');
    expect(clock.pauses[0]?.resumedAt).toBe(T0 + 30 * MIN);
    expect(elapsedMs(clock, T0 + 10 * HOUR)).toBe(10 * MIN);
  });
});

describe('state transitions', () => {
  test('pause records the moment and the reason, resume closes it', () => {
    let clock = pauseClock(clock100(), T0 + MIN, 'customer asked to wait');
    expect(clock.state).toBe('paused');
    expect(clock.pauses).toEqual([{ at: T0 + MIN, reason: 'customer asked to wait' }]);
    clock = resumeClock(clock, T0 + 2 * MIN);
    expect(clock.state).toBe('running');
    expect(clock.pauses).toEqual([{ at: T0 + MIN, reason: 'customer asked to wait', resumedAt: T0 + 2 * MIN }]);
  });

  test('pausing a paused clock does not open a second pause', () => {
    const once = pauseClock(clock100(), T0 + MIN, 'a');
    const twice = pauseClock(once, T0 + 2 * MIN, 'b');
    expect(twice).toBe(once);
  });

  test('resuming a running clock changes nothing', () => {
    const clock = clock100();
    expect(resumeClock(clock, T0 + MIN)).toBe(clock);
  });

  test.each([
    ['pause', (c: SlaClock) => pauseClock(c, T0 + 20 * MIN, 'late')],
    ['resume', (c: SlaClock) => resumeClock(c, T0 + 20 * MIN)],
    ['stop again', (c: SlaClock) => stopClock(c, T0 + 20 * MIN)],
  ])('a stopped clock ignores %s', (_label, step) => {
    const stopped = stopClock(clock100(), T0 + 10 * MIN);
    const after = step(stopped);
    expect(after).toBe(stopped);
    expect(after.stoppedAt).toBe(T0 + 10 * MIN);
  });

  test('every step returns a new record and leaves the old one untouched', () => {
    const started = clock100();
    const paused = pauseClock(started, T0 + MIN, 'a');
    const extended = extendClock(paused, T0 + 2 * MIN, 10 * MIN, 'incident');
    expect(started.state).toBe('running');
    expect(started.pauses).toEqual([]);
    expect(paused.extensions).toEqual([]);
    expect(extended.extensions).toEqual([{ at: T0 + 2 * MIN, byMs: 10 * MIN, reason: 'incident' }]);
  });
});

describe('dueAt', () => {
  test('moves later by exactly the length of a pause', () => {
    let clock = clock100();
    clock = pauseClock(clock, T0 + 10 * MIN, 'waiting');
    clock = resumeClock(clock, T0 + 55 * MIN);
    expect(dueAt(clock, T0 + 55 * MIN)).toBe(T0 + 100 * MIN + 45 * MIN);
  });

  test('does not drift as time passes while running', () => {
    const clock = clock100();
    expect(dueAt(clock, T0 + MIN)).toBe(T0 + 100 * MIN);
    expect(dueAt(clock, T0 + 99 * MIN)).toBe(T0 + 100 * MIN);
  });

  test('moves later by every extension', () => {
    let clock = clock100();
    clock = extendClock(clock, T0 + MIN, 30 * MIN, 'typhoon');
    clock = extendClock(clock, T0 + 2 * MIN, 15 * MIN, 'supervisor');
    expect(allowanceMs(clock)).toBe(145 * MIN);
    expect(dueAt(clock, T0 + 5 * MIN)).toBe(T0 + 145 * MIN);
  });

  test('combines pauses and extensions', () => {
    let clock = clock100();
    clock = pauseClock(clock, T0 + 10 * MIN, 'waiting');
    clock = extendClock(clock, T0 + 12 * MIN, HOUR, 'incident');
    clock = resumeClock(clock, T0 + 30 * MIN);
    expect(dueAt(clock, T0 + 30 * MIN)).toBe(T0 + 100 * MIN + 20 * MIN + HOUR);
  });

  test.each([
    ['paused', (c: SlaClock) => pauseClock(c, T0 + MIN, 'waiting')],
    ['stopped', (c: SlaClock) => stopClock(c, T0 + MIN)],
  ])('is undefined while %s', (_label, step) => {
    expect(dueAt(step(clock100()), T0 + 2 * MIN)).toBeUndefined();
  });
});

describe('isBreached', () => {
  test('is met at the deadline itself and breached one millisecond later', () => {
    const clock = clock100();
    expect(isBreached(clock, T0 + 100 * MIN)).toBe(false);
    expect(isBreached(clock, T0 + 100 * MIN + 1)).toBe(true);
  });

  test('a pause keeps a clock from breaching at its original deadline', () => {
    const clock = pauseClock(clock100(), T0 + 90 * MIN, 'waiting');
    expect(isBreached(clock, T0 + 10 * HOUR)).toBe(false);
  });

  test('an extension keeps a clock from breaching at its original deadline', () => {
    const clock = extendClock(clock100(), T0 + 90 * MIN, 30 * MIN, 'incident');
    expect(isBreached(clock, T0 + 110 * MIN)).toBe(false);
    expect(isBreached(clock, T0 + 131 * MIN)).toBe(true);
  });

  test('a clock stopped in time never breaches later', () => {
    const clock = stopClock(clock100(), T0 + 99 * MIN);
    expect(isBreached(clock, T0 + 100 * HOUR)).toBe(false);
  });

  test('a recorded breach stays breached even after an extension', () => {
    let clock = clock100();
    clock = markAlarm(clock, { kind: 'breach', clock: 'firstResponse', at: T0 + 100 * MIN });
    clock = extendClock(clock, T0 + 101 * MIN, 10 * HOUR, 'too late');
    expect(isBreached(clock, T0 + 102 * MIN)).toBe(true);
  });
});

describe('nextAlarm', () => {
  test('yields the 50% warning, then the 75% warning, then the breach, each once', () => {
    let clock = clock100();
    const seen: ClockAlarm[] = [];
    for (let i = 0; i < 3; i += 1) {
      const alarm = nextAlarm(clock, T0, THRESHOLDS);
      if (!alarm) break;
      seen.push(alarm);
      clock = markAlarm(clock, alarm);
    }
    expect(seen).toEqual([
      { kind: 'warning', clock: 'firstResponse', threshold: 0.5, at: T0 + 50 * MIN },
      { kind: 'warning', clock: 'firstResponse', threshold: 0.75, at: T0 + 75 * MIN },
      { kind: 'breach', clock: 'firstResponse', at: T0 + 100 * MIN },
    ]);
    expect(nextAlarm(clock, T0 + 101 * MIN, THRESHOLDS)).toBeUndefined();
  });

  test('never repeats a threshold that has fired', () => {
    let clock = clock100();
    const first = nextAlarm(clock, T0 + 50 * MIN, THRESHOLDS);
    expect(first).toMatchObject({ kind: 'warning', threshold: 0.5 });
    clock = markAlarm(clock, first as ClockAlarm);
    // Woken again at the very same instant: the 50% warning must not come back.
    expect(nextAlarm(clock, T0 + 50 * MIN, THRESHOLDS)).toMatchObject({ kind: 'warning', threshold: 0.75 });
    expect(clock.warned).toEqual([0.5]);
  });

  test('takes thresholds in ascending order whatever order they are given in', () => {
    expect(nextAlarm(clock100(), T0, [0.75, 0.5])).toMatchObject({ threshold: 0.5, at: T0 + 50 * MIN });
  });

  test('goes straight to the breach when there are no warning thresholds', () => {
    expect(nextAlarm(clock100(), T0 + MIN, [])).toEqual({ kind: 'breach', clock: 'firstResponse', at: T0 + 100 * MIN });
  });

  test('an overdue alarm fires now, not in the past', () => {
    const late = T0 + 80 * MIN;
    expect(nextAlarm(clock100(), late, THRESHOLDS)).toEqual({
      kind: 'warning',
      clock: 'firstResponse',
      threshold: 0.5,
      at: late,
    });
    let clock = clock100();
    clock = markAlarm(clock, { kind: 'warning', clock: 'firstResponse', threshold: 0.5, at: late });
    clock = markAlarm(clock, { kind: 'warning', clock: 'firstResponse', threshold: 0.75, at: late });
    expect(nextAlarm(clock, T0 + 5 * HOUR, THRESHOLDS)).toEqual({ kind: 'breach', clock: 'firstResponse', at: T0 + 5 * HOUR });
  });

  test('warnings and breach move with pauses', () => {
    let clock = clock100();
    clock = pauseClock(clock, T0 + 10 * MIN, 'waiting');
    clock = resumeClock(clock, T0 + 30 * MIN);
    expect(nextAlarm(clock, T0 + 30 * MIN, THRESHOLDS)).toMatchObject({ threshold: 0.5, at: T0 + 70 * MIN });
  });

  test('warnings and breach are fractions of the extended allowance', () => {
    let clock = extendClock(clock100(), T0, 100 * MIN, 'incident'); // allowance 200 min
    expect(nextAlarm(clock, T0, THRESHOLDS)).toMatchObject({ threshold: 0.5, at: T0 + 100 * MIN });
    clock = markAlarm(clock, { kind: 'warning', clock: 'firstResponse', threshold: 0.5, at: T0 + 100 * MIN });
    clock = markAlarm(clock, { kind: 'warning', clock: 'firstResponse', threshold: 0.75, at: T0 + 150 * MIN });
    expect(nextAlarm(clock, T0 + 150 * MIN, THRESHOLDS)).toEqual({ kind: 'breach', clock: 'firstResponse', at: T0 + 200 * MIN });
  });

  test.each([
    ['paused', (c: SlaClock) => pauseClock(c, T0 + MIN, 'waiting')],
    ['stopped', (c: SlaClock) => stopClock(c, T0 + MIN)],
    ['already breached', (c: SlaClock) => markAlarm(c, { kind: 'breach', clock: 'firstResponse', at: T0 + 100 * MIN })],
  ])('returns nothing for a %s clock', (_label, step) => {
    expect(nextAlarm(step(clock100()), T0 + 2 * MIN, THRESHOLDS)).toBeUndefined();
  });

  test('markAlarm records the breach time', () => {
    const clock = markAlarm(clock100(), { kind: 'breach', clock: 'firstResponse', at: T0 + 100 * MIN });
    expect(clock.breachedAt).toBe(T0 + 100 * MIN);
    expect(clock.state).toBe('running');
  });
});

describe('earliestAlarm', () => {
  test('picks the earliest alarm across clocks', () => {
    const firstResponse = startClock('firstResponse', 30 * MIN, T0); // 50% at +15 min
    const handling = startClock('handling', 2 * HOUR, T0 - 100 * MIN); // 50% at T0 - 40 min → due now
    const resolution = startClock('resolution', 72 * HOUR, T0);
    expect(earliestAlarm([resolution, firstResponse, handling], T0, THRESHOLDS)).toEqual({
      kind: 'warning',
      clock: 'handling',
      threshold: 0.5,
      at: T0,
    });
    expect(earliestAlarm([resolution, firstResponse], T0, THRESHOLDS)).toMatchObject({ clock: 'firstResponse', at: T0 + 15 * MIN });
  });

  test('compares a breach of one clock with a warning of another', () => {
    let payout = startClock('payout', 40 * MIN, T0);
    payout = markAlarm(payout, { kind: 'warning', clock: 'payout', threshold: 0.5, at: T0 + 20 * MIN });
    payout = markAlarm(payout, { kind: 'warning', clock: 'payout', threshold: 0.75, at: T0 + 30 * MIN });
    const handling = startClock('handling', 2 * HOUR, T0); // 50% at +60 min
    expect(earliestAlarm([handling, payout], T0 + 30 * MIN, THRESHOLDS)).toEqual({ kind: 'breach', clock: 'payout', at: T0 + 40 * MIN });
  });

  test('skips paused, stopped and breached clocks', () => {
    const paused = pauseClock(startClock('firstResponse', 10 * MIN, T0), T0 + MIN, 'waiting');
    const stopped = stopClock(startClock('handling', 10 * MIN, T0), T0 + MIN);
    const breached = markAlarm(startClock('payout', 10 * MIN, T0), { kind: 'breach', clock: 'payout', at: T0 });
    const resolution = startClock('resolution', 72 * HOUR, T0);
    expect(earliestAlarm([paused, stopped, breached, resolution], T0 + 2 * MIN, THRESHOLDS)).toMatchObject({
      clock: 'resolution',
      at: T0 + 36 * HOUR,
    });
    expect(earliestAlarm([paused, stopped, breached], T0 + 2 * MIN, THRESHOLDS)).toBeUndefined();
  });

  test('returns nothing for no clocks', () => {
    expect(earliestAlarm([], T0, THRESHOLDS)).toBeUndefined();
  });
});

describe('nearestDueAt', () => {
  test('is the earliest due time among running clocks', () => {
    const clocks = [
      startClock('resolution', 72 * HOUR, T0),
      startClock('handling', 2 * HOUR, T0 + 5 * MIN),
      startClock('firstResponse', 30 * MIN, T0), // due T0 + 30 min, but stopped below
    ];
    clocks[2] = stopClock(clocks[2] as SlaClock, T0 + 10 * MIN);
    expect(nearestDueAt(clocks, T0 + 20 * MIN)).toBe(T0 + 5 * MIN + 2 * HOUR);
  });

  test('ignores paused clocks', () => {
    const clocks = [pauseClock(startClock('firstResponse', 30 * MIN, T0), T0 + MIN, 'waiting'), startClock('resolution', 72 * HOUR, T0)];
    expect(nearestDueAt(clocks, T0 + 2 * MIN)).toBe(T0 + 72 * HOUR);
  });

  test('is undefined when no clock is running', () => {
    const clocks = [stopClock(clock100(), T0 + MIN), pauseClock(startClock('handling', HOUR, T0), T0, 'x')];
    expect(nearestDueAt(clocks, T0 + 2 * MIN)).toBeUndefined();
    expect(nearestDueAt([], T0)).toBeUndefined();
  });
});

describe('clocks on a business-hours calendar', () => {
  /** China time, Monday–Friday 09:00–18:00, with Thursday 1 October 2026 a holiday. */
  const CAL: BusinessCalendar = {
    utcOffsetMinutes: 480,
    days: [1, 2, 3, 4, 5],
    openMinute: 9 * 60,
    closeMinute: 18 * 60,
    holidays: ['2026-10-01'],
    workdays: [],
  };
  /** Epoch ms of Beijing local time on a day of the week of Monday 2026-09-28 ("Mon 10:00"). */
  const DAYS = { Mon: 28, Tue: 29, Wed: 30 } as const;
  function bj(text: `${keyof typeof DAYS} ${string}`): number {
    const [day, time] = text.split(' ') as [keyof typeof DAYS, string];
    const [hh, mm] = time.split(':').map(Number) as [number, number];
    return Date.UTC(2026, 8, DAYS[day], hh, mm) - 8 * HOUR;
  }
  const SUNDAY_NOON = Date.UTC(2026, 8, 27, 12) - 8 * HOUR;

  test('startClock stores the calendar; without one the record has no calendar field', () => {
    expect(startClock('handling', 2 * HOUR, T0, CAL).calendar).toEqual(CAL);
    expect('calendar' in startClock('handling', 2 * HOUR, T0)).toBe(false);
  });

  test('a clock started late in the day runs over the night', () => {
    const clock = startClock('handling', 2 * HOUR, bj('Mon 17:00'), CAL);
    expect(elapsedMs(clock, bj('Mon 23:00'))).toBe(HOUR);
    expect(elapsedMs(clock, bj('Tue 09:30'))).toBe(90 * MIN);
    expect(dueAt(clock, bj('Mon 17:00'))).toBe(bj('Tue 10:00'));
    expect(dueAt(clock, bj('Mon 23:00'))).toBe(bj('Tue 10:00'));
  });

  test('warnings and breach fall on business time, each once', () => {
    let clock = startClock('handling', 2 * HOUR, bj('Mon 17:00'), CAL);
    const seen: ClockAlarm[] = [];
    for (let i = 0; i < 3; i += 1) {
      const alarm = nextAlarm(clock, bj('Mon 17:00'), THRESHOLDS);
      if (!alarm) break;
      seen.push(alarm);
      clock = markAlarm(clock, alarm);
    }
    expect(seen).toEqual([
      { kind: 'warning', clock: 'handling', threshold: 0.5, at: bj('Mon 18:00') },
      { kind: 'warning', clock: 'handling', threshold: 0.75, at: bj('Tue 09:30') },
      { kind: 'breach', clock: 'handling', at: bj('Tue 10:00') },
    ]);
  });

  test('a clock started outside hours does not run until opening', () => {
    const clock = startClock('firstResponse', HOUR, SUNDAY_NOON, CAL);
    expect(elapsedMs(clock, SUNDAY_NOON + 8 * HOUR)).toBe(0);
    expect(dueAt(clock, SUNDAY_NOON)).toBe(bj('Mon 10:00'));
    expect(isBreached(clock, bj('Mon 10:00'))).toBe(false);
    expect(isBreached(clock, bj('Mon 10:00') + 1)).toBe(true);
  });

  test('a pause excludes only the business time it spans', () => {
    let clock = startClock('resolution', 4 * HOUR, bj('Mon 10:00'), CAL);
    clock = pauseClock(clock, bj('Mon 12:00'), 'WAITING_CUSTOMER'); // 2 h elapsed
    clock = resumeClock(clock, bj('Tue 10:00')); // 6 h + 1 h of business time paused
    expect(pausedMs(clock, bj('Tue 11:00'))).toBe(7 * HOUR);
    expect(elapsedMs(clock, bj('Tue 11:00'))).toBe(3 * HOUR);
    expect(dueAt(clock, bj('Tue 11:00'))).toBe(bj('Tue 12:00'));
  });

  test('an open pause stands still; resuming continues from there', () => {
    let clock = startClock('resolution', 4 * HOUR, bj('Mon 10:00'), CAL);
    clock = pauseClock(clock, bj('Mon 11:00'), 'WAITING_CUSTOMER');
    expect(elapsedMs(clock, bj('Wed 15:00'))).toBe(HOUR);
    expect(dueAt(clock, bj('Wed 15:00'))).toBeUndefined();
    expect(nextAlarm(clock, bj('Wed 15:00'), THRESHOLDS)).toBeUndefined();
    clock = resumeClock(clock, bj('Wed 15:00'));
    expect(dueAt(clock, bj('Wed 15:00'))).toBe(bj('Wed 18:00'));
  });

  test('an extension is business time too and can move the deadline past a holiday', () => {
    let clock = startClock('handling', 2 * HOUR, bj('Wed 15:00'), CAL); // due Wed 17:00
    expect(dueAt(clock, bj('Wed 15:00'))).toBe(bj('Wed 17:00'));
    clock = extendClock(clock, bj('Wed 16:00'), 2 * HOUR, 'typhoon');
    // 1 h left on Wednesday, Thursday 1 October is a holiday: due Friday 10:00.
    expect(dueAt(clock, bj('Wed 16:00'))).toBe(Date.UTC(2026, 9, 2, 10) - 8 * HOUR);
  });

  test('an overdue clock is due in the past, at the business instant it ran out', () => {
    const clock = startClock('handling', 2 * HOUR, bj('Mon 10:00'), CAL);
    expect(elapsedMs(clock, bj('Tue 10:00'))).toBe(9 * HOUR);
    expect(dueAt(clock, bj('Tue 10:00'))).toBe(bj('Mon 12:00'));
    expect(
      nextAlarm(
        markAlarm(markAlarm(clock, { kind: 'warning', clock: 'handling', threshold: 0.5, at: 0 }), {
          kind: 'warning',
          clock: 'handling',
          threshold: 0.75,
          at: 0,
        }),
        bj('Tue 10:00'),
        THRESHOLDS,
      ),
    ).toEqual({ kind: 'breach', clock: 'handling', at: bj('Tue 10:00') });
  });

  test('a stopped calendar clock freezes', () => {
    const clock = stopClock(startClock('handling', 2 * HOUR, bj('Mon 17:00'), CAL), bj('Tue 09:15'));
    expect(elapsedMs(clock, bj('Wed 17:00'))).toBe(75 * MIN);
    expect(isBreached(clock, bj('Wed 17:00'))).toBe(false);
  });

  test('earliestAlarm compares a calendar clock with a 24/7 clock by instant', () => {
    const business = startClock('handling', 2 * HOUR, bj('Mon 17:00'), CAL); // 50% at Mon 18:00
    const allDay = startClock('firstResponse', 4 * HOUR, bj('Mon 17:00')); // 50% at Mon 19:00
    expect(earliestAlarm([allDay, business], bj('Mon 17:00'), THRESHOLDS)).toMatchObject({ clock: 'handling', at: bj('Mon 18:00') });
    const later = markAlarm(business, { kind: 'warning', clock: 'handling', threshold: 0.5, at: bj('Mon 18:00') });
    // The business clock's 75% is Tuesday 09:30, after the 24/7 clock's 50% at Monday 19:00.
    expect(earliestAlarm([allDay, later], bj('Mon 18:00'), THRESHOLDS)).toMatchObject({ clock: 'firstResponse', at: bj('Mon 19:00') });
    expect(nearestDueAt([allDay, business], bj('Mon 18:00'))).toBe(bj('Mon 21:00'));
  });

  test('the clock record stays plain JSON and computes the same after a round trip', () => {
    let clock = startClock('resolution', 4 * HOUR, bj('Mon 10:00'), CAL);
    clock = pauseClock(clock, bj('Mon 12:00'), 'WAITING_CUSTOMER');
    clock = resumeClock(clock, bj('Tue 10:00'));
    clock = extendClock(clock, bj('Tue 10:30'), HOUR, 'incident');
    const copy = JSON.parse(JSON.stringify(clock)) as SlaClock;
    expect(copy).toEqual(clock);
    expect(elapsedMs(copy, bj('Tue 11:00'))).toBe(elapsedMs(clock, bj('Tue 11:00')));
    expect(dueAt(copy, bj('Tue 11:00'))).toBe(bj('Tue 13:00'));
  });
});
