import { readFileSync } from 'node:fs';
import { DEFAULT_SLA_POLICY_FILE, loadSlaPolicy, resolveSlaPolicy } from '../../config/sla-policy';
import { ConfigError } from '../../config/errors';
import { addBusinessTime } from '../../domain/business-calendar';
import { CLOCK_NAMES, clockCalendar, clockTargetMs, type SlaPolicy } from '../../domain/sla-policy';
import type { CustomerSegment, Priority } from '../../domain/types';
import { testPolicy } from '../../fixtures/fast-policy';
import { DEFAULT_REPORT_POLICY, reportPolicyOf } from '../../config/report-policy';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a policy document as JSON, edited in place by each case
type JsonDocument = Record<string, any>;

const H = 3_600_000;

function policy(): SlaPolicy {
  return testPolicy({
    clocks: {
      firstResponse: { targetMs: 30 * 60_000 },
      handling: { targetMs: 2 * H },
      resolution: { targetMs: 72 * H },
      payout: { targetMs: 24 * H, byType: { LOST: 48 * H } },
      callback: { targetMs: 48 * H },
      returnReceipt: { targetMs: 24 * H },
    },
    priorityFactor: { low: 1.5, normal: 1, high: 0.75, urgent: 0.5 },
  });
}

describe('clockTargetMs', () => {
  test('uses the clock target for a type without an override', () => {
    expect(clockTargetMs(policy(), 'payout', 'DAMAGED', 'normal')).toBe(24 * H);
  });

  test('uses the byType override for that type', () => {
    expect(clockTargetMs(policy(), 'payout', 'LOST', 'normal')).toBe(48 * H);
  });

  test('an override on one clock does not leak into another clock', () => {
    expect(clockTargetMs(policy(), 'resolution', 'LOST', 'normal')).toBe(72 * H);
  });

  test.each<[Priority, number]>([
    ['low', 45 * 60_000],
    ['normal', 30 * 60_000],
    ['high', 22.5 * 60_000],
    ['urgent', 15 * 60_000],
  ])('scales the first-response target by the %s priority factor', (priority, expected) => {
    expect(clockTargetMs(policy(), 'firstResponse', 'DELAYED', priority)).toBe(expected);
  });

  test.each<[CustomerSegment, number]>([
    ['standard', 30 * 60_000],
    ['vip', 22.5 * 60_000],
    ['key-account', 15 * 60_000],
  ])("scales the first-response target by the %s segment's factor, after the priority's", (segment, expected) => {
    const segmented: SlaPolicy = { ...policy(), segmentFactor: { standard: 1, vip: 0.75, 'key-account': 0.5 } };
    expect(clockTargetMs(segmented, 'firstResponse', 'DELAYED', 'normal', segment)).toBe(expected);
    expect(clockTargetMs(segmented, 'firstResponse', 'DELAYED', 'urgent', segment)).toBe(expected / 2);
  });

  test('a policy without segment factors treats every segment as standard', () => {
    const older = policy();
    expect(older.segmentFactor).toBeUndefined();
    expect(clockTargetMs(older, 'firstResponse', 'DELAYED', 'normal', 'key-account')).toBe(30 * 60_000);
  });

  test('an urgent case gets half of the overridden target', () => {
    expect(clockTargetMs(policy(), 'payout', 'LOST', 'urgent')).toBe(24 * H);
  });

  test('rounds to whole milliseconds', () => {
    const p = testPolicy({ priorityFactor: { low: 1.5, normal: 1, high: 1 / 3, urgent: 0.5 } });
    const target = clockTargetMs(p, 'firstResponse', 'DELAYED', 'high'); // 5000 / 3
    expect(target).toBe(1_667);
    expect(Number.isInteger(target)).toBe(true);
  });
});

/** The shipped policy file, as a fresh mutable document. */
function defaultDocument(): JsonDocument {
  return JSON.parse(readFileSync(DEFAULT_SLA_POLICY_FILE, 'utf8')) as JsonDocument;
}

/** The message of the ConfigError `fn` throws; fails if it throws nothing or something else. */
function configErrorMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

const BUSINESS_HOURS = {
  utcOffset: '+08:00',
  days: [1, 2, 3, 4, 5, 6],
  open: '09:00',
  close: '18:00',
  holidays: ['2026-10-01', '2026-10-02'],
  workdays: ['2026-10-11'],
  clocks: ['handling', 'resolution'],
};

