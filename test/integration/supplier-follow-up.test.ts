import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { caseDataConverter } from '../../codec/data-converter';
import { supplierFollowUpWorkflow } from '../../workflows';
import { supplierFollowUpQuery, supplierFollowUpWorkflowId, type SupplierFollowUpInput } from '../../workflows/supplier/contract';
import { eventually, startTestStack, supplierSignature, uniqueWaybill, type TestStack } from '../helpers/test-stack';

/**
 * The supplier follow-up (供應商跟進) child workflow on real parts, started directly: its WeCom
 * messages reach the simulator, the supplier answers through the signed webhook, and the
 * scorecard row lands in PostgreSQL. Policies are in seconds so the reminder schedule plays out.
 */

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

function followUpInput(policy: SupplierFollowUpInput['policy'], overrides: Partial<SupplierFollowUpInput> = {}): SupplierFollowUpInput {
  const caseId = `CASE-SUP-${randomUUID().slice(0, 8)}`;
  const orderId = `SO-${randomUUID().slice(0, 8)}`;
  return {
    caseId,
    supplierId: `SUP-${randomUUID().slice(0, 6)}`,
    orderId,
    waybillNo: uniqueWaybill('JD'),
    type: 'WRONG_ITEM',
    request: `订单${orderId}错发，请补发正确配件 SKU-1 ×1 并回复新运单号`,
    items: [{ sku: 'SKU-1', qty: 1 }],
    policy,
    ...overrides,
  };
}

/** Every follow-up this file ran, replayed at the end to prove the workflow is deterministic. */
const started: string[] = [];

async function start(input: SupplierFollowUpInput) {
  started.push(supplierFollowUpWorkflowId(input.caseId));
  return stack.client.workflow.start(supplierFollowUpWorkflow, {
    workflowId: supplierFollowUpWorkflowId(input.caseId),
    taskQueue: stack.config.temporal.taskQueue,
    args: [input],
  });
}

