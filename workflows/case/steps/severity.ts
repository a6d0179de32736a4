import { allowanceMs, extendClock } from '../../../domain/sla-clock';
import type { Severity } from '../../../domain/severity';
import { WORKFLOW_ACTOR, type Actor } from '../../../domain/types';
import type { CaseState } from '../state/case-state';
import { notifyStaff } from './staff';

/**
 * What a complaint's severity does to the case. A major one goes straight to the supervisors
 * (tier 2, their queue told), starts the `plan` clock and holds the resolution clock to the
 * policy's `severity.major.resolution` (kept as an extension with its reason, like a priority
 * change). Lowered from major, the plan clock stops; the resolution target stays as it is.
 */
export function changeSeverity(state: CaseState, severity: Severity, reason: string, actor: Actor): void {
  const from = state.data.severity;
  state.setSeverity(severity, reason, actor);
  if (severity === 'major' && from !== 'major') treatAsMajor(state, reason, actor);
  if (from === 'major' && severity !== 'major') state.clocks.stop('plan', `severity lowered to ${severity}`);
}

/** A major complaint: tier 2 at least, a plan due, a shorter resolution target. */
export function treatAsMajor(state: CaseState, reason: string, actor: Actor = WORKFLOW_ACTOR): void {
  const why = `major complaint: ${reason}`;
  if (state.data.tier < 2 && state.escalate(why, actor)) {
    state.inBackground(() => notifyStaff(state, `major:tier${state.data.tier}`, 'staff.escalated', { reason: why }));
  }
  state.clocks.start('plan');
  const target = state.policy.severity?.major.resolutionMs;
  const resolution = state.clocks.get('resolution');
  if (target === undefined || !resolution || resolution.state === 'stopped') return;
  const change = target - allowanceMs(resolution);
  if (change !== 0) state.clocks.set(extendClock(resolution, Date.now(), change, why));
}