describe('policy file extensions: defaults', () => {
  const policy = loadSlaPolicy(DEFAULT_SLA_POLICY_FILE, 1);

  test('returnReceipt and plan are the last clocks, with their seed targets (24 h, 2 h)', () => {
    expect(CLOCK_NAMES.slice(-2)).toEqual(['returnReceipt', 'plan']);
    expect(policy.clocks.returnReceipt).toEqual({ targetMs: 24 * H });
    expect(policy.clocks.plan).toEqual({ targetMs: 2 * H });
    expect(policy.severity).toEqual({ major: { resolutionMs: 24 * H } });
    expect(policy.segmentFactor).toEqual({ standard: 1, vip: 0.75, 'key-account': 0.5 });
  });

  test('the shipped file resolves every new section to its documented default', () => {
    expect(policy.delayed).toEqual({ urgeIntervalMs: 4 * H, maxUrges: 3, totalDelayMs: 72 * H });
    expect(policy.lost).toEqual({ lastScanAgeMs: 48 * H });
    expect(policy.carrier).toEqual({ followUpIntervalMs: 2 * H, maxFollowUps: 6 });
    expect(policy.evidence).toEqual({ remindersMs: [4 * H, 24 * H], windowMs: 72 * H });
    expect(policy.claims).toEqual({
      uninsuredFreightMultiple: 3,
      platformPaysFirst: true,
      approvalLimits: { agent: 50_000, supervisor: 500_000, expert: 5_000_000 },
      recoveryPollIntervalMs: 24 * H,
      recoveryMaxPolls: 5,
      payoutDecisionWindowMs: 7 * 24 * H,
      confirmPayee: true,
      dailyCapsFen: { perAgent: 200_000, perPayee: 100_000 },
    });
    expect(policy.goodwill).toEqual({ maxPerCase: 2, maxTotalFen: 20_000 });
    expect(policy.supplier).toEqual({ reminderIntervalMs: 4 * H, maxReminders: 2, responseTargetMs: 24 * H });
    expect(policy.feedback).toEqual({ windowMs: 48 * H, remindersMs: [24 * H], lowScoreThreshold: 2, maxReopens: 1 });
    expect(policy.businessHours).toBeUndefined();
    expect('businessHours' in policy).toBe(false);
  });

  test('an older policy file without the new fields gets the same defaults', () => {
    const old = defaultDocument();
    delete old.clocks.returnReceipt;
    delete old.delayed.totalDelay;
    delete old.feedback.lowScoreThreshold;
    delete old.feedback.maxReopens;
    for (const section of ['lost', 'carrier', 'evidence', 'claims', 'supplier']) delete old[section];
    // Payout screening is what a file sets: an older file screens nothing.
    const { confirmPayee, dailyCapsFen, ...unscreened } = policy.claims;
    expect([confirmPayee, dailyCapsFen]).toEqual([true, { perAgent: 200_000, perPayee: 100_000 }]);
    expect(resolveSlaPolicy(old, 1, 'old.json')).toEqual({ ...policy, claims: unscreened });
  });

  test('payout screening: daily caps are whole positive fen, and nothing else is accepted in the section', () => {
    const document = defaultDocument();
    document.claims = { ...document.claims, dailyCaps: { perAgent: -1 } };
    expect(() => resolveSlaPolicy(document, 1, 'x')).toThrow(/dailyCaps\.perAgent/);
    document.claims = { ...document.claims, dailyCaps: { perDay: 100 } };
    expect(() => resolveSlaPolicy(document, 1, 'x')).toThrow(/perDay/);
    document.claims = { ...document.claims, dailyCaps: { perPayee: 30_000 }, confirmPayee: false };
    expect(resolveSlaPolicy(document, 1, 'x').claims).toMatchObject({ confirmPayee: false, dailyCapsFen: { perPayee: 30_000 } });
  });

  test('a partly written section keeps the defaults of the fields it leaves out', () => {
    const document = defaultDocument();
    document.claims = { uninsuredFreightMultiple: 5 };
    const claims = resolveSlaPolicy(document, 1, 'x').claims;
    expect(claims.uninsuredFreightMultiple).toBe(5);
    expect(claims.approvalLimits).toEqual({ agent: 50_000, supervisor: 500_000, expert: 5_000_000 });
    expect(claims.recoveryMaxPolls).toBe(5);
  });

  test('the resolved policy is plain JSON data', () => {
    const document = defaultDocument();
    document.businessHours = BUSINESS_HOURS;
    const resolved = resolveSlaPolicy(document, 1, 'x');
    expect(JSON.parse(JSON.stringify(resolved))).toEqual(resolved);
  });
});

