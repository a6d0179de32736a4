import { TypedSearchAttributes, WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type SearchAttributePair } from '@temporalio/common';
import type { AppConfig } from '../config';
import type { OpenCaseInput } from '../workflows/case/contract';
import {
  CarrierKey,
  ExceptionTypeKey,
  OrderIdKey,
  PriorityKey,
  RegionKey,
  WaybillNoKey,
  CaseStatusKey,
  EscalationTierKey,
  AssignedToKey,
  SlaBreachedKey,
} from '../workflows/search-attributes';
import { actorOf, type Principal } from './auth';
import type { OpenCaseBody } from './schemas';

/** How a case's workflow is started: its input, start options and first search attributes. */

/** The case workflow's input for an opened case (also what the benchmark starts bare). */
export function caseStartInput(caseId: string, body: OpenCaseBody, principal: Principal, config: AppConfig): OpenCaseInput {
  return {
    caseId,
    type: body.type,
    orderId: body.orderId,
    waybillNo: body.waybillNo,
    carrier: body.carrier,
    customer: body.customer,
    description: body.description,
    priority: body.priority,
    ...(body.region ? { region: body.region } : {}),
    ...(body.declaredValue !== undefined ? { declaredValue: body.declaredValue } : {}),
    ...(body.insured !== undefined ? { insured: body.insured } : {}),
    ...(body.freight !== undefined ? { freight: body.freight } : {}),
    ...(body.supplierId ? { supplierId: body.supplierId } : {}),
    ...(body.items ? { items: body.items } : {}),
    ...(body.orderValue !== undefined ? { orderValue: body.orderValue } : {}),
    ...(body.newAddress ? { newAddress: body.newAddress } : {}),
    ...(body.returnRemedy ? { returnRemedy: body.returnRemedy } : {}),
    openedBy: actorOf(principal),
    policy: config.slaPolicy,
    ...(config.caseHistoryLimit !== undefined ? { historyLimit: config.caseHistoryLimit } : {}),
    staff: {
      opsWecomKey: config.opsWecomKey,
      tierQueues: {
        1: principal.role === 'agent' ? principal.id : 'tier1-agents',
        2: 'tier2-supervisors',
        3: 'tier3-experts',
      },
    },
  };
}

/** The start options of a case's workflow: its id, search attributes and the UI's summary. */
export function caseStartOptions(input: OpenCaseInput, taskQueue: string) {
  return {
    workflowId: input.caseId,
    taskQueue,
    args: [input],
    typedSearchAttributes: new TypedSearchAttributes(initialSearchAttributes(input)),
    // A case id is used once. A start (a retried open, an interrupted open finished later)
    // must never begin a second life for a case that already ran and finished, whatever
    // way it finished: REJECT_DUPLICATE refuses, and we take "already started" as done.
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    staticSummary: `${input.type} · ${input.carrier} ${input.waybillNo} · order ${input.orderId}`,
    staticDetails: `Priority **${input.priority}**. ${input.description.slice(0, 300)}`,
  };
}

export function initialSearchAttributes(input: OpenCaseInput): SearchAttributePair[] {
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
