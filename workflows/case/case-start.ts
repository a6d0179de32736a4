import { WorkflowIdReusePolicy, type SearchAttributePair } from '@temporalio/common';
import {
  AssignedToKey,
  CarrierKey,
  CaseStatusKey,
  EscalationTierKey,
  ExceptionTypeKey,
  OrderIdKey,
  PriorityKey,
  RegionKey,
  SlaBreachedKey,
  WaybillNoKey,
} from '../search-attributes';
import type { OpenCaseInput } from './contract';

/**
 * How a case's workflow starts, the same from every door: the API's open (a client start), the
 * hand-over of a tracking event to a case whose start was interrupted (signal-with-start), and the
 * tracking opener (a child workflow). Each adds only what its way of starting needs (a task queue,
 * a conflict policy, a parent close policy). Pure, so workflow code uses it too.
 */
export function caseStart(input: OpenCaseInput) {
  return {
    workflowId: input.caseId,
    args: [input] as [OpenCaseInput],
    typedSearchAttributes: initialSearchAttributes(input),
    // A case id is used once. A start (a retried open, an interrupted open finished later, an
    // event delivered to it) must never begin a second life for a case that already ran and
    // finished, whatever way it finished: REJECT_DUPLICATE refuses, and "already started" is done.
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    staticSummary: `${input.type} · ${input.carrier} ${input.waybillNo} · order ${input.orderId} · opened by ${input.openedBy.id}`,
    staticDetails: `Priority **${input.priority}**. ${input.description.slice(0, 300)}`,
  };
}

/** The search attributes a case starts with; the workflow keeps them current from then on (./state/projections.ts). */
function initialSearchAttributes(input: OpenCaseInput): SearchAttributePair[] {
  return [
    { key: CaseStatusKey, value: 'OPEN' },
    { key: ExceptionTypeKey, value: input.type },
    { key: CarrierKey, value: input.carrier },
    { key: PriorityKey, value: input.priority },
    { key: AssignedToKey, value: input.staff.tierQueues[1] },
    { key: OrderIdKey, value: input.orderId },
    { key: WaybillNoKey, value: input.waybillNo },
    { key: EscalationTierKey, value: 1 },
    { key: SlaBreachedKey, value: false },
    ...(input.region ? [{ key: RegionKey, value: input.region }] : []),
  ];
}