describe('policy file extensions: SLA_TIME_SCALE', () => {
  const unscaled = resolveSlaPolicy(defaultDocument(), 1, 'default');
  const scaled = resolveSlaPolicy(defaultDocument(), 0.001, 'default');

  test('scales every new duration', () => {
    expect(scaled.clocks.returnReceipt.targetMs).toBe(24 * H * 0.001);
    expect(scaled.delayed.totalDelayMs).toBe(72 * H * 0.001);
    expect(scaled.lost.lastScanAgeMs).toBe(48 * H * 0.001);
    expect(scaled.carrier.followUpIntervalMs).toBe(2 * H * 0.001);
    expect(scaled.evidence.remindersMs).toEqual([4 * H * 0.001, 24 * H * 0.001]);
    expect(scaled.evidence.windowMs).toBe(72 * H * 0.001);
    expect(scaled.claims.recoveryPollIntervalMs).toBe(24 * H * 0.001);
    expect(scaled.supplier.reminderIntervalMs).toBe(4 * H * 0.001);
    expect(scaled.supplier.responseTargetMs).toBe(24 * H * 0.001);
  });

  test('does not scale amounts, counts, multiples or flags', () => {
    expect(scaled.claims.approvalLimits).toEqual(unscaled.claims.approvalLimits);
    expect(scaled.claims.uninsuredFreightMultiple).toBe(3);
    expect(scaled.claims.platformPaysFirst).toBe(true);
    expect(scaled.claims.recoveryMaxPolls).toBe(unscaled.claims.recoveryMaxPolls);
    expect(scaled.carrier.maxFollowUps).toBe(unscaled.carrier.maxFollowUps);
    expect(scaled.supplier.maxReminders).toBe(unscaled.supplier.maxReminders);
    expect(scaled.feedback.lowScoreThreshold).toBe(unscaled.feedback.lowScoreThreshold);
    expect(scaled.feedback.maxReopens).toBe(unscaled.feedback.maxReopens);
  });

  test('business hours apply only at scale 1; a scaled policy runs every clock 24/7', () => {
    const document = defaultDocument();
    document.businessHours = BUSINESS_HOURS;
    expect(resolveSlaPolicy(document, 1, 'x').businessHours).toBeDefined();
    const demo = resolveSlaPolicy(document, 0.001, 'x');
    expect(demo.businessHours).toBeUndefined();
    expect(clockCalendar(demo, 'handling')).toBeUndefined();
  });

  test('a scaled policy still validates its business hours', () => {
    const document = defaultDocument();
    document.businessHours = { ...BUSINESS_HOURS, close: '08:00' };
    expect(configErrorMessage(() => resolveSlaPolicy(document, 0.001, 'x'))).toContain('businessHours.close');
  });
});

describe('policy file extensions: business hours', () => {
  function resolved(hours: Record<string, unknown>): SlaPolicy {
    const document = defaultDocument();
    document.businessHours = hours;
    return resolveSlaPolicy(document, 1, 'x');
  }

  test('resolves to a calendar and the clocks that run on it', () => {
    expect(resolved(BUSINESS_HOURS).businessHours).toEqual({
      calendar: {
        utcOffsetMinutes: 480,
        days: [1, 2, 3, 4, 5, 6],
        openMinute: 540,
        closeMinute: 1080,
        holidays: ['2026-10-01', '2026-10-02'],
        workdays: ['2026-10-11'],
      },
      clocks: ['handling', 'resolution'],
    });
  });

  test('holidays, workdays and clocks have defaults; "24:00" and negative offsets parse', () => {
    const hours = resolved({ utcOffset: '-05:30', days: [5, 1], open: '00:00', close: '24:00' }).businessHours;
    expect(hours?.calendar).toEqual({
      utcOffsetMinutes: -330,
      days: [1, 5],
      openMinute: 0,
      closeMinute: 1440,
      holidays: [],
      workdays: [],
    });
    expect(hours?.clocks).toEqual(['handling', 'resolution']);
  });

  test('clockCalendar gives the calendar only to the clocks named', () => {
    const policy = resolved(BUSINESS_HOURS);
    expect(clockCalendar(policy, 'handling')).toEqual(policy.businessHours?.calendar);
    expect(clockCalendar(policy, 'resolution')).toBeDefined();
    expect(clockCalendar(policy, 'firstResponse')).toBeUndefined();
    expect(clockCalendar(testPolicy(), 'handling')).toBeUndefined();
  });

  test('the resolved calendar works with addBusinessTime (Wednesday 17:00 + 2 h → Saturday 10:00 over National Day)', () => {
    const calendar = clockCalendar(resolved(BUSINESS_HOURS), 'handling');
    const wed17 = Date.UTC(2026, 8, 30, 9); // 17:00 in Beijing
    expect(addBusinessTime(wed17, 2 * H, calendar!)).toBe(Date.UTC(2026, 9, 3, 2)); // Saturday 10:00 Beijing
  });
});

