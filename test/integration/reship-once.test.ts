import { randomUUID } from 'node:crypto';
import { caseHistory } from '../../store/read-model';
import { recordHistory } from '../helpers/histories';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * A reship whose outcome is unknown (issue 7, defect 4, the workflow's part): the WMS is down, then
 * creates the order and the answer is lost. The case asks again under the same WMS key until the
 * WMS answers; it never opens a second order, and never refunds a part it may have shipped.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
type Json = any;

let stack: TestStack;

beforeAll(async () => {
  const base = testPolicy();
  stack = await startTestStack({
    policy: testPolicy({ carrier: { ...base.carrier, followUpIntervalMs: 500 } }),
  });
});
afterAll(async () => {
  await stack?.stop();
});
afterEach(() => {
  stack.simulators.faults.clear();
});

async function control(method: string, path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${stack.simulators.url}/__control${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  expect(response.status).toBeLessThan(300);
}

const view = async (caseId: string): Promise<Json> => (await stack.api('agent', `/v1/cases/${caseId}`)).body;

test('an exchange reship whose answer is lost after outages is asked again under its key: one WMS order, no refund', async () => {
  const items = [{ sku: 'SKU-SPARK', qty: 4 }];
  const opened = await stack.api('agent', '/v1/cases', {
    body: openCaseBody({
      type: 'RETURN_EXCHANGE',
      description: '型号不符，换货',
      orderValue: 8_000,
      items,
      customer: { id: `C-${randomUUID().slice(0, 6)}`, name: '张三汽修', phone: '13800138000' },
    }),
  });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  const expecting = await eventually(
    () => view(caseId),
    (v) => v.status === 'WAITING_RETURN' && v.returns?.length === 1,
    { what: 'return order' },
  );
  const returnOrderNo = expecting.returns[0].returnOrderNo as string;
  await control('PUT', `/wms/return-orders/${returnOrderNo}`, { autoAdvance: false });

  // Nine outages (nothing done), then the WMS creates the order and the answer is lost: more
  // than one round of activity retries, so the workflow itself must keep the key.
  stack.simulators.faults.set([
    { system: 'wms', operation: 'reship-order', dropResponse: true },
    { system: 'wms', operation: 'reship-order', failNext: 9 },
  ]);
  await control('POST', `/wms/return-orders/${returnOrderNo}/receive`);

  const resolved = await eventually(
    () => view(caseId),
    (v) => v.status === 'AWAITING_FEEDBACK',
    { what: 'exchanged', timeoutMs: 100_000, intervalMs: 500 },
  );
  expect(resolved.resolution).toMatchObject({ outcome: 'exchanged' });

  const orders = stack.simulators.ledger.entries({ system: 'wms', operation: 'reship-order' });
  expect(orders).toHaveLength(1);
  expect(orders[0]?.idempotencyKey).toBe(`${caseId}:reship:1`);
  // Every ask after the lost answer used the same key (the replay told the case what happened).
  const asks = stack.simulators.ledger.entries({ system: 'wms', operation: 'reship-order', includeReplays: true });
  expect(new Set(asks.map((entry) => entry.idempotencyKey))).toEqual(new Set([`${caseId}:reship:1`]));
  expect(stack.simulators.ledger.entries({ system: 'payments' }).filter((entry) => String(entry.idempotencyKey).startsWith(caseId))).toEqual([]);
  const kinds = (await caseHistory(stack.db, caseId)).map((event) => event.kind);
  expect(kinds).toContain('wms.reship_unknown');
  expect(kinds).not.toContain('payment.refunded');
  recordHistory(stack.config.temporal.address, caseId, 'reship-unknown-outcome-asked-again');
  await stack.client.workflow.getHandle(caseId).terminate('test over');
}, 150_000);

describe('with one round of asking before the case hands over', () => {
  let short: TestStack;
  beforeAll(async () => {
    const base = testPolicy();
    short = await startTestStack({ policy: testPolicy({ carrier: { ...base.carrier, followUpIntervalMs: 500, maxFollowUps: 1 } }) });
  });
  afterAll(async () => {
    await short?.stop();
  });

  test("an agent's reship after an unknown outcome asks under the same key: the first order, not a second", async () => {
    const orderId = `SO-${randomUUID().slice(0, 8)}`;
    const put = await fetch(`${short.simulators.url}/__control/wms/orders/${orderId}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ sku: 'SKU-A', qty: 1 }], picked: [] }),
    });
    expect(put.status).toBe(200);
    // Four outages, then the order is created and its answer lost: the round ends unknown.
    short.simulators.faults.set([
      { system: 'wms', operation: 'reship-order', dropResponse: true },
      { system: 'wms', operation: 'reship-order', failNext: 4 },
    ]);
    const opened = await short.api('agent', '/v1/cases', {
      body: openCaseBody({ type: 'MISSING_ITEM', orderId, description: '漏发', items: [{ sku: 'SKU-A', qty: 1 }] }),
    });
    expect(opened.status).toBe(201);
    const caseId = opened.body.caseId as string;
    const handedOver = await eventually(
      async () => (await caseHistory(short.db, caseId)).map((event) => event.kind),
      (kinds) => kinds.includes('wms.reship_in_doubt') && kinds.includes('case.escalated'),
      { what: 'reship in doubt, handed over', timeoutMs: 60_000 },
    );
    expect(handedOver).not.toContain('wms.reshipped');
    short.simulators.faults.clear();

    const retried = await short.api('agent', `/v1/cases/${caseId}/actions`, { body: { action: 'reship', reason: '补发缺件' } });
    expect(retried.status).toBe(200);
    expect(retried.body.reshipments).toEqual([expect.objectContaining({ key: `${caseId}:reship:1` })]);
    const orders = short.simulators.ledger.entries({ system: 'wms', operation: 'reship-order' });
    expect(orders.map((entry) => entry.idempotencyKey)).toEqual([`${caseId}:reship:1`]);
    await short.client.workflow.getHandle(caseId).terminate('test over');
  }, 120_000);
});
