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
      returnReceipt: { targetMs: 20_000 },
    },
    priorityFactor: { low: 1.5, normal: 1, high: 0.75, urgent: 0.5 },
    escalation: { onBreach: true, onLastWarning: false },
    delayed: { urgeIntervalMs: 10_000, maxUrges: 3, totalDelayMs: 60_000 },
    lost: { lastScanAgeMs: 30_000 },
    carrier: { followUpIntervalMs: 1_000, maxFollowUps: 6 },
    evidence: { remindersMs: [5_000, 10_000], windowMs: 20_000 },
    claims: {
      uninsuredFreightMultiple: 3,
      platformPaysFirst: true,
      approvalLimits: { agent: 50_000, supervisor: 500_000, expert: 5_000_000 },
      recoveryPollIntervalMs: 1_000,
      recoveryMaxPolls: 5,
      payoutDecisionWindowMs: 120_000,
    },
    goodwill: { maxPerCase: 2, maxTotalFen: 20_000 },
    supplier: { reminderIntervalMs: 5_000, maxReminders: 2, responseTargetMs: 20_000 },
    feedback: { windowMs: 30_000, remindersMs: [15_000], lowScoreThreshold: 2, maxReopens: 1 },
    ...overrides,
  };
}
