import type { CaseView } from '../domain/case-view';
import { openStartRequest } from '../store/pii';

/**
 * The read model's snapshot made into the agents' view of an open case (GET /v1/cases/{caseId}).
 * The snapshot keeps phones masked and names shortened (it is read widely); agents working the
 * case need to call the customer, so their contact comes from the start request, sealed at rest.
 */
export function withCustomerFrom(view: CaseView, startRequest: unknown, secret: string): CaseView {
  const stored = startRequest as { customer?: CaseView['customer'] } | null;
  if (!stored?.customer || stored.customer.id !== view.customer.id) return view;
  return { ...view, customer: openStartRequest({ customer: stored.customer }, secret).customer };
}

/**
 * Running clocks' elapsed time brought from the snapshot's save (`updatedAt`) to `now`; a clock
 * that was paused or stopped when the case was saved has not moved since.
 */
export function withClocksAt(view: CaseView, now: number): CaseView {
  const savedAt = Date.parse(view.updatedAt);
  if (!Number.isFinite(savedAt) || now <= savedAt) return view;
  return {
    ...view,
    clocks: view.clocks.map((clock) => (clock.state === 'running' ? { ...clock, elapsedMs: clock.elapsedMs + (now - savedAt) } : clock)),
  };
}
