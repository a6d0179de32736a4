import type { Severity } from '../../../../domain/severity';
import type { Actor } from '../../../../domain/types';
import type { Changing } from './changing';

/** Changes for a complaint's severity and the supervisor's plan for a major one. */

export function setSeverity(c: Changing, severity: Severity, reason: string, actor: Actor): void {
  const from = c.d.severity;
  c.d.severity = severity;
  c.record('case.severity_changed', `${from} → ${severity}: ${reason}`, { from, to: severity, reason }, actor);
}

/** The supervisor's plan: shown on the case, and it stops the plan clock. */
export function recordPlan(c: Changing, text: string, actor: Actor): void {
  c.d.plan = { text, at: new Date().toISOString(), by: actor.id };
  c.record('case.plan_recorded', `plan: ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`, { plan: text }, actor);
  c.clocks.stop('plan', `plan recorded by ${actor.id}`);
}