describe('policy file extensions: bad values', () => {
  test.each<[string, (document: JsonDocument) => void, string, RegExp]>([
    ['a bad totalDelay', (d) => (d.delayed.totalDelay = '3 days'), 'delayed.totalDelay', /positive duration/],
    ['a zero lastScanAge', (d) => (d.lost = { lastScanAge: '0h' }), 'lost.lastScanAge', /positive duration/],
    ['an unknown field in lost', (d) => (d.lost.lastScan = '1h'), 'lost', /lastScan/],
    ['a bad followUpInterval', (d) => (d.carrier.followUpInterval = 2), 'carrier.followUpInterval', /string/],
    ['maxFollowUps of 0', (d) => (d.carrier.maxFollowUps = 0), 'carrier.maxFollowUps', /between 1 and 50/],
    ['a fractional maxFollowUps', (d) => (d.carrier.maxFollowUps = 2.5), 'carrier.maxFollowUps', /whole number/],
    ['a bad evidence reminder', (d) => (d.evidence.reminders = ['4h', 'later']), 'evidence.reminders.1', /positive duration/],
    ['an evidence reminder after the window', (d) => (d.evidence.reminders = ['4h', '80h']), 'evidence.reminders.1', /shorter than the window \(72h\)/],
    ['a bad evidence window', (d) => (d.evidence.window = ''), 'evidence.window', /positive duration/],
    ['a returnReceipt without target', (d) => (d.clocks.returnReceipt = {}), 'clocks.returnReceipt.target', /./],
    ['a freight multiple of 0', (d) => (d.claims.uninsuredFreightMultiple = 0), 'claims.uninsuredFreightMultiple', /greater than 0/],
    ['platformPaysFirst as a string', (d) => (d.claims.platformPaysFirst = 'yes'), 'claims.platformPaysFirst', /boolean/],
    ['a fractional fen limit', (d) => (d.claims.approvalLimits.agent = 500.5), 'claims.approvalLimits.agent', /whole number of fen/],
    ['a zero fen limit', (d) => (d.claims.approvalLimits.agent = 0), 'claims.approvalLimits.agent', /greater than 0 fen/],
    ['a negative fen limit', (d) => (d.claims.approvalLimits.expert = -1), 'claims.approvalLimits.expert', /greater than 0 fen/],
    [
      'limits out of order (supervisor ≤ agent)',
      (d) => (d.claims.approvalLimits = { agent: 50_000, supervisor: 50_000, expert: 5_000_000 }),
      'claims.approvalLimits.supervisor',
      /greater than the agent limit \(50000 fen\)/,
    ],
    [
      'limits out of order (expert < supervisor)',
      (d) => (d.claims.approvalLimits = { agent: 50_000, supervisor: 500_000, expert: 400_000 }),
      'claims.approvalLimits.expert',
      /greater than the supervisor limit \(500000 fen\)/,
    ],
    ['a missing limit', (d) => delete d.claims.approvalLimits.supervisor, 'claims.approvalLimits.supervisor', /./],
    ['a bad recoveryPollInterval', (d) => (d.claims.recoveryPollInterval = '1 day'), 'claims.recoveryPollInterval', /positive duration/],
    ['recoveryMaxPolls of 0', (d) => (d.claims.recoveryMaxPolls = 0), 'claims.recoveryMaxPolls', /between 1 and 50/],
    ['a bad supplier interval', (d) => (d.supplier.reminderInterval = '4'), 'supplier.reminderInterval', /positive duration/],
    ['negative maxReminders', (d) => (d.supplier.maxReminders = -1), 'supplier.maxReminders', /between 0 and 10/],
    ['a bad responseTarget', (d) => (d.supplier.responseTarget = '0s'), 'supplier.responseTarget', /positive duration/],
    ['a low-score threshold of 5', (d) => (d.feedback.lowScoreThreshold = 5), 'feedback.lowScoreThreshold', /between 0 and 4/],
    ['a negative maxReopens', (d) => (d.feedback.maxReopens = -1), 'feedback.maxReopens', /between 0 and 5/],
    ['a fractional goodwill total', (d) => (d.goodwill = { maxTotalFen: 100.5 }), 'goodwill.maxTotalFen', /whole number of fen/],
    ['a negative goodwill total', (d) => (d.goodwill = { maxTotalFen: -1 }), 'goodwill.maxTotalFen', /negative/],
    ['goodwill maxPerCase of 21', (d) => (d.goodwill = { maxPerCase: 21 }), 'goodwill.maxPerCase', /between 0 and 20/],
    ['an unknown goodwill field', (d) => (d.goodwill = { perCase: 1 }), 'goodwill', /perCase/],
    ['a bad payoutDecisionWindow', (d) => (d.claims.payoutDecisionWindow = 'a week'), 'claims.payoutDecisionWindow', /positive duration/],
  ])('refuses %s, naming the field and what is wrong', (_label, mutate, field, problem) => {
    const document = defaultDocument();
    mutate(document);
    const message = configErrorMessage(() => resolveSlaPolicy(document, 1, '/etc/policies/sla.json'));
    expect(message).toContain('/etc/policies/sla.json');
    const line = message.split('\n').find((text) => text.includes(`${field}:`) || text.includes(`${field}.`));
    expect(line).toBeDefined();
    expect(line).toMatch(problem);
  });

  test.each<[string, Record<string, unknown>, string, RegExp]>([
    ['a bad offset', { utcOffset: '8' }, 'businessHours.utcOffset', /UTC offset such as "\+08:00"/],
    ['an offset beyond 14 h', { utcOffset: '+15:00' }, 'businessHours.utcOffset', /between -14:00 and \+14:00/],
    ['no working days', { days: [] }, 'businessHours.days', /at least one working weekday/],
    ['a weekday of 8', { days: [1, 8] }, 'businessHours.days.1', /between 1 and 7/],
    ['a repeated weekday', { days: [1, 1] }, 'businessHours.days', /repeat/],
    ['a bad opening time', { open: '9am' }, 'businessHours.open', /HH:MM/],
    ['25:00', { close: '25:00' }, 'businessHours.close', /HH:MM/],
    ['closing before opening', { open: '18:00', close: '09:00' }, 'businessHours.close', /later than open \(18:00\).*no open time/],
    ['closing at opening', { open: '09:00', close: '09:00' }, 'businessHours.close', /later than open/],
    ['a bad holiday', { holidays: ['2026-10-01', '2026-13-01'] }, 'businessHours.holidays.1', /YYYY-MM-DD/],
    ['a bad workday', { workdays: ['11/10/2026'] }, 'businessHours.workdays.0', /YYYY-MM-DD/],
    ['a date both holiday and workday', { workdays: ['2026-10-01'] }, 'businessHours.workdays', /2026-10-01 is also listed in holidays/],
    ['an unknown clock', { clocks: ['handling', 'lunch'] }, 'businessHours.clocks.1', /./],
    ['no clocks', { clocks: [] }, 'businessHours.clocks', /at least one clock/],
    ['an unknown field', { timezone: 'Asia/Shanghai' }, 'businessHours', /timezone/],
  ])('refuses business hours with %s', (_label, change, field, problem) => {
    const document = defaultDocument();
    document.businessHours = { ...BUSINESS_HOURS, ...change };
    const message = configErrorMessage(() => resolveSlaPolicy(document, 1, 'p.json'));
    const line = message.split('\n').find((text) => text.includes(`${field}:`));
    expect(line).toBeDefined();
    expect(line).toMatch(problem);
  });

  test('a missing businessHours field is named', () => {
    const document = defaultDocument();
    const { open: _open, ...rest } = BUSINESS_HOURS;
    document.businessHours = rest;
    expect(configErrorMessage(() => resolveSlaPolicy(document, 1, 'p.json'))).toContain('businessHours.open');
  });

  test('minutes are exact: 17:30 closing gives 1050', () => {
    const document = defaultDocument();
    document.businessHours = { ...BUSINESS_HOURS, close: '17:30' };
    expect(resolveSlaPolicy(document, 1, 'x').businessHours?.calendar.closeMinute).toBe(17 * 60 + 30);
  });
});