/** Posts a supplier reply the way a supplier does: the raw body signed with the shared secret. */
async function postReply(supplierId: string, body: Record<string, unknown> | string, secret?: string) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(`${stack.apiUrl}/v1/webhooks/supplier/${encodeURIComponent(supplierId)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': supplierSignature(supplierId, raw, secret) },
    body: raw,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, type: response.headers.get('content-type') };
}

function wecom(caseId: string) {
  return stack.simulators.ledger.entries({ system: 'wecom' }).filter((entry) => entry.idempotencyKey?.startsWith(`${caseId}:supplier:`));
}

async function followUpRow(caseId: string) {
  return stack.db.selectFrom('supplier_follow_ups').selectAll().where('case_id', '=', caseId).executeTakeFirst();
}

async function repliesOf(caseId: string) {
  return stack.db.selectFrom('supplier_replies').selectAll().where('case_id', '=', caseId).execute();
}

async function signalCount(workflowId: string): Promise<number> {
  const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter((event) => event.workflowExecutionSignaledEventAttributes).length;
}

test('asks the supplier, reminds on schedule, escalates to the manager once, and ends on the signed reply', async () => {
  const input = followUpInput({ reminderIntervalMs: 1_500, maxReminders: 2, responseTargetMs: 20_000 });
  const { caseId, supplierId } = input;
  const handle = await start(input);

  // The request reaches the supplier's WeCom group, and the scorecard row is open.
  const [request] = await eventually(
    () => Promise.resolve(wecom(caseId)),
    (entries) => entries.length >= 1,
    { what: 'supplier request' },
  );
  expect(request?.idempotencyKey).toBe(`${caseId}:supplier:request:wecom`);
  expect(request?.request).toMatchObject({ query: { key: `supplier-${supplierId}` } });
  const content = (request?.request as { body: { markdown: { content: string } } }).body.markdown.content;
  expect(content).toContain(caseId);
  expect(content).toContain(input.request);
  expect(await followUpRow(caseId)).toMatchObject({ supplier_id: supplierId, order_id: input.orderId, type: 'WRONG_ITEM', outcome: 'open', reminders: 0 });

  // Two reminders, then the manager's group hears about it once.
  await eventually(
    () => Promise.resolve(wecom(caseId).map((entry) => entry.idempotencyKey)),
    (keys) => keys.includes(`${caseId}:supplier:manager:wecom`),
    { what: 'manager escalation', timeoutMs: 20_000 },
  );
  const sent = wecom(caseId);
  expect(sent.map((entry) => entry.idempotencyKey)).toEqual([
    `${caseId}:supplier:request:wecom`,
    `${caseId}:supplier:reminder:1:wecom`,
    `${caseId}:supplier:reminder:2:wecom`,
    `${caseId}:supplier:manager:wecom`,
  ]);
  expect(sent[1]?.request).toMatchObject({ query: { key: `supplier-${supplierId}` } });
  expect(sent[3]?.request).toMatchObject({ query: { key: `supplier-${supplierId}-manager` } });
  // Reminders follow the policy's interval, not a literal in the code.
  const gap = Date.parse(sent[2]!.at) - Date.parse(sent[1]!.at);
  expect(gap).toBeGreaterThanOrEqual(1_400);
  const waiting = await handle.query(supplierFollowUpQuery);
  expect(waiting).toMatchObject({ status: 'ESCALATED_TO_MANAGER', reminders: 2 });

  // The supplier answers: a reship with the new waybill. The same push again is acknowledged only.
  const reply = { replyId: `R-${randomUUID().slice(0, 8)}`, caseId, action: 'reshipped', message: '已补发正确配件', waybillNo: 'JD0099887766', carrier: 'JD' };
  const first = await postReply(supplierId, reply);
  expect(first).toMatchObject({ status: 200, body: { received: true, duplicate: false, caseId, replyId: reply.replyId } });
  const again = await postReply(supplierId, reply);
  expect(again).toMatchObject({ status: 200, body: { duplicate: true } });

  const result = await handle.result();
  expect(result).toMatchObject({
    outcome: 'replied',
    reminders: 2,
    escalatedToManager: true,
    reply: { replyId: reply.replyId, action: 'reshipped', message: '已补发正确配件', waybillNo: 'JD0099887766', carrier: 'JD' },
  });
  expect(result.responseMs).toBeGreaterThanOrEqual(4_500);
  expect(result.responseMs).toBeLessThan(20_000);

  // Signalled once, recorded once, and the scorecard row carries the response time.
  expect(await signalCount(supplierFollowUpWorkflowId(caseId))).toBe(1);
  expect(await repliesOf(caseId)).toHaveLength(1);
  const row = await followUpRow(caseId);
  expect(row).toMatchObject({
    supplier_id: supplierId,
    outcome: 'replied',
    response_ms: result.responseMs,
    reminders: 2,
    escalated_to_manager: true,
    reply: expect.objectContaining({ replyId: reply.replyId, action: 'reshipped' }),
  });
  expect(row?.replied_at).toBeInstanceOf(Date);
  expect(row!.replied_at!.getTime() - row!.started_at.getTime()).toBe(result.responseMs);

  // Nothing went to WeCom twice or after the reply.
  const keys = wecom(caseId).map((entry) => entry.idempotencyKey);
  expect(keys).toHaveLength(4);
  expect(new Set(keys).size).toBe(4);

  // The follow-up is over: a new reply is refused with 409 and not kept.
  const late = await postReply(supplierId, { ...reply, replyId: `R-${randomUUID().slice(0, 8)}` });
  expect(late.status).toBe(409);
  expect(await repliesOf(caseId)).toHaveLength(1);
});

test('a quick reply ends the follow-up before any reminder', async () => {
  const input = followUpInput({ reminderIntervalMs: 5_000, maxReminders: 2, responseTargetMs: 30_000 });
  const handle = await start(input);
  await eventually(
    () => followUpRow(input.caseId),
    (row) => row?.outcome === 'open',
    { what: 'open follow-up row' },
  );
  const posted = await postReply(input.supplierId, { replyId: 'R-quick', caseId: input.caseId, action: 'accepted', message: '收到，今天补发' });
  expect(posted.status).toBe(200);
  const result = await handle.result();
  expect(result).toMatchObject({ outcome: 'replied', reminders: 0, escalatedToManager: false, reply: { action: 'accepted' } });
  expect(result.responseMs).toBeLessThan(5_000);
  expect(wecom(input.caseId).map((entry) => entry.idempotencyKey)).toEqual([`${input.caseId}:supplier:request:wecom`]);
  expect(await followUpRow(input.caseId)).toMatchObject({ outcome: 'replied', response_ms: result.responseMs, reminders: 0 });
});

test('the webhook refuses bad signatures, malformed bodies, other suppliers and unknown cases, recording nothing', async () => {
  const input = followUpInput({ reminderIntervalMs: 10_000, maxReminders: 1, responseTargetMs: 60_000 });
  const handle = await start(input);
  const { caseId, supplierId } = input;
  await eventually(
    () => followUpRow(caseId),
    (row) => row?.outcome === 'open',
    { what: 'open follow-up row' },
  );
  const reply = { replyId: 'R-1', caseId, action: 'message', message: '请稍等，正在核实' };

  const forged = await postReply(supplierId, reply, 'not-the-supplier-secret');
  expect(forged.status).toBe(401);
  expect(forged.type).toContain('application/problem+json');
  const unsigned = await fetch(`${stack.apiUrl}/v1/webhooks/supplier/${supplierId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(reply),
  });
  expect(unsigned.status).toBe(401);

  expect((await postReply(supplierId, '{"replyId":')).status).toBe(400);
  const invalid = await postReply(supplierId, { ...reply, action: 'ignored', extra: 1 });
  expect(invalid.status).toBe(400);
  expect(invalid.body.errors.map((error: { path: string }) => error.path)).toEqual(expect.arrayContaining(['$.action']));
  const noWaybill = await postReply(supplierId, { ...reply, action: 'reshipped' });
  expect(noWaybill.status).toBe(400);
  expect(noWaybill.body.errors.map((error: { path: string }) => error.path)).toContain('$.waybillNo');

  expect((await postReply('SUP-someone-else', reply)).status).toBe(403);
  expect((await postReply(supplierId, { ...reply, caseId: 'CASE-NO-SUCH-CASE' })).status).toBe(404);

  // None of that reached the workflow or the dedupe table.
  expect(await repliesOf(caseId)).toHaveLength(0);
  expect(await signalCount(supplierFollowUpWorkflowId(caseId))).toBe(0);
  expect(await handle.query(supplierFollowUpQuery)).toMatchObject({ status: 'WAITING_SUPPLIER', reminders: 0 });

  // The genuine reply still goes through.
  expect((await postReply(supplierId, reply)).status).toBe(200);
  expect(await handle.result()).toMatchObject({ outcome: 'replied', reply: { replyId: 'R-1', action: 'message' } });
});

