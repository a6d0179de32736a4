import { DEFAULT_NOTICE_POLICY, quietHoursEnd, type QuietHours } from '../../domain/notice-policy';

const CHINA: QuietHours = { utcOffsetMinutes: 480, startMinute: 21 * 60, endMinute: 8 * 60 };
/** An instant given in China time. */
const cst = (local: string) => Date.parse(`${local}+08:00`);

describe('quietHoursEnd (21:00–08:00 Asia/Shanghai)', () => {
  test.each<[string, string | undefined]>([
    ['2026-11-24T23:00:00', '2026-11-25T08:00:00'],
    ['2026-11-24T21:00:00', '2026-11-25T08:00:00'],
    ['2026-11-24T20:59:59', undefined],
    ['2026-11-25T00:30:00', '2026-11-25T08:00:00'],
    ['2026-11-25T07:59:59', '2026-11-25T08:00:00'],
    ['2026-11-25T08:00:00', undefined],
    ['2026-11-25T12:00:00', undefined],
    // 23:00 China time is 15:00 UTC: the local day, not the UTC day, decides.
    ['2026-12-31T23:30:00', '2027-01-01T08:00:00'],
  ])('a text at %s goes at %s', (at, expected) => {
    const end = quietHoursEnd(cst(at), CHINA);
    expect(end === undefined ? undefined : new Date(end).toISOString()).toBe(expected === undefined ? undefined : new Date(cst(expected)).toISOString());
  });

  test('a window within one day (13:00–14:00) and none at all', () => {
    const siesta: QuietHours = { utcOffsetMinutes: 480, startMinute: 13 * 60, endMinute: 14 * 60 };
    expect(quietHoursEnd(cst('2026-11-24T13:30:00'), siesta)).toBe(cst('2026-11-24T14:00:00'));
    expect(quietHoursEnd(cst('2026-11-24T14:00:00'), siesta)).toBeUndefined();
    expect(quietHoursEnd(cst('2026-11-24T23:00:00'), undefined)).toBeUndefined();
    expect(quietHoursEnd(cst('2026-11-24T23:00:00'), { ...CHINA, endMinute: CHINA.startMinute })).toBeUndefined();
  });

  test('the defaults: quiet 21:00–08:00 China time, WeCom 20 a minute', () => {
    expect(DEFAULT_NOTICE_POLICY.quietHours).toEqual(CHINA);
    expect(DEFAULT_NOTICE_POLICY.wecom).toEqual({ perWindow: 20, windowMs: 60_000 });
  });
});
