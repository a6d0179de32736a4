import { type Actor, type CaseStatus, type EscalationTier, type ExceptionType, MAX_TIER, type Priority, WORKFLOW_ACTOR } from '../../../../domain/types';
import type { CaseData } from '../case-data';
import { showCurrentDetails } from '../projections';
import type { Changing } from './changing';

/** Changes that move the case itself: its status, its tier and owner, its exception type. */

export function setStatus(c: Changing, status: CaseStatus, reason: string, actor: Actor = WORKFLOW_ACTOR): void {
  if (status === c.d.status) return;
  const from = c.d.status;
  c.d.status = status;
  c.record('case.status_changed', `${from} → ${status}: ${reason}`, { from, to: status, reason }, actor);
  showCurrentDetails(c.d, reason);
}

/** Moves the case one tier up (capped at tier 3); returns false when already at the top. */
export function escalate(c: Changing, reason: string, actor: Actor = WORKFLOW_ACTOR): boolean {
  if (c.d.tier >= MAX_TIER) {
    c.record('case.escalation_capped', `already at tier ${c.d.tier}: ${reason}`, { reason }, actor);
    return false;
  }
  const from = c.d.tier;
  c.d.tier = (from + 1) as EscalationTier;
  c.d.assignee = c.input.staff.tierQueues[c.d.tier];
  const data = { fromTier: from, toTier: c.d.tier, assignee: c.d.assignee, reason };
  c.record('case.escalated', `tier ${from} → ${c.d.tier} (${c.d.assignee}): ${reason}`, data, actor);
  showCurrentDetails(c.d, `escalated: ${reason}`);
  return true;
}

export function assign(c: Changing, assignee: string, actor: Actor): void {
  const from = c.d.assignee;
  c.d.assignee = assignee;
  c.record('case.assigned', `${from} → ${assignee}`, { from, to: assignee }, actor);
  showCurrentDetails(c.d, `assigned by ${actor.id}`);
}

/** A DELAYED parcel past the total-delay threshold becomes LOST; the trail keeps both. */
export function convertTo(c: Changing, type: ExceptionType, reason: string): void {
  const from = c.d.currentType;
  c.d.currentType = type;
  c.record('case.converted', `${from} → ${type}: ${reason}`, { from, to: type, reason });
  showCurrentDetails(c.d, `now ${type}: ${reason}`);
}

/** A conversion the store refused (another LOST case is open): the case keeps its old type. */
export function undoConversion(d: CaseData, type: ExceptionType): void {
  d.currentType = type;
}

/** The new priority; its clocks are re-targeted by the caller (a domain rule per clock). */
export function setPriority(d: CaseData, priority: Priority): void {
  d.priority = priority;
}

export function markBreached(d: CaseData): void {
  d.slaBreached = true;
}
