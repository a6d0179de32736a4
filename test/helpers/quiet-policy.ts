import type { SlaPolicy } from '../../domain/sla-policy';
import { testPolicy } from '../../fixtures/fast-policy';

const HOUR = 3_600_000;

/**
 * The fast test policy with every timer pushed out by hours: after its first steps a case stays
 * still, so any row written while a test pokes it is that poke's doing.
 */
export function quietPolicy(): SlaPolicy {
  const fast = testPolicy();
  return {
    ...fast,
    clocks: Object.fromEntries(Object.keys(fast.clocks).map((name) => [name, { targetMs: 10 * HOUR }])) as SlaPolicy['clocks'],
    delayed: { urgeIntervalMs: HOUR, maxUrges: 1, totalDelayMs: 20 * HOUR },
    feedback: { ...fast.feedback, windowMs: 10 * HOUR, remindersMs: [5 * HOUR] },
    evidence: { remindersMs: [HOUR], windowMs: 10 * HOUR },
  };
}
