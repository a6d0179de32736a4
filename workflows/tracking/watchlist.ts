import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { ParentClosePolicy, startChild, workflowInfo } from '@temporalio/workflow';
import type { Carrier } from '../../domain/types';
import { CARRIERS } from '../../domain/types';
import type { WatchlistPolicy } from '../../domain/watchlist';
import { OPEN_TRACKED_CASE_WORKFLOW, openerWorkflowId, type OpenTrackedCaseInput, type WatchlistRunResult } from './contract';
import { watchlistStore } from './proxies';

interface WatchlistWorkflowInput {
  policy: WatchlistPolicy;
  /** Evaluate as of this instant instead of the run's start (tests, replays of a missed run). */
  asOf?: string;
}

/** Pages read per run at most: a bound on one run's history; the next scheduled run goes on. */
const MAX_PAGES = 200;

/**
 * One watchlist run (a Temporal Schedule starts one every `interval`): read the OMS's shipped
 * orders into stored tracking, evaluate the rules over every parcel on its way, page by page,
 * and ask the waybill's case opener (the same path as an exception push, same workflow id, so a
 * case is never opened twice) for a case of the rule's type with the rule as its reason. Ends
 * with tracking freshness per carrier (seed 003: ≥ 1 update per 24 h), its result.
 */
export async function watchlistWorkflow(input: WatchlistWorkflowInput): Promise<WatchlistRunResult> {
  const { policy } = input;
  const asOf = input.asOf ?? workflowInfo().startTime.toISOString();
  const asOfMs = Date.parse(asOf);

  let shipmentsSynced = 0;
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const synced = await watchlistStore.syncShippedOrders({
      since: new Date(asOfMs - policy.syncLookbackMs).toISOString(),
      ...(cursor ? { cursor } : {}),
      limit: policy.pageSize,
    });
    shipmentsSynced += synced.synced;
    if (synced.nextCursor === null) break;
    cursor = synced.nextCursor;
  }

  let evaluated = 0;
  let findings = 0;
  let openersStarted = 0;
  let after = '';
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result = await watchlistStore.evaluateWatchPage({ policy, after, asOf });
    evaluated += result.evaluated;
    findings += result.findings.length;
    for (const finding of result.findings) {
      const carrier: Carrier = (CARRIERS as readonly string[]).includes(finding.carrier) ? (finding.carrier as Carrier) : 'OTHER';
      const opener: OpenTrackedCaseInput = {
        waybillNo: finding.waybillNo,
        type: finding.type,
        carrier,
        reason: finding.reason,
        source: 'watchlist',
        rule: finding.rule,
      };
      try {
        await startChild(OPEN_TRACKED_CASE_WORKFLOW, {
          workflowId: openerWorkflowId(finding.waybillNo, finding.type),
          args: [opener],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        });
        openersStarted += 1;
      } catch (error) {
        // An opener for this waybill and type is running already (a push got there first).
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
      await watchlistStore.flagWatchedShipment({ waybillNo: finding.waybillNo, rule: finding.rule });
    }
    if (result.next === null) break;
    after = result.next;
  }

  const freshness = await watchlistStore.measureTrackingFreshness({ windowMs: policy.freshnessWindowMs, asOf });
  return { shipmentsSynced, evaluated, findings, openersStarted, freshness };
}
