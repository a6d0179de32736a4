import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { factsOf, MOVING_TO_NEXT_RUN, type CaseFacts } from '../../../domain/case-actions';
import type { CaseView, ClockView, TimelineEntry } from '../../../domain/case-view';
import { allowanceMs, dueAt, elapsedMs, nearestDueAt, type SlaClock } from '../../../domain/sla-clock';
import { AssignedToKey, CaseStatusKey, EscalationTierKey, ExceptionTypeKey, PriorityKey, SlaBreachedKey, SlaDueAtKey } from '../../search-attributes';
import type { OpenCaseInput } from '../contract';
import { storable } from '../../../domain/storable-text';
import { clocksOf, type CaseData, type ReadonlyDeep } from './case-data';

/**
 * What the world sees of a case, computed from its data: the view (read model, queries, update
 * answers), the facts the action rules look at, the search attributes and the current details
 * supervisors see in the Temporal UI.
 */

type Data = ReadonlyDeep<CaseData>;

/**
 * A resolve, cancel or reopen waiting for the main loop, or the move to the next run: while one
 * is pending, another is refused (it would overwrite the first, whose update then never ends).
 */
export function pendingPhaseChange(data: Data): string | undefined {
  if (data.interruption) return data.interruption.kind;
  if (data.reopenRequest) return 'reopen';
  if (data.movingToNextRun) return MOVING_TO_NEXT_RUN;
  return undefined;
}

/** What the action rules look at (domain/case-actions), from the same function the API uses. */
export function caseFacts(data: Data, input: OpenCaseInput): CaseFacts {
  const pending = pendingPhaseChange(data);
  return factsOf(
    {
      status: data.status,
      tier: data.tier,
      priority: data.priority,
      severity: data.severity,
      assignee: data.assignee,
      assigneeKind: assigneeKind(data, input),
      evidence: data.evidence as CaseView['evidence'],
      ...(data.feedback ? { feedback: data.feedback } : {}),
      ...(data.claim ? { claim: data.claim as CaseView['claim'] } : {}),
      ...(data.awaitingRemedy ? { awaitingRemedy: data.awaitingRemedy as CaseView['awaitingRemedy'] } : {}),
      ...(pending ? { pendingPhaseChange: pending } : {}),
    },
    input.policy,
  );
}

/** A tier's queue owns the case until a person takes it or is given it. */
function assigneeKind(data: Data, input: OpenCaseInput): 'queue' | 'person' {
  return Object.values(input.staff.tierQueues).includes(data.assignee) ? 'queue' : 'person';
}

/** The case as readers see it; text PostgreSQL cannot store is replaced (../storable-text.ts). */
export function caseView(data: CaseData, input: OpenCaseInput, timeline: TimelineEntry[]): CaseView {
  return storable(rawView(data, input, timeline));
}

