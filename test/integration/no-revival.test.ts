import { createHmac } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { CaseService } from '../../api/case-service';
import { openCaseBody as openCaseSchema } from '../../api/schemas';
import { eventually, openCaseBody, startTestStack, WEBHOOK_SECRET, type TestStack } from '../helpers/test-stack';

/**
 * A finished case is never restarted, and a case whose start succeeded is never withdrawn
 * (issue 7, item 6).
 */

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function push(event: Record<string, unknown>) {
  const raw = JSON.stringify({ carrier: 'SF', occurredAt: new Date().toISOString(), ...event });
  const response = await fetch(`${stack.apiUrl}/v1/webhooks/tracking/generic`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(raw).digest('hex')}` },
    body: raw,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

test('a tracking event for a terminated case does not start a new run', async () => {
  const body = openCaseBody();
  const opened = await stack.api('agent', '/v1/cases', { body });
  const caseId = opened.body.caseId as string;
  await eventually(
    async () => (await stack.api('agent', `/v1/cases/${caseId}`)).body.status,
    (status) => status === 'WAITING_CARRIER',
  );
  const handle = stack.client.workflow.getHandle(caseId);
  const { runId } = await handle.describe();
  await handle.terminate('an operator stopped it');

  // The read model still shows the case open (a terminated workflow writes nothing), so the
  // webhook targets it: the event must not revive it.
  const answer = await push({ eventId: `ev-${caseId}`, waybillNo: body.waybillNo, status: 'InTransit' });
  expect(answer.status).toBe(200);
  const after = await stack.client.workflow.getHandle(caseId).describe();
  expect(after.runId).toBe(runId);
  expect(after.status.name).toBe('TERMINATED');
  const { count } = await stack.client.workflow.count(`WorkflowId="${caseId}"`);
  expect(count).toBe(1);
});

test('a start that fails at the client but succeeded at the server keeps its case row', async () => {
  // The server accepts the start, then the client gives up (a deadline, a dropped connection).
  const realWorkflow = stack.client.workflow;
  const flakyWorkflow = Object.create(realWorkflow, {
    start: {
      value: async (...args: Parameters<typeof realWorkflow.start>) => {
        await realWorkflow.start(...args);
        throw new Error('DEADLINE_EXCEEDED: the client stopped waiting');
      },
    },
  }) as typeof realWorkflow;
  const flakyClient = Object.create(stack.client, { workflow: { value: flakyWorkflow } }) as Client;
  const service = new CaseService({ db: stack.db, temporal: flakyClient, config: stack.config });

  const body = openCaseBody();
  const result = await service.openCase(openCaseSchema.parse(body), { id: 'agent:test', role: 'agent' });
  expect(result.status).toBe(201);
  const caseId = result.body.caseId as string;
  const row = await stack.db.selectFrom('cases').select('case_id').where('case_id', '=', caseId).executeTakeFirst();
  expect(row?.case_id).toBe(caseId);
  const description = await stack.client.workflow.getHandle(caseId).describe();
  expect(description.status.name).toBe('RUNNING');
  await stack.client.workflow.getHandle(caseId).terminate('test over');
});
