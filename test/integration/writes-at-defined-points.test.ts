import { NativeConnection, Worker } from '@temporalio/worker';
import { createCaseWorker } from '../../worker/create-worker';
import { caseDataConverter } from '../../codec/data-converter';
import { BASELINE_PATCH, LEAN_HISTORY_PATCH } from '../../workflows/case/state/waits';
import { WRITES_AS_ACTIVITIES_PATCH, WRITES_IN_TASK_PATCH } from '../../workflows/case/state/case-writer';
import { recordHistory } from '../helpers/histories';
import { bundleWorkflowsAt } from '../helpers/old-workflow-code';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * The case workflow's history has been cut down in generations, each behind a patch asked when a
 * run begins: since BASELINE_PATCH cases write their read model at defined points (opening,
 * handler ends, before each wait, the wind-down) instead of by hand after most steps; since
 * LEAN_HISTORY_PATCH a notice goes out on all its channels in one activity and the first write
 * goes beside the first steps; lean runs wrote through local activities until
 * WRITES_AS_ACTIVITIES_PATCH, which moves every run's writes back to activities at its next write
 * (a local write's result reaches the workflow in another order on replay than live); since
 * WRITES_IN_TASK_PATCH the worker writes each task's changes before it reports the task, and the
 * history holds one write, the run's last. A deploy meets cases begun on every older generation:
 * they must replay, go on and close on the new code in their own shape; cases begun on the new
 * code end the same.
 */

interface Generation {
  name: string;
  /** The last commit of the generation's workflow code. */
  commit: string;
  /** The patch marker its runs carry (none before the baseline). */
  marker?: string;
  /** How it wrote while the old worker ran it. */
  writes: 'activities' | 'local then activities';
}

const GENERATIONS: Generation[] = [
  { name: 'hand-placed writes (before the baseline)', commit: '0cf287a', writes: 'activities' },
  { name: 'the baseline (one activity per notice channel)', commit: 'a028d69', marker: BASELINE_PATCH, writes: 'activities' },
  { name: 'the lean history (local-activity writes)', commit: 'c6b91f6', marker: LEAN_HISTORY_PATCH, writes: 'local then activities' },
  { name: 'writes as activities', commit: 'f66d8b1', marker: LEAN_HISTORY_PATCH, writes: 'activities' },
];

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

type HistoryEvent = NonNullable<History['events']>[number];

const isLocalWrite = (event: HistoryEvent) => event.markerRecordedEventAttributes?.markerName === 'core_local_activity' && markerMentions(event, 'persistCase');

/** The case's writes through local activities (recorded as markers). */
function localWritesIn(history: History): number {
  return (history.events ?? []).filter(isLocalWrite).length;
}

function lastLocalWriteAt(history: History): number {
  return Math.max(...(history.events ?? []).filter(isLocalWrite).map((event) => Number(event.eventId)));
}

function firstActivityAt(history: History, name: string): number {
  const first = (history.events ?? []).find((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === name);
  return first ? Number(first.eventId) : Number.POSITIVE_INFINITY;
}

function markerMentions(event: HistoryEvent, text: string): boolean {
  return Object.values(event.markerRecordedEventAttributes?.details ?? {}).some((payloads) =>
    (payloads.payloads ?? []).some((payload) => payload.data && Buffer.from(payload.data).toString('utf8').includes(text)),
  );
}

function hasPatch(history: History, patchId: string): boolean {
  return (history.events ?? []).some((event) =>
    Object.values(event.markerRecordedEventAttributes?.details ?? {}).some((payloads) =>
      (payloads.payloads ?? []).some((payload) => payload.data && Buffer.from(payload.data).toString('utf8').includes(patchId)),
    ),
  );
}

function activitiesIn(history: History, name: string): number {
  return (history.events ?? []).filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === name).length;
}

const kinds = (timeline: Array<{ kind: string }>) => timeline.map((entry) => entry.kind).sort();

/** The same lifecycle begun on today's code, once for every generation compared with it. */
let today: Promise<{ caseId: string; history: History; view: Record<string, unknown> & { timeline: Array<{ kind: string }> } }> | undefined;
function lifecycleOnTodaysCode() {
  today ??= runWorker(process.env.TEST_WORKFLOW_BUNDLE as string, async () => {
    const opened = await openAndWaitForCarrier();
    await deliverAndClose(opened.caseId, opened.waybillNo);
    const history = await stack.client.workflow.getHandle(opened.caseId).fetchHistory();
    recordHistory(stack.config.temporal.address, opened.caseId, 'delayed-in-task-writes');
    return { caseId: opened.caseId, history, view: await view(opened.caseId) };
  });
  return today;
}

test.each(GENERATIONS)('a case begun on $name goes on and closes on the new code, in its own shape', async ({ commit, marker, writes }) => {
  const oldBundle = await bundleWorkflowsAt(commit);
  const { caseId, waybillNo } = await runWorker(oldBundle, openAndWaitForCarrier);

  // Deploy: the old worker is gone; today's code replays the case and carries it to the end.
  await runWorker(process.env.TEST_WORKFLOW_BUNDLE as string, () => deliverAndClose(caseId, waybillNo));
  const oldHistory = await stack.client.workflow.getHandle(caseId).fetchHistory();
  const lean = marker === LEAN_HISTORY_PATCH;
  expect(hasPatch(oldHistory, BASELINE_PATCH)).toBe(marker === BASELINE_PATCH);
  expect(hasPatch(oldHistory, LEAN_HISTORY_PATCH)).toBe(lean);
  // Its notices kept their old shape to the end.
  expect(activitiesIn(oldHistory, lean ? 'sendNotification' : 'sendNoticeChannels')).toBe(0);
  expect(activitiesIn(oldHistory, lean ? 'sendNoticeChannels' : 'sendNotification')).toBeGreaterThan(0);
  // Runs begun before in-task writes keep writing through activities to their end.
  expect(hasPatch(oldHistory, WRITES_IN_TASK_PATCH)).toBe(false);
  expect(activitiesIn(oldHistory, 'persistCase')).toBeGreaterThan(1);
  if (writes === 'local then activities') {
    // Local writes before the deploy, activities from the first write after it.
    expect(localWritesIn(oldHistory)).toBeGreaterThan(0);
    expect(hasPatch(oldHistory, WRITES_AS_ACTIVITIES_PATCH)).toBe(true);
    expect(lastLocalWriteAt(oldHistory)).toBeLessThan(firstActivityAt(oldHistory, 'persistCase'));
  } else {
    expect(localWritesIn(oldHistory)).toBe(0);
    // Runs that never wrote locally are asked only if they began on the lean history.
    expect(hasPatch(oldHistory, WRITES_AS_ACTIVITIES_PATCH)).toBe(lean);
  }
  await Worker.runReplayHistory(
    { workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE as string }, dataConverter: caseDataConverter(stack.config) },
    oldHistory,
    caseId,
  );

  // The read model caught up with the end of the case.
  const closed = await view(caseId);
  expect(closed).toMatchObject({ status: 'CLOSED', feedback: { score: 5 } });

  // The same lifecycle begun on today's code: same end, same read model.
  const fresh = await lifecycleOnTodaysCode();
  // One marker: the newest generation includes every older one.
  expect(hasPatch(fresh.history, WRITES_IN_TASK_PATCH)).toBe(true);
  expect(hasPatch(fresh.history, LEAN_HISTORY_PATCH)).toBe(false);
  expect(hasPatch(fresh.history, BASELINE_PATCH)).toBe(false);
  expect(hasPatch(fresh.history, WRITES_AS_ACTIVITIES_PATCH)).toBe(false);
  expect(activitiesIn(fresh.history, 'sendNotification')).toBe(0);
  expect(activitiesIn(fresh.history, 'sendNoticeChannels')).toBeGreaterThan(0);
  // Its writes happen inside its workflow tasks: the history holds one, the wind-down's.
  expect(localWritesIn(fresh.history)).toBe(0);
  expect(activitiesIn(fresh.history, 'persistCase')).toBe(1);
  expect(fresh.history.events?.length).toBeLessThan(oldHistory.events?.length ?? 0);
  expect(fresh.view).toMatchObject({ status: 'CLOSED', feedback: { score: 5 }, resolution: { outcome: 'delivered' } });
  // The same events (their order between the two scans and the playbook's reaction may differ),
  // each notice recorded channel by channel.
  expect(kinds(fresh.view.timeline)).toEqual(kinds(closed.timeline));
});
