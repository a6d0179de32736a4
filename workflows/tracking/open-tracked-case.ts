import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ActivityFailure, getExternalWorkflowHandle, log, ParentClosePolicy, setHandler, startChild, workflowInfo } from '@temporalio/workflow';
import type { OmsOrder } from '../../domain/oms-order';
import { caseStart } from '../case/case-start';
import { CASE_WORKFLOW_TYPE, trackingEventSignal } from '../case/contract';
import { exceptionSeenSignal, type OpenTrackedCaseInput, type OpenTrackedCaseResult } from './contract';
import { oms, trackedCaseStore } from './proxies';

/**
 * Opens the case an exception (or a watchlist rule) asks for, once per waybill and type: its
 * workflow id is the waybill and type (contract.ts), so concurrent pushes signal-with-start this
 * one run. It looks the order up in the OMS (an unknown waybill still opens, marked for an agent
 * to complete), writes the read-model row (the one rule of every door: one open case per waybill
 * and type; an open one takes the events instead),
 * starts the case workflow as an abandoned child under the row's case id, and hands it every
 * event held for the waybill.
 */
export async function openTrackedCaseWorkflow(input: OpenTrackedCaseInput): Promise<OpenTrackedCaseResult> {
  // The events are held durably in PostgreSQL; the signal only brings more pushes to this run.
  setHandler(exceptionSeenSignal, () => undefined);
  const info = workflowInfo();

  let order: OmsOrder | null;
  try {
    order = await oms.lookUpOrderByWaybill(input.waybillNo);
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    // The OMS stayed down through every retry: open anyway, for an agent to complete.
    log.warn('OMS lookup failed; opening the case as incomplete', { waybillNo: input.waybillNo });
    order = null;
  }

  const prepared = await trackedCaseStore.prepareTrackedCase({
    ...input,
    openingId: `${info.workflowId}/${info.firstExecutionRunId}`,
    openedAt: info.startTime.toISOString(),
    order,
  });
  if (prepared.outcome === 'exists') return { caseId: prepared.caseId, opened: false, needsCompletion: false, heldEventsHanded: 0 };

  const { caseId, start } = prepared;
  try {
    // Started as every case starts (the API's open too), as an abandoned child: the case
    // outlives its opener by days; the opener is done once the case runs.
    await startChild(CASE_WORKFLOW_TYPE, { ...caseStart(start), parentClosePolicy: ParentClosePolicy.ABANDON });
  } catch (error) {
    // A retried run, or the API's delivery path started it from the stored request first.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }

  const held = await trackedCaseStore.takeHeldEvents({ caseId, waybillNo: input.waybillNo });
  const handle = getExternalWorkflowHandle(caseId);
  for (const event of held) await handle.signal(trackingEventSignal, event);
  if (held.length > 0) await trackedCaseStore.markHeldEventsDelivered({ caseId, events: held.map(({ provider, eventId }) => ({ provider, eventId })) });
  return { caseId, opened: true, needsCompletion: prepared.needsCompletion, heldEventsHanded: held.length };
}