test('a supplier who never answers: reminders, one manager notice, and the follow-up ends unanswered', async () => {
  const input = followUpInput({ reminderIntervalMs: 1_000, maxReminders: 1, responseTargetMs: 5_000 });
  const { caseId, supplierId } = input;
  const startedAt = Date.now();
  const handle = await start(input);

  const result = await handle.result();
  expect(Date.now() - startedAt).toBeGreaterThanOrEqual(4_500);
  expect(result).toEqual({ outcome: 'unanswered', reminders: 1, escalatedToManager: true });
  expect(wecom(caseId).map((entry) => entry.idempotencyKey)).toEqual([
    `${caseId}:supplier:request:wecom`,
    `${caseId}:supplier:reminder:1:wecom`,
    `${caseId}:supplier:manager:wecom`,
  ]);
  const row = await followUpRow(caseId);
  expect(row).toMatchObject({ outcome: 'unanswered', reminders: 1, escalated_to_manager: true, replied_at: null, response_ms: null, reply: null });

  // A reply after the end is refused and not kept.
  const late = await postReply(supplierId, { replyId: 'R-late', caseId, action: 'message', message: '抱歉回复晚了' });
  expect(late.status).toBe(409);
  expect(await repliesOf(caseId)).toHaveLength(0);
});

test('every follow-up above replays on the current workflow code', async () => {
  expect(started.length).toBeGreaterThanOrEqual(4);
  for (const workflowId of started) {
    const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE as string }, dataConverter: caseDataConverter(stack.config) },
      history,
      workflowId,
    );
  }
});
