import { NativeConnection, Worker } from '@temporalio/worker';
import { createCaseWorker } from '../../worker/create-worker';
import { caseDataConverter } from '../../codec/data-converter';
import { BASELINE_PATCH } from '../../workflows/case/state/waits';
import { bundleWorkflowsAt } from '../helpers/old-workflow-code';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * Cases write their read model at defined points (opening, handler ends, before each wait, the
 * wind-down) since BASELINE_PATCH; before it, the workflow code wrote by hand
 * after most steps. A deploy meets cases begun on the old code: they must replay, go on and
 * close on the new code, keeping their old writes; cases begun on the new code write less.
 */

/** The last commit whose case workflow wrote by hand everywhere (before the patch). */
const OLD_CODE = '0cf287a';

let stack: TestStack;
let connection: NativeConnection;

beforeAll(async () => {
  const base = testPolicy();
  // The carrier is urged once and then left alone: the case waits until the parcel moves. Targets
  // far off, so no SLA warning lands in one run's trail and not the other's (a slow worker swap).
  const far = { targetMs: 3_600_000 };
  const clocks = { firstResponse: far, handling: far, resolution: far, payout: far, callback: far, returnReceipt: far };
  stack = await startTestStack({ inProcessWorker: false, policy: testPolicy({ clocks, delayed: { ...base.delayed, urgeIntervalMs: 600_000 } }) });
  connection = await NativeConnection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS as string });
});
afterAll(async () => {
  await stack?.stop();
  await connection?.close();
});

async function runWorker<T>(workflowBundlePath: string, work: () => Promise<T>): Promise<T> {
  const worker = await createCaseWorker({ config: stack.config, db: stack.db, connection, workflowBundlePath });
  const running = worker.run();
  try {
    return await work();
  } finally {
    worker.shutdown();
    await running;
  }
}

const view = async (caseId: string) => (await stack.api('agent', `/v1/cases/${caseId}`)).body;

async function openAndWaitForCarrier(): Promise<{ caseId: string; waybillNo: string }> {
  const body = openCaseBody({ type: 'DELAYED' });
  const opened = await stack.api('agent', '/v1/cases', { body });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  await eventually(
    () => view(caseId),
    (v) => v.status === 'WAITING_CARRIER' && v.carrierRequests.length === 1,
    { what: 'urged, waiting for the carrier' },
  );
  return { caseId, waybillNo: body.waybillNo as string };
}

async function deliverAndClose(caseId: string, waybillNo: string): Promise<void> {
  await stack.pushTracking({ eventId: `${caseId}-moved`, waybillNo, status: 'InTransit', location: '深圳转运中心' });
  await stack.pushTracking({ eventId: `${caseId}-delivered`, waybillNo, status: 'Delivered', location: '广州白云' });
  await eventually(
    () => view(caseId),
    (v) => v.status === 'AWAITING_FEEDBACK',
    { what: 'AWAITING_FEEDBACK' },
  );
  const feedback = await stack.api('system', `/v1/cases/${caseId}/feedback`, { body: { score: 5, channel: 'sms' } });
  expect(feedback.status).toBe(200);
  const result = await stack.client.workflow.getHandle(caseId).result();
  expect(result).toMatchObject({ caseId, status: 'CLOSED', resolution: 'delivered', feedbackScore: 5 });
}

type History = Awaited<ReturnType<ReturnType<TestStack['client']['workflow']['getHandle']>['fetchHistory']>>;

function writesIn(history: History): number {
  return (history.events ?? []).filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'persistCase').length;
}

function hasPatch(history: History, patchId: string): boolean {
  return (history.events ?? []).some((event) =>
    Object.values(event.markerRecordedEventAttributes?.details ?? {}).some((payloads) =>
      (payloads.payloads ?? []).some((payload) => payload.data && Buffer.from(payload.data).toString('utf8').includes(patchId)),
    ),
  );
}

test('a case begun on the old code goes on and closes on the new code, keeping its hand-placed writes', async () => {
  const oldBundle = await bundleWorkflowsAt(OLD_CODE);
  const { caseId, waybillNo } = await runWorker(oldBundle, openAndWaitForCarrier);

  // Deploy: the old worker is gone; today's code replays the case and carries it to the end.
  await runWorker(process.env.TEST_WORKFLOW_BUNDLE as string, () => deliverAndClose(caseId, waybillNo));
  const oldHistory = await stack.client.workflow.getHandle(caseId).fetchHistory();
  expect(hasPatch(oldHistory, BASELINE_PATCH)).toBe(false);
  await Worker.runReplayHistory(
    { workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE as string }, dataConverter: caseDataConverter(stack.config) },
    oldHistory,
    caseId,
  );

  // The read model caught up with the end of the case.
  const closed = await view(caseId);
  expect(closed).toMatchObject({ status: 'CLOSED', feedback: { score: 5 } });

  // The same lifecycle begun on today's code: same end, fewer writes, same read model.
  const fresh = await runWorker(process.env.TEST_WORKFLOW_BUNDLE as string, async () => {
    const opened = await openAndWaitForCarrier();
    await deliverAndClose(opened.caseId, opened.waybillNo);
    return opened;
  });
  const newHistory = await stack.client.workflow.getHandle(fresh.caseId).fetchHistory();
  expect(hasPatch(newHistory, BASELINE_PATCH)).toBe(true);
  expect(writesIn(newHistory)).toBeLessThan(writesIn(oldHistory));
  // And a shorter history (issue 11: the same lifecycle in fewer events).
  expect(newHistory.events?.length).toBeLessThan(oldHistory.events?.length ?? 0);
  const freshView = await view(fresh.caseId);
  expect(freshView).toMatchObject({ status: 'CLOSED', feedback: { score: 5 }, resolution: { outcome: 'delivered' } });
  // The same events (their order between the two scans and the playbook's reaction may differ).
  const kinds = (timeline: Array<{ kind: string }>) => timeline.map((entry) => entry.kind).sort();
  expect(kinds(freshView.timeline)).toEqual(kinds(closed.timeline));
});