function rawView(data: CaseData, input: OpenCaseInput, timeline: TimelineEntry[]): CaseView {
  const now = Date.now();
  const clocks = clocksOf(data);
  const due = nearestDueAt(clocks, now);
  const pending = pendingPhaseChange(data);
  const { elided, tracking } = data;
  return {
    caseId: input.caseId,
    type: data.currentType,
    ...(data.currentType !== data.openedAsType ? { openedAsType: data.openedAsType } : {}),
    status: data.status,
    priority: data.priority,
    severity: data.severity,
    tier: data.tier,
    assignee: data.assignee,
    assigneeKind: assigneeKind(data, input),
    orderId: input.orderId,
    waybillNo: input.waybillNo,
    carrier: input.carrier,
    ...(input.region ? { region: input.region } : {}),
    customer: input.customer,
    description: input.description,
    ...(input.declaredValue !== undefined ? { declaredValue: input.declaredValue } : {}),
    ...(input.insured !== undefined ? { insured: input.insured } : {}),
    ...(input.freight !== undefined ? { freight: input.freight } : {}),
    ...(input.supplierId ? { supplierId: input.supplierId } : {}),
    ...(input.items ? { items: input.items } : {}),
    openedAt: data.openedAt,
    openedBy: input.openedBy,
    updatedAt: new Date(now).toISOString(),
    ...(data.resolvedAt ? { resolvedAt: data.resolvedAt } : {}),
    ...(data.closedAt ? { closedAt: data.closedAt } : {}),
    ...(data.resolution ? { resolution: data.resolution } : {}),
    slaBreached: data.slaBreached,
    ...(due !== undefined ? { slaDueAt: new Date(due).toISOString() } : {}),
    clocks: clocks.map((clock) => clockView(clock, now)),
    tracking: {
      ...(tracking.lastStatus ? { lastStatus: tracking.lastStatus } : {}),
      ...(tracking.lastSubStatus ? { lastSubStatus: tracking.lastSubStatus } : {}),
      ...(tracking.lastEventAt ? { lastEventAt: tracking.lastEventAt } : {}),
      ...(tracking.lastLocation ? { lastLocation: tracking.lastLocation } : {}),
      eventsSeen: tracking.events.length + elided.trackingEvents,
    },
    carrierRequests: data.carrierRequests,
    notifications: data.notifications,
    ...(data.feedback ? { feedback: data.feedback } : {}),
    ...(data.earlierFeedback.length ? { earlierFeedback: data.earlierFeedback } : {}),
    ...(data.incidents.length ? { incidents: data.incidents } : {}),
    ...(data.reopens ? { reopens: data.reopens } : {}),
    ...(data.claim ? { claim: data.claim } : {}),
    ...(data.awaitingRemedy ? { awaitingRemedy: data.awaitingRemedy } : {}),
    ...(data.remedy ? { remedy: { choice: data.remedy.choice, at: data.remedy.at, by: data.remedy.by } } : {}),
    ...(data.reshipments.length ? { reshipments: data.reshipments } : {}),
    ...(data.returns.length ? { returns: data.returns } : {}),
    evidence: data.evidence,
    notes: data.notes,
    ...(data.plan ? { plan: data.plan } : {}),
    ...(data.replies.length ? { replies: data.replies } : {}),
    ...(data.calls.length ? { calls: data.calls } : {}),
    ...(data.promises.length ? { promises: data.promises } : {}),
    ...(Object.values(elided).some(Boolean) ? { elided: { ...elided } } : {}),
    ...(pending ? { pendingPhaseChange: pending } : {}),
    ...(data.writeRejected ? { storeWriteRejected: data.writeRejected } : {}),
    timeline,
    version: data.version,
  };
}

function clockView(clock: SlaClock, now: number): ClockView {
  const due = dueAt(clock, now);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    name: clock.name,
    state: clock.state,
    targetMs: allowanceMs(clock),
    startedAt: iso(clock.startedAt),
    ...(due !== undefined ? { dueAt: iso(due) } : {}),
    elapsedMs: elapsedMs(clock, now),
    breached: clock.breachedAt !== undefined,
    ...(clock.breachedAt !== undefined ? { breachedAt: iso(clock.breachedAt) } : {}),
    warned: clock.warned,
    pauses: clock.pauses.map((pause) => ({
      at: iso(pause.at),
      reason: pause.reason,
      ...(pause.resumedAt !== undefined ? { resumedAt: iso(pause.resumedAt) } : {}),
    })),
    extensions: clock.extensions.map((extension) => ({ at: iso(extension.at), byMs: extension.byMs, reason: extension.reason })),
  };
}

/** Keeps the case's search attributes in step with its data, upserting only what changed. */
export class SearchAttributeSync {
  private readonly last = new Map<string, unknown>();

  sync(data: Data): void {
    const due = nearestDueAt(clocksOf(data), Date.now());
    const wanted: SearchAttributeUpdatePair[] = [
      { key: CaseStatusKey, value: data.status },
      { key: ExceptionTypeKey, value: data.currentType },
      { key: EscalationTierKey, value: data.tier },
      { key: PriorityKey, value: data.priority },
      { key: AssignedToKey, value: data.assignee },
      { key: SlaBreachedKey, value: data.slaBreached },
      { key: SlaDueAtKey, value: due !== undefined ? new Date(due) : null },
    ];
    const changed = wanted.filter((pair) => {
      const comparable = pair.value instanceof Date ? pair.value.getTime() : pair.value;
      if (this.last.get(pair.key.name) === comparable) return false;
      this.last.set(pair.key.name, comparable);
      return true;
    });
    if (changed.length) upsertSearchAttributes(changed);
  }
}

/** The current details the Temporal UI shows on the case: status, tier, owner and why. */
export function showCurrentDetails(data: Data, why: string): void {
  setCurrentDetails(`**${data.status}** · tier ${data.tier} · ${data.assignee}\n\n${why}`);
}
