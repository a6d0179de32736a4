import { allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, setHandler, workflowInfo } from '@temporalio/workflow';
import type { IncidentNotice, IncidentProgress, IncidentStatus } from '../../domain/incidents';
import { caseIncidentSignal, endIncidentSignal, incidentAckSignal, incidentViewQuery, type IncidentCursor, type IncidentWorkflowInput } from './contract';
import { storeScan } from '../activity-proxies';

/**
 * One incident: pages through the matching open cases of the read model and signals each (a
 * bounded number at a time), then, while active, sweeps for cases opened in its regions since;
 * on its end (POST /end, or the expected end passing) it tells the reached cases so their clocks
 * resume. The signals are workflow commands, so a worker killed mid-fan-out resumes from history
 * and never signals a case twice; each case also ignores an incident it already has. Progress is
 * a query (safe to poll). Long fan-outs continue as new with the cursor and the counts.
 */

export async function incidentWorkflow(input: IncidentWorkflowInput): Promise<IncidentProgress> {
  const { incidentId, request, policy } = input;
  const progress: IncidentProgress = { ...(input.carry?.progress ?? { matched: 0, reached: 0, notified: 0, failed: 0 }) };
  let cursor: IncidentCursor | undefined = input.carry?.cursor;
  let status: IncidentStatus = input.carry?.status ?? 'active';
  let fanOutComplete = input.carry?.fanOutComplete ?? false;
  let endRequested = input.carry?.endRequested ?? false;

  setHandler(incidentViewQuery, () => ({
    incidentId,
    status,
    fanOutComplete,
    request,
    requestHash: input.requestHash,
    declaredBy: input.declaredBy,
    ...progress,
  }));
  setHandler(endIncidentSignal, () => {
    endRequested = true;
  });
  setHandler(incidentAckSignal, (ack) => {
    if (ack.notified) progress.notified += 1;
  });

  const notice = (phase: IncidentNotice['phase']) => ({
    phase,
    incidentId,
    incidentWorkflowId: workflowInfo().workflowId,
    cause: request.cause,
    message: request.message,
    ...(request.expectedEndAt ? { expectedEndAt: request.expectedEndAt } : {}),
    clocks: policy.clocks,
  });
  const expectedEndMs = request.expectedEndAt ? Date.parse(request.expectedEndAt) : undefined;
  const ended = () => endRequested || (expectedEndMs !== undefined && Date.now() >= expectedEndMs);
  const continueIfDue = async () => {
    const info = workflowInfo();
    if (!info.continueAsNewSuggested && info.historyLength < 8_000) return;
    await condition(allHandlersFinished);
    await continueAsNew<typeof incidentWorkflow>({ ...input, carry: { progress, ...(cursor ? { cursor } : {}), status, fanOutComplete, endRequested } });
  };

  /** Signals a page of cases, `policy.concurrency` at a time; answers how many were reached. */
  const signalAll = async (caseIds: string[], phase: IncidentNotice['phase']): Promise<{ reached: number; failed: number }> => {
    let reached = 0;
    let failed = 0;
    for (let i = 0; i < caseIds.length; i += policy.concurrency) {
      await Promise.all(
        caseIds.slice(i, i + policy.concurrency).map(async (caseId) => {
          try {
            await getExternalWorkflowHandle(caseId).signal(caseIncidentSignal, notice(phase));
            reached += 1;
          } catch {
            failed += 1; // the case finished after the page was read
          }
        }),
      );
    }
    return { reached, failed };
  };

  while (status === 'active') {
    const page = await storeScan.findIncidentCases({ request, ...(cursor ? { after: cursor } : {}), limit: policy.pageSize });
    if (page.length) {
      progress.matched += page.length;
      const { reached, failed } = await signalAll(
        page.map((c) => c.caseId),
        'start',
      );
      progress.reached += reached;
      progress.failed += failed;
      const last = page[page.length - 1] as { caseId: string; openedAt: string };
      cursor = { openedAt: last.openedAt, caseId: last.caseId };
    }
    if (page.length === policy.pageSize) {
      await continueIfDue();
      continue;
    }
    fanOutComplete = true;
    if (ended()) break;
    // Active: wait for the end, the expected end, or the next sweep for newly opened cases.
    const untilExpectedEnd = expectedEndMs !== undefined ? Math.max(0, expectedEndMs - Date.now()) : Infinity;
    await condition(() => endRequested, Math.min(policy.sweepIntervalMs, untilExpectedEnd));
    if (ended()) break;
    await continueIfDue();
  }

  status = 'ending';
  // Every open case of the incident's scope hears of the end; cases that never had it ignore it.
  let endCursor: IncidentCursor | undefined;
  for (;;) {
    const page = await storeScan.findIncidentCases({ request, ...(endCursor ? { after: endCursor } : {}), limit: policy.pageSize });
    await signalAll(
      page.map((c) => c.caseId),
      'end',
    );
    const last = page[page.length - 1];
    if (!last || page.length < policy.pageSize) break;
    endCursor = { openedAt: last.openedAt, caseId: last.caseId };
  }
  status = 'ended';
  await condition(allHandlersFinished);
  return progress;
}
