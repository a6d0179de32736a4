import { decodePayloadValue } from '../helpers/payloads';
import { caseViewQuery } from '../../workflows/case/contract';
import type { CaseWorkflowInput } from '../../workflows/case/carry-over';
import { caseWorkflow } from '../../workflows';
import { eventually, openCaseBody, startTestStack, uniqueWaybill, type TestStack } from '../helpers/test-stack';

/**
 * Carrier requests carried across continue-as-new are capped (newest 50, `elided.carrierRequests`)
 * and their idempotency keys stay unique: a carrier instruction is numbered by a counter the case
 * carries, not by the length of the (cut) list (issue 7, item 9).
 *
 * A REFUSED case waiting for the customer's remedy is a continue-as-new point. The test takes a
 * real carry from such a cut, gives it a long history of 60 redelivery requests (as a case whose
 * customer asked again and again would have), and lets the case go on from it.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
type Json = any;

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ env: { CASE_HISTORY_LIMIT: '100' } });
});
afterAll(async () => {
  await stack?.stop();
});

const view = async (caseId: string): Promise<Json> => (await stack.api('system', `/v1/cases/${caseId}`)).body;
const act = (caseId: string, body: Record<string, unknown>) => stack.api('system', `/v1/cases/${caseId}/actions`, { body });

async function runIds(caseId: string): Promise<string[]> {
  const found: string[] = [];
  for await (const execution of stack.client.workflow.list({ query: `WorkflowId="${caseId}"` })) found.push(execution.runId);
  return found;
}

/** Adds notes until the case has continued as new once more; answers the input of the new run. */
async function cutOnce(caseId: string): Promise<CaseWorkflowInput> {
  const before = (await runIds(caseId)).length;
  const handle = stack.client.workflow.getHandle(caseId);
  const firstRun = (await handle.describe()).runId;
  for (let i = 0; (await runIds(caseId)).length === before; i++) {
    if (i > 200) throw new Error('the case never continued as new');
    expect((await act(caseId, { action: 'note', text: `note ${i}` })).status).toBe(200);
  }
  const history = await stack.client.workflow.getHandle(caseId, firstRun).fetchHistory();
  const last = (history.events ?? []).find((event) => event.workflowExecutionContinuedAsNewEventAttributes);
  const payload = last?.workflowExecutionContinuedAsNewEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new Error('no continue-as-new input');
  return decodePayloadValue<CaseWorkflowInput>(stack.config, payload);
}

/** Replaces the running case by a run that goes on from the given input (a crafted carry). */
async function restartFrom(caseId: string, input: CaseWorkflowInput): Promise<void> {
  await stack.client.workflow.getHandle(caseId).terminate('test: go on from a crafted carry');
  await stack.client.workflow.start(caseWorkflow, { workflowId: caseId, taskQueue: stack.config.temporal.taskQueue, args: [input] });
}

const carrierKeys = (caseId: string) =>
  stack.simulators.ledger
    .entries({ system: 'carrier' })
    .map((entry) => String(entry.idempotencyKey))
    .filter((key) => key.startsWith(`${caseId}:redeliver:`));

test('carrier requests: keys numbered by a carried counter stay unique across runs; the carried list is capped', async () => {
  const waybillNo = uniqueWaybill('SF');
  const opened = await stack.api('agent', '/v1/cases', {
    body: openCaseBody({ type: 'REFUSED', waybillNo, carrier: 'SF', description: '派件失败，门店未营业', orderValue: 5_000 }),
  });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  await eventually(
    () => view(caseId),
    (v) => v.status === 'WAITING_CUSTOMER' && v.awaitingRemedy !== undefined,
    { what: 'waiting for the remedy' },
  );

  // A real carry from the remedy wait, given 60 earlier redelivery requests (keys 1..60).
  const carried = await cutOnce(caseId);
  expect(carried.resume?.at.phase).toBe('remedy');
  const at = new Date().toISOString();
  const earlier = Array.from({ length: 60 }, (_, i) => ({
    key: `${caseId}:redeliver:${i + 1}`,
    operation: 'redeliver',
    at,
    outcome: 'failed' as const,
    detail: 'test',
  }));
  const resume = carried.resume as NonNullable<CaseWorkflowInput['resume']>;
  await restartFrom(caseId, {
    ...carried,
    resume: { ...resume, state: { ...resume.state, carrierRequests: earlier, carrierRequestNumbers: { redeliver: earlier.length } } },
  });

  // The customer asks for redelivery once more: the 61st, never a key used before.
  await eventually(
    () => view(caseId),
    (v) => v.awaitingRemedy !== undefined,
    { what: 'remedy wait after restart' },
  );
  expect((await act(caseId, { action: 'choose-remedy', remedy: 'redeliver', note: '再派一次' })).status).toBe(200);
  await eventually(
    () => Promise.resolve(carrierKeys(caseId)),
    (keys) => keys.length === 1,
    { what: 'redelivery request' },
  );
  expect(carrierKeys(caseId)).toEqual([`${caseId}:redeliver:61`]);
  await eventually(
    () => view(caseId),
    (v) => v.status === 'WAITING_CARRIER',
    { what: 'waiting for the delivery' },
  );

  // The delivery wait is cut too: the next run carries the newest 50 requests, says it left 11
  // out, and carries the counter.
  const next = await cutOnce(caseId);
  const state = (next.resume as NonNullable<CaseWorkflowInput['resume']>).state;
  expect(state.carrierRequests).toHaveLength(50);
  expect(state.carrierRequests[49]?.key).toBe(`${caseId}:redeliver:61`);
  expect(state.elided?.carrierRequests).toBe(11);
  // The new run's own view (the read model keeps the last run's snapshot until the case changes).
  const shown = await stack.client.workflow.getHandle(caseId).query(caseViewQuery);
  expect(shown.carrierRequests.length).toBeLessThanOrEqual(50);
  expect(shown.elided).toMatchObject({ carrierRequests: 11 });

  // That capped carry, back at the customer's choice: the next redelivery is the 62nd (numbering
  // by the cut list would reuse key 51, which the carrier answers with its first answer).
  const { remedy: _chosen, ...unchosen } = state;
  const waiting = { ...unchosen, status: 'WAITING_CUSTOMER' as const, awaitingRemedy: resume.state.awaitingRemedy };
  await restartFrom(caseId, { ...next, resume: { state: waiting, at: { phase: 'remedy', until: Date.now() + 600_000 } } });
  await eventually(
    () => view(caseId),
    (v) => v.awaitingRemedy !== undefined || v.status === 'WAITING_CUSTOMER',
    { what: 'remedy wait, second restart' },
  );
  expect((await act(caseId, { action: 'choose-remedy', remedy: 'redeliver', note: '再派一次' })).status).toBe(200);
  await eventually(
    () => Promise.resolve(carrierKeys(caseId)),
    (keys) => keys.length === 2,
    { what: 'second redelivery request' },
  );
  expect(carrierKeys(caseId)).toEqual([`${caseId}:redeliver:61`, `${caseId}:redeliver:62`]);
  await stack.client.workflow.getHandle(caseId).terminate('test over');
}, 240_000);
