import type { Evidence } from '../../../../domain/case-actions';
import { type Actor, WORKFLOW_ACTOR } from '../../../../domain/types';
import { WORKING_CLOCKS } from '../sla-clocks';
import type { Changing } from './changing';
import { setStatus } from './ownership';

/** Evidence from the customer: while the case waits for it, the working clocks pause (the ball is in the customer's court). */

export function requestEvidence(c: Changing, what: string, actor: Actor = WORKFLOW_ACTOR): void {
  c.d.evidenceRequests += 1;
  c.d.evidence.requested = { what, at: new Date().toISOString(), by: actor.id };
  c.d.statusBeforeEvidence = c.d.status;
  c.record('evidence.requested', what, { what }, actor);
  for (const clock of WORKING_CLOCKS) c.clocks.pause(clock, 'WAITING_CUSTOMER');
  setStatus(c, 'WAITING_CUSTOMER', `evidence requested: ${what}`, actor);
}

/** Files evidence; when it answers an open request, the clocks resume and work goes on. */
export function addEvidence(c: Changing, evidence: Evidence, actor: Actor): void {
  c.d.evidence.items.push({ ...evidence, at: new Date().toISOString(), by: actor.id });
  c.record('evidence.added', `${evidence.kind}: ${evidence.description}`, { ...evidence }, actor);
  if (c.d.evidence.requested) endEvidenceWait(c, 'evidence received', actor);
}

/** The case was resolved or cancelled while it waited for evidence: the request lapses. */
export function withdrawEvidenceRequest(c: Changing, reason: string, actor: Actor = WORKFLOW_ACTOR): void {
  const { requested } = c.d.evidence;
  if (!requested) return;
  c.record('evidence.request_withdrawn', `${requested.what}: ${reason}`, { what: requested.what, reason }, actor);
  delete c.d.evidence.requested;
  delete c.d.statusBeforeEvidence;
}

/** Stops waiting on the customer: evidence came, or the playbook proceeds without it. */
export function endEvidenceWait(c: Changing, reason: string, actor: Actor = WORKFLOW_ACTOR): void {
  if (!c.d.evidence.requested) return;
  delete c.d.evidence.requested;
  for (const clock of WORKING_CLOCKS) c.clocks.resume(clock);
  setStatus(c, c.d.statusBeforeEvidence ?? 'IN_PROGRESS', reason, actor);
  delete c.d.statusBeforeEvidence;
}
