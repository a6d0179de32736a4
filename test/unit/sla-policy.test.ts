import { clockTargetMs, type SlaPolicy } from '../../domain/sla-policy';
import type { Priority } from '../../domain/types';
import { testPolicy } from '../helpers/policy';

const H = 3_600_000;

function policy(): SlaPolicy {
  return testPolicy({
    clocks: {
      firstResponse: { targetMs: 30 * 60_000 },
      handling: { targetMs: 2 * H },
      resolution: { targetMs: 72 * H },
      payout: { targetMs: 24 * H, byType: { LOST: 48 * H } },
      callback: { targetMs: 48 * H },
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
