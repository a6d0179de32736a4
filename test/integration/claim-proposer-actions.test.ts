import { randomUUID } from 'node:crypto';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, TOKENS, type TestStack } from '../helpers/test-stack';

/**
 * `allowedActions` in GET /v1/cases/{id} is for the caller, not only the caller's role (issue 7,
 * item 3: nobody approves their own claim): a supervisor who proposed a claim is not offered
 * `approve-claim` or `reject-claim` on it, while another supervisor is. Two supervisors, so the
 * stack gets named tokens of its own.
 */

const PROPOSER = 'test-supervisor-wang-token';
const OTHER = 'test-supervisor-zhao-token';
const long = { targetMs: 600_000 };

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({
    policy: testPolicy({
      // Nothing but the claim moves the case: no SLA escalation changes who is asked.
      clocks: { firstResponse: long, handling: long, resolution: long, payout: long, callback: long, returnReceipt: long },
      delayed: { urgeIntervalMs: 300_000, maxUrges: 3, totalDelayMs: 600_000 },
    }),
    env: {
      API_TOKENS: [
        `agent:${TOKENS.agent}`,
        `supervisor:wang:${PROPOSER}`,
        `supervisor:zhao:${OTHER}`,
        `expert:${TOKENS.expert}`,
        `auditor:${TOKENS.auditor}`,
        `system:${TOKENS.system}`,
      ].join(','),
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
async function call(token: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

test('the proposer of a claim is not offered approve-claim; another supervisor is', async () => {
  const body = openCaseBody({
    customer: { id: `C-${randomUUID().slice(0, 6)}`, name: '张三汽修', phone: '13800138000' },
    insured: true,
    declaredValue: 80_000,
  });
  const opened = await call(TOKENS.agent, '/v1/cases', body);
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;

  // An insured ¥800 part: above the agent's ¥500 limit, a supervisor's to approve.
  const proposed = await call(PROPOSER, `/v1/cases/${caseId}/actions`, { action: 'propose-claim', kind: 'loss', actualLossFen: 80_000, reason: '包裹遗失' });
  expect(proposed.status).toBe(200);
  await eventually(
    () => call(PROPOSER, `/v1/cases/${caseId}`),
    (v) => v.body.claim?.status === 'AWAITING_APPROVAL',
    { what: 'claim awaiting approval' },
  );

  const proposerView = await call(PROPOSER, `/v1/cases/${caseId}`);
  expect(proposerView.body.claim.proposedBy).toBe('supervisor:wang');
  expect(proposerView.body.allowedActions).not.toContain('approve-claim');
  expect(proposerView.body.allowedActions).not.toContain('reject-claim');

  const otherView = await call(OTHER, `/v1/cases/${caseId}`);
  expect(otherView.body.allowedActions).toEqual(expect.arrayContaining(['approve-claim', 'reject-claim']));

  // What is offered is what is allowed: the proposer is refused, the other supervisor is not.
  expect((await call(PROPOSER, `/v1/cases/${caseId}/actions`, { action: 'approve-claim', note: '我自己批' })).status).toBe(403);
  expect((await call(OTHER, `/v1/cases/${caseId}/actions`, { action: 'approve-claim', note: '核实无误' })).status).toBe(200);
  await stack.client.workflow.getHandle(caseId).terminate('test over');
});
