import type { SlaPolicy } from '../../domain/sla-policy';

/**
 * A policy in seconds, so whole case lifecycles run in a test. Targets are chosen so that a case
 * that is driven promptly never breaches, and one left alone breaches within seconds.
 */
export function testPolicy(overrides: Partial<SlaPolicy> = {}): SlaPolicy {
  return {
    version: 1,
    warningThresholds: [0.5, 0.75],
    clocks: {
      firstResponse: { targetMs: 5_000 },
      handling: { targetMs: 20_000 },
      resolution: { targetMs: 60_000 },
      payout: { targetMs: 20_000 },
      callback: { targetMs: 20_000 },
    },
    priorityFactor: { low: 1.5, normal: 1, high: 0.75, urgent: 0.5 },
    escalation: { onBreach: true, onLastWarning: false },
    delayed: { urgeIntervalMs: 10_000, maxUrges: 3 },
    feedback: { windowMs: 30_000, remindersMs: [15_000] },
    ...overrides,
  };
}
