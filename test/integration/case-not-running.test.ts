import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * An action on a case whose workflow has ended is answered 409 "Case not running", whatever way
 * Temporal says so (the update reaches a completed run).
 */

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

test('an action on a cancelled case is a 409, not a 503', async () => {
  const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody() });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  await eventually(
    async () => (await stack.api('agent', `/v1/cases/${caseId}`)).body,
    (view) => view.status === 'WAITING_CARRIER',
    { what: 'WAITING_CARRIER' },
  );
  const cancelled = await stack.api('supervisor', `/v1/cases/${caseId}/actions`, { body: { action: 'cancel', reason: '重复工单' } });
  expect(cancelled.status).toBe(200);
  await stack.client.workflow.getHandle(caseId).result();

  const late = await stack.api('supervisor', `/v1/cases/${caseId}/actions`, { body: { action: 'escalate', reason: '客户投诉' } });
  expect(late.status).toBe(409);
  expect(late.body).toMatchObject({ title: 'Case not running' });
});
