import { verifyChain } from '../../store/audit-hash';
import { caseHistory } from '../../store/read-model';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * A case whose parcel keeps sending scans outgrows one run: with CASE_HISTORY_LIMIT low, the case
 * continues as new at a safe point and goes on where it was — same case id, same audit trail
 * (unbroken sequence and hash chain), same state — and still closes normally.
 */

let stack: TestStack;

beforeAll(async () => {
  const base = testPolicy();
  stack = await startTestStack({
    policy: testPolicy({ delayed: { ...base.delayed, urgeIntervalMs: 600_000, totalDelayMs: 3_600_000 } }),
    env: { CASE_HISTORY_LIMIT: '100' },
  });
});
afterAll(async () => {
  await stack?.stop();
});

async function push(event: Record<string, unknown>) {
  expect((await stack.pushTracking(event)).status).toBe(200);
}

async function runs(caseId: string): Promise<string[]> {
  const found: string[] = [];
  for await (const execution of stack.client.workflow.list({ query: `WorkflowId="${caseId}"` })) found.push(execution.runId);
  return found;
}

test('a DELAYED case with a long scan trail continues as new and keeps its state and audit trail', async () => {
  const body = openCaseBody();
  const opened = await stack.api('agent', '/v1/cases', { body });
  const caseId = opened.body.caseId as string;
  await eventually(
    async () => (await stack.api('agent', `/v1/cases/${caseId}`)).body.status,
    (status) => status === 'WAITING_CARRIER',
  );

  // Scans that are not movement (processing delays at a hub): each one is a signal in the history.
  for (let scan = 1; scan <= 30; scan++) {
    await push({
      eventId: `${caseId}-hub-${scan}`,
      waybillNo: body.waybillNo,
      status: 'Exception',
      subStatus: 'processing_delay',
      location: `转运中心${scan}`,
    });
  }
  await eventually(
    () => runs(caseId),
    (found) => found.length >= 2,
    { what: 'a second run', timeoutMs: 60_000 },
  );

  // The new run carries the case: tracking, urges, clocks and the agent's view are intact.
  const carried = await eventually(
    async () => (await stack.api('agent', `/v1/cases/${caseId}`)).body,
    (view) => view.tracking?.eventsSeen === 30,
    { what: 'all 30 scans in the view' },
  );
  expect(carried).toMatchObject({ status: 'WAITING_CARRIER', type: 'DELAYED' });
  expect(carried.carrierRequests.filter((request: { operation: string }) => request.operation === 'urge')).toHaveLength(1);

  // A retried push of a scan from the first run is still recognised as a duplicate.
  await push({ eventId: `${caseId}-hub-30`, waybillNo: body.waybillNo, status: 'Exception', subStatus: 'processing_delay' });
  await push({ eventId: `${caseId}-delivered`, waybillNo: body.waybillNo, status: 'Delivered', location: '广州白云' });
  await eventually(
    async () => (await stack.api('agent', `/v1/cases/${caseId}`)).body.status,
    (status) => status === 'AWAITING_FEEDBACK',
    { what: 'resolved' },
  );
  expect((await stack.api('system', `/v1/cases/${caseId}/feedback`, { body: { score: 5, channel: 'sms' } })).status).toBe(200);
  expect(await stack.client.workflow.getHandle(caseId).result()).toMatchObject({ status: 'CLOSED', resolution: 'delivered', feedbackScore: 5 });

  const events = await caseHistory(stack.db, caseId);
  expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
  expect(verifyChain(caseId, events)).toBeUndefined();
  expect(events.filter((event) => event.kind === 'tracking.event')).toHaveLength(31);
  expect(events.filter((event) => event.kind === 'case.opened')).toHaveLength(1);
  // Nothing was sent twice across runs.
  const keys = stack.simulators.ledger
    .entries()
    .filter((entry) => entry.idempotencyKey?.startsWith(caseId))
    .map((entry) => entry.idempotencyKey);
  expect(new Set(keys).size).toBe(keys.length);
});
