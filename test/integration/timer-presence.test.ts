import { Worker } from '@temporalio/worker';
import { caseDataConverter } from '../../codec/data-converter';
import { AesGcmPayloadCodec } from '../../codec/payload-codec';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * A wait with a timeout issues a timer whatever the workflow clock says. A worker that replays a
 * case (after a restart, to answer a query) can run the next activation with an older workflow
 * time than a later replay uses; if the presence of a timer depended on `deadline - Date.now() > 0`,
 * the live run recorded a TimerStarted that the replay does not issue, and the case was jammed by
 * "[TMPRL1100] Activity machine does not handle this event: TimerStarted" for good (chaos run,
 * CASE-20261124-RF3HC434). Here the first-response alarms are already past when the SLA watchdog
 * starts, so every one of its waits has a non-positive timeout: each must still record a timer.
 */

let stack: TestStack;

beforeAll(async () => {
  const policy = testPolicy();
  stack = await startTestStack({ policy: { ...policy, clocks: { ...policy.clocks, firstResponse: { targetMs: 20 } } } });
});
afterAll(async () => {
  await stack?.stop();
});

test('an SLA alarm already past when the watchdog plans it still records its timer, and the history replays', async () => {
  const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody() });
  expect(opened.status).toBe(201);
  const { caseId } = opened.body as { caseId: string };
  const handle = stack.client.workflow.getHandle(caseId);

  // The watchdog acts on the past alarms at once: the case records the warning.
  await eventually(
    async () => JSON.stringify((await stack.api('agent', `/v1/cases/${caseId}`)).body),
    (view) => view.includes('sla.warning'),
    { what: 'the first-response warning' },
  );
  // Replayed between workflow tasks: a task still running at the end of the history would run its
  // local activities (the case's writes) in the replayer, which has none.
  const history = await eventually(() => handle.fetchHistory(), endsBetweenTasks, { what: 'a history that ends between workflow tasks' });
  const summaries = await timerSummaries(history, new AesGcmPayloadCodec(stack.config.payloadCodec));
  expect(summaries).toEqual(expect.arrayContaining(['SLA firstResponse 50% warning']));
  await Worker.runReplayHistory(
    { workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE as string }, dataConverter: caseDataConverter(stack.config) },
    history,
    caseId,
  );
});

type History = Awaited<ReturnType<ReturnType<TestStack['client']['workflow']['getHandle']>['fetchHistory']>>;

/** Whether the newest workflow-task event of the history is a completion. */
function endsBetweenTasks(history: History): boolean {
  const taskEvents = (history.events ?? []).filter(
    (event) => event.workflowTaskScheduledEventAttributes || event.workflowTaskStartedEventAttributes || event.workflowTaskCompletedEventAttributes,
  );
  return Boolean(taskEvents[taskEvents.length - 1]?.workflowTaskCompletedEventAttributes);
}

/** Timer summaries as the UI shows them: the history holds them encrypted, so through the codec. */
async function timerSummaries(history: History, codec: AesGcmPayloadCodec): Promise<string[]> {
  const summaries = await Promise.all(
    (history.events ?? [])
      .filter((event) => event.timerStartedEventAttributes)
      .map(async (event) => {
        const summary = event.userMetadata?.summary;
        if (!summary) return '';
        const [decoded] = await codec.decode([{ metadata: summary.metadata ?? {}, data: summary.data ?? new Uint8Array() }]);
        return JSON.parse(Buffer.from(decoded?.data ?? []).toString('utf8')) as string;
      }),
  );
  return summaries.filter((summary) => summary.startsWith('SLA firstResponse'));
}