describe('the reports section', () => {
  test('a policy without one gets the report defaults (Asia/Shanghai, weights 0.25/0.25/0.15/0.2/0.15)', () => {
    const resolved = resolveSlaPolicy(defaultDocument(), 1, 'default');
    expect(resolved.reports).toBeUndefined();
    expect(reportPolicyOf(resolved)).toEqual(DEFAULT_REPORT_POLICY);
  });

  test('a partial section overrides just what it names; unnamed weights keep their defaults', () => {
    const document = { ...defaultDocument(), reports: { repeatContactDays: 14, healthWeights: { csat: 0.5 }, utcOffsetMinutes: 420 } };
    const settings = reportPolicyOf(resolveSlaPolicy(document, 1, 'x'));
    expect(settings.repeatContactDays).toBe(14);
    expect(settings.utcOffsetMinutes).toBe(420);
    expect(settings.healthWeights).toEqual({ ...DEFAULT_REPORT_POLICY.healthWeights, csat: 0.5 });
    expect(settings.maxRangeDays).toBe(DEFAULT_REPORT_POLICY.maxRangeDays);
  });

  test('bad report settings are refused with the field named', () => {
    const refused = (reports: unknown) => configErrorMessage(() => resolveSlaPolicy({ ...defaultDocument(), reports }, 1, 'x'));
    expect(refused({ healthWeights: { csat: 1.5 } })).toContain('reports.healthWeights.csat');
    expect(refused({ healthWeights: { exceptionRate: 0, onTimeHandling: 0, complaints: 0, csat: 0, claimRate: 0 } })).toContain('at least one weight');
    expect(refused({ utcOffsetMinutes: 900 })).toContain('reports.utcOffsetMinutes');
    expect(refused({ satisfiedFrom: 6 })).toContain('reports.satisfiedFrom');
    expect(refused({ damageRate: 0.001 })).toContain('reports');
  });

  test('the carrier scorecard targets: defaults, overrides, per-carrier contracts', () => {
    const defaults = reportPolicyOf(resolveSlaPolicy(defaultDocument(), 1, 'default'));
    expect(defaults).toMatchObject({
      onTimeDeliveryTarget: 0.95,
      firstAttemptDeliveryTarget: 0.9,
      transitP90TargetHours: 72,
      exceptionRateTarget: 0.02,
      claimRecoveryTarget: 0.8,
      backupCarrierWeeks: 3,
      carrierTargets: {},
    });
    const reports = { onTimeDeliveryTarget: 0.9, backupCarrierWeeks: 4, carrierTargets: { SF: { onTimeDeliveryTarget: 0.98, transitP90TargetHours: 48 } } };
    const settings = reportPolicyOf(resolveSlaPolicy({ ...defaultDocument(), reports }, 1, 'x'));
    expect(settings).toMatchObject({ onTimeDeliveryTarget: 0.9, firstAttemptDeliveryTarget: 0.9, backupCarrierWeeks: 4 });
    expect(settings.carrierTargets).toEqual({ SF: { onTimeDeliveryTarget: 0.98, transitP90TargetHours: 48 } });
  });

  test('bad carrier scorecard targets are refused with the field named', () => {
    const refused = (reports: unknown) => configErrorMessage(() => resolveSlaPolicy({ ...defaultDocument(), reports }, 1, 'x'));
    expect(refused({ onTimeDeliveryTarget: 0 })).toContain('reports.onTimeDeliveryTarget');
    expect(refused({ firstAttemptDeliveryTarget: 1.2 })).toContain('reports.firstAttemptDeliveryTarget');
    expect(refused({ transitP90TargetHours: -1 })).toContain('reports.transitP90TargetHours');
    expect(refused({ backupCarrierWeeks: 0 })).toContain('reports.backupCarrierWeeks');
    expect(refused({ backupCarrierWeeks: 2.5 })).toContain('reports.backupCarrierWeeks');
    expect(refused({ carrierTargets: { SF: { claimRecoveryTarget: 2 } } })).toContain('reports.carrierTargets.SF.claimRecoveryTarget');
    expect(refused({ carrierTargets: { SF: { backupCarrierWeeks: 2 } } })).toContain('reports.carrierTargets.SF');
    expect(refused({ carrierTargets: { NOPE: { onTimeDeliveryTarget: 0.9 } } })).toContain('reports.carrierTargets');
  });
});
