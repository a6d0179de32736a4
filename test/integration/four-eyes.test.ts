import { Worker } from '@temporalio/worker';
import { caseDataConverter } from '../../codec/data-converter';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * Four eyes for money (issue 18, item 7): with `claims.secondPersonAbove` set in the policy, a
 * claim above it is not approved automatically even within the agent's limit — a supervisor
 * approves it — while a smaller one still is. The run that took the new path replays on today's
 * code (the rule is behind patched(); histories from before it replay by test/integration/replay).
 */

let stack: TestStack;
const base = testPolicy();

beforeAll(async () => {
  stack = await startTestStack({ policy: testPolicy({ claims: { ...base.claims, secondPersonAboveFen: 10_000 } }) });
});
afterAll(async () => {
  await stack?.stop();
});

async function openLostCase(orderValue: number): Promise<string> {
  const body = openCaseBody({ type: 'LOST', orderValue, insured: false, freight: 5_000 });
  const opened = await stack.api('agent', '/v1/cases', { body });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  const pushed = await stack.pushTracking({ eventId: `${caseId}-lost`, waybillNo: body.waybillNo, status: 'Exception', subStatus: 'lost' });
  expect(pushed.status).toBe(200);
  return caseId;
}

const view = async (caseId: string, role: 'agent' | 'supervisor' = 'agent') => (await stack.api(role, `/v1/cases/${caseId}`)).body;

test('a claim above the four-eyes threshold, within the agent limit, waits for a supervisor; one below is automatic', async () => {
  // ¥120 (12,000 fen): below the agent's ¥500 limit, above the ¥100 four-eyes threshold.
  const above = await openLostCase(12_000);
  const review = await eventually(
    () => view(above),
    (v) => v.status === 'CLAIM_REVIEW',
    { what: 'claim review', timeoutMs: 60_000 },
  );
  expect(review.claim).toMatchObject({ approvalTier: 'supervisor', amountFen: 12_000, status: 'AWAITING_APPROVAL' });
  expect((await stack.api('agent', `/v1/cases/${above}/actions`, { body: { action: 'approve-claim' } })).status).toBe(403);
  expect((await stack.api('supervisor', `/v1/cases/${above}/actions`, { body: { action: 'approve-claim', note: '第二人核实' } })).status).toBe(200);
  const paid = await eventually(
    () => view(above),
    (v) => v.claim?.status === 'PAID',
    { what: 'paid after the second person', timeoutMs: 30_000 },
  );
  expect(paid.claim).toMatchObject({ approvedBy: expect.stringMatching(/^supervisor/) });

  // ¥80 (8,000 fen): below the threshold, approved automatically as before.
  const below = await openLostCase(8_000);
  const auto = await eventually(
    () => view(below),
    (v) => v.claim?.status === 'PAID',
    { what: 'paid automatically', timeoutMs: 60_000 },
  );
  expect(auto.claim).toMatchObject({ approvalTier: 'auto', approvedBy: 'auto', amountFen: 8_000 });

  // The claim workflow that took the four-eyes path replays on today's code.
  const claimHandle = stack.client.workflow.getHandle(paid.claim.claimId as string);
  await eventually(
    async () => (await claimHandle.describe()).status.name,
    (status) => status !== 'RUNNING',
    { what: 'the claim workflow finished', timeoutMs: 60_000 },
  );
  const history = await claimHandle.fetchHistory();
  await Worker.runReplayHistory(
    { workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE as string }, dataConverter: caseDataConverter(stack.config) },
    history,
    paid.claim.claimId as string,
  );
  for (const caseId of [above, below]) await stack.client.workflow.getHandle(caseId).terminate('test over');
});
