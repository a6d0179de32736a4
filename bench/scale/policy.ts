import { readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_SLA_POLICY_FILE } from '../../config/sla-policy';

/**
 * The scale bench's SLA policy file: the default policy with every clock and follow-up hours to
 * days long, so the cases it opens idle with their SLA timers pending for the whole run; except
 * that `urgent` cases run their clocks 4,000× faster (priority factor 0.00025), so the handling
 * clock (24 h) of the urgent share breaches about 22 s after it starts — real breaches, which
 * set the read model's `sla_breached` and the `SlaBreached` search attribute the way production
 * does, for the breached list and the visibility query to find.
 */

export const URGENT_FACTOR = 0.00025;
export const HANDLING_TARGET_MS = 24 * 3_600_000;

export function writeScalePolicy(path: string): void {
  const policy = JSON.parse(readFileSync(DEFAULT_SLA_POLICY_FILE, 'utf8')) as Record<string, Record<string, unknown>>;
  policy.clocks = {
    ...policy.clocks,
    firstResponse: { target: '24h' },
    handling: { target: '24h' },
    resolution: { target: '400d' },
  };
  policy.priorityFactor = { ...policy.priorityFactor, urgent: URGENT_FACTOR };
  policy.delayed = { ...policy.delayed, urgeInterval: '24h', totalDelay: '400d' };
  policy.carrier = { ...policy.carrier, followUpInterval: '24h' };
  writeFileSync(path, `${JSON.stringify(policy, null, 2)}\n`);
}
