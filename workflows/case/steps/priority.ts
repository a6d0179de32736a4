import { extendClock } from '../../../domain/sla-clock';
import { clockTargetMs } from '../../../domain/sla-policy';
import type { Actor, Priority } from '../../../domain/types';
import { clocksOf } from '../state/case-data';
import type { CaseState } from '../state/case-state';

/**
 * A new priority: running clocks move to its targets, kept as an extension (negative when the case
 * became more urgent) so the clock's history shows why. By the case's current type (a DELAYED
 * case may have become LOST) and its customer's segment.
 */
export function changePriority(state: CaseState, priority: Priority, reason: string | undefined, actor: Actor): void {
  const from = state.data.priority;
  state.setPriority(priority);
  const type = state.data.currentType;
  const { segment } = state.input.customer;
  for (const clock of clocksOf(state.data)) {
    if (clock.state === 'stopped') continue;
    const target = clockTargetMs(state.policy, clock.name, type, priority, segment);
    const current = clockTargetMs(state.policy, clock.name, type, from, segment);
    if (target !== current) state.clocks.set(extendClock(clock, Date.now(), target - current, `priority ${from} → ${priority}`));
  }
  const change = { from, to: priority, ...(reason ? { reason } : {}) };
  state.record('case.priority_changed', `${from} → ${priority}${reason ? `: ${reason}` : ''}`, change, actor);
}
