import { recordHistory } from '../helpers/histories';
import { randomUUID } from 'node:crypto';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, supplierSignature, uniqueWaybill, WEBHOOK_SECRET, type TestStack } from '../helpers/test-stack';

/**
 * One case per playbook, driven the way a client drives it: through the HTTP API only, taking
 * only the actions `allowedActions` offers, with the simulators' control API playing the carrier,
 * the warehouse, the customer and the supplier. Each scenario ends AWAITING_FEEDBACK → CLOSED and
 * checks what a user relies on: the statuses the case went through, the effects in the partner
 * systems (by idempotency key, each done once), the audit trail and the resolution.
 */

type Role = 'agent' | 'supervisor' | 'expert' | 'auditor' | 'system';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API's JSON
type Json = any;

let stack: TestStack;

beforeAll(async () => {
  const base = testPolicy();
  stack = await startTestStack({
    policy: testPolicy({
      // A shorter customer window, so the "no choice" REFUSED case returns the parcel quickly;
      // customers who answer (evidence, choices) do so within a second here.
      evidence: { remindersMs: [3_000, 6_000], windowMs: 8_000 },
      carrier: { ...base.carrier, followUpIntervalMs: 500 },
    }),
  });
});
afterAll(async () => {
  await stack?.stop();
});
afterEach(async () => {
  await control('DELETE', '/faults');
});

// --- the client ---------------------------------------------------------------------------

async function control(method: string, path: string, body?: unknown): Promise<Json> {
  const response = await fetch(`${stack.simulators.url}/__control${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  expect(response.status).toBeLessThan(300);
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}

async function open(overrides: Record<string, unknown>): Promise<{ caseId: string; body: Json }> {
  const body = openCaseBody({ customer: { id: `C-${randomUUID().slice(0, 6)}`, name: '张三汽修', phone: '13800138000', storeId: 'S-9' }, ...overrides });
  const opened = await stack.api('agent', '/v1/cases', { body });
  expect(opened.status).toBe(201);
  return { caseId: opened.body.caseId as string, body };
}

const view = async (caseId: string, role: Role = 'agent'): Promise<Json> => {
  const response = await stack.api(role, `/v1/cases/${caseId}`);
  expect(response.status).toBe(200);
  return response.body;
};

const untilStatus = (caseId: string, status: string, role: Role = 'agent', timeoutMs = 30_000) =>
  eventually(
    () => view(caseId, role),
    (v) => v.status === status,
    { what: `${caseId} ${status}`, timeoutMs },
  );

async function act(role: Role, caseId: string, body: Record<string, unknown>): Promise<Json> {
  // A client only offers what the case allows now.
  expect((await view(caseId, role)).allowedActions).toContain(body.action);
  const response = await stack.api(role, `/v1/cases/${caseId}/actions`, { body });
  expect(response.status).toBe(200);
  return response.body;
}

/**
 * The audit trail once the read model has caught up with the closed case (the view answers from
 * the workflow, the trail from PostgreSQL a moment later), with its hash chain intact.
 */
async function closedHistory(caseId: string): Promise<Json[]> {
  const response = await eventually(
    () => stack.api('auditor', `/v1/cases/${caseId}/history`),
    (answer) => answer.status === 200 && answer.body.events.some((event: Json) => event.kind === 'case.closed') && answer.body.integrity?.verified === true,
    { what: `${caseId} closed trail` },
  );
  return response.body.events;
}

/** The carrier (or an aggregator) pushes a tracking event for the waybill. */
async function push(waybillNo: string, carrier: string, status: string, subStatus?: string): Promise<void> {
  const answer = await control('POST', '/tracking-push', {
    provider: 'generic',
    targetUrl: `${stack.apiUrl}/v1/webhooks/tracking/generic`,
    secret: WEBHOOK_SECRET,
    event: {
      eventId: `${waybillNo}-${status}-${randomUUID().slice(0, 6)}`,
      waybillNo,
      carrier,
      status,
      ...(subStatus ? { subStatus } : {}),
      occurredAt: new Date().toISOString(),
      location: '深圳市',
    },
  });
  expect(answer.status).toBe(200);
}

/** The customer answers the survey: the case closes. Returns the closed case and its trail. */
async function closeWithFeedback(caseId: string, outcome: string): Promise<{ closed: Json; events: Json[] }> {
  const awaiting = await untilStatus(caseId, 'AWAITING_FEEDBACK', 'system').catch(async (error) => {
    await debugDump(caseId);
    throw error;
  });
  expect(awaiting.resolution).toMatchObject({ outcome });
  expect(awaiting.allowedActions).toContain('feedback');
  const answered = await stack.api('system', `/v1/cases/${caseId}/feedback`, { body: { score: 5, comment: '处理很快', channel: 'sms' } });
  expect(answered.status).toBe(200);
  const closed = await untilStatus(caseId, 'CLOSED');
  expect(closed).toMatchObject({ resolution: { outcome }, feedback: { score: 5 }, closedAt: expect.any(String) });
  expect(closed.allowedActions).toEqual([]);
  const events = await closedHistory(caseId);
  expect(kinds(events)).toEqual(expect.arrayContaining(['case.opened', 'case.resolved', 'feedback.received', 'case.closed']));
  expect(events.find((event) => event.kind === 'case.resolved')?.data).toMatchObject({ outcome });
  recordPlaybookHistories(caseId, closed);
  return { closed, events };
}

/** With RECORD_HISTORIES=1: this run's case (and its claim / supplier children) for the replay test. */
function recordPlaybookHistories(caseId: string, closed: Json): void {
  const testName = expect.getState().currentTestName ?? caseId;
  const name = `playbook-${(testName.split(':')[0] ?? testName)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`;
  const address = stack.config.temporal.address;
  recordHistory(address, caseId, name);
  if (closed.claim) recordHistory(address, closed.claim.claimId, `${name}-claim`);
  if (closed.supplierId) recordHistory(address, `${caseId}/supplier`, `${name}-supplier`);
}

/** On a timeout: what the case and its claim wait for, from Temporal (diagnostics only). */
async function debugDump(caseId: string): Promise<void> {
  for (const id of [caseId, `${caseId}/claim-1`]) {
    try {
      const handle = stack.client.workflow.getHandle(id);
      const described = await handle.describe();
      const history = await handle.fetchHistory();
      const last = (history.events ?? []).slice(-15).map((event: Json) => event.eventType);
      console.error(
        `${id}: ${described.status.name}; pending activities ${JSON.stringify((described.raw as Json).pendingActivities ?? [])}; last events ${JSON.stringify(last)}`,
      );
    } catch (error) {
      console.error(`${id}: ${String(error)}`);
    }
  }
}

const kinds = (events: Json[]): string[] => events.map((event) => event.kind);
const statuses = (events: Json[]): string[] => ['OPEN', ...events.filter((event) => event.kind === 'case.status_changed').map((event) => event.data.to)];

/** `expected` appears in `actual` in this order (other entries may come between). */
function expectInOrder(actual: string[], expected: string[]): void {
  let at = 0;
  for (const item of actual) if (item === expected[at]) at += 1;
  if (at < expected.length) throw new Error(`expected ${JSON.stringify(expected)} in order within ${JSON.stringify(actual)}`);
}

/** Every effect a case caused in the partner systems, once per idempotency key (replays aside). */
function expectEachEffectOnce(caseId: string): void {
  const keys = stack.simulators.ledger
    .entries()
    .filter((entry) => entry.idempotencyKey?.startsWith(caseId))
    .map((entry) => `${entry.system} ${entry.idempotencyKey}`);
  const repeated = keys.filter((key, index) => keys.indexOf(key) !== index);
  expect(repeated).toEqual([]);
}

const ledger = (system: 'wms' | 'carrier' | 'payments' | 'wecom' | 'sms', key: string) => stack.simulators.ledger.entries({ system, idempotencyKey: key });

/** The one non-replay ledger entry of a key, once it is there. */
const effect = (system: 'wms' | 'carrier' | 'payments' | 'wecom' | 'sms', key: string) =>
  eventually(
    async () => ledger(system, key),
    (entries) => entries.length > 0,
    { what: `${system} ${key}` },
  ).then((entries) => {
    expect(entries).toHaveLength(1);
    return entries[0] as Json;
  });

const ADDRESS = { name: '李四', phone: '13900139000', province: '广东省', city: '广州市', district: '天河区', detail: '体育西路 100 号 汽修门店' };

// --- the playbooks ------------------------------------------------------------------------

test('LOST below the agent limit: trajectory verified, paid first, carrier claim filed, closed on feedback', async () => {
  // The simulated carrier invents an in-transit trace whose last scan is 6 h old: far past the
  // policy's 30 s lastScanAge, so the trajectory alone verifies the loss.
  const waybillNo = uniqueWaybill('SF');
  const { caseId } = await open({ type: 'LOST', waybillNo, carrier: 'SF', description: '包裹遗失', orderValue: 30_000, insured: true, declaredValue: 30_000 });

  const { closed, events } = await closeWithFeedback(caseId, 'compensated');
  expect(closed.claim).toMatchObject({ claimId: `${caseId}/claim-1`, status: 'PAID', approvedBy: 'auto', amountFen: 30_000, payout: { amountFen: 30_000 } });

  const payout = await effect('payments', `${caseId}/claim-1:payout`);
  expect(payout.request.body).toMatchObject({ amountFen: 30_000, caseId });
  const carrierClaim = await effect('carrier', `${caseId}/claim-1:carrier-claim`);
  expect(carrierClaim).toMatchObject({ operation: 'file-claim' });
  expect(
    stack.simulators.ledger.entries({ system: 'payments' }).filter((entry) => entry.request && (entry.request as Json).body?.caseId === caseId),
  ).toHaveLength(1);

  expectInOrder(statuses(events), ['OPEN', 'VERIFYING_LOSS', 'CLAIM_PAYOUT', 'RESOLVED', 'AWAITING_FEEDBACK', 'CLOSED']);
  expectInOrder(kinds(events), ['claim.proposed', 'claim.verified', 'claim.approved', 'claim.paying', 'claim.paid', 'case.resolved', 'case.closed']);
  expect(events.find((event) => event.kind === 'claim.verified')?.data).toMatchObject({ carrierConfirmed: false });
  expectEachEffectOnce(caseId);
});

test('DAMAGED: waits on the customer with clocks paused, evidence, an agent proposes a damage claim, paid, closed', async () => {
  const { caseId } = await open({
    type: 'DAMAGED',
    description: '配件破损',
    insured: true,
    declaredValue: 40_000,
    orderValue: 40_000,
    items: [{ sku: 'BRK-PAD-01', qty: 1 }],
  });

  const waiting = await untilStatus(caseId, 'WAITING_CUSTOMER', 'system');
  expect(waiting.evidence.requested).toMatchObject({ what: expect.any(String) });
  const paused = waiting.clocks
    .filter((clock: Json) => clock.state === 'paused')
    .map((clock: Json) => clock.name)
    .sort();
  expect(paused).toEqual(['handling', 'resolution']);
  await effect('sms', `${caseId}:evidence-request:1:sms`);

  const added = await act('system', caseId, {
    action: 'add-evidence',
    evidence: { kind: 'photo', description: '外箱压损，刹车片碎裂', url: 'https://oss.example.com/d/1.jpg' },
  });
  expect(added.clocks.filter((clock: Json) => clock.state === 'paused')).toEqual([]);
  await untilStatus(caseId, 'IN_PROGRESS');

  const proposed = await act('agent', caseId, { action: 'propose-claim', kind: 'damage', actualLossFen: 40_000, damagedShare: 0.5, reason: '刹车片破损一半' });
  expect(proposed.claim).toMatchObject({ kind: 'damage', claimId: `${caseId}/claim-1` });

  const { closed, events } = await closeWithFeedback(caseId, 'compensated');
  expect(closed.claim).toMatchObject({ status: 'PAID', basis: 'insured', amountFen: 20_000, approvedBy: 'auto' });
  const payout = await effect('payments', `${caseId}/claim-1:payout`);
  expect(payout.request.body).toMatchObject({ amountFen: 20_000 });

  expectInOrder(statuses(events), ['OPEN', 'WAITING_CUSTOMER', 'IN_PROGRESS', 'RESOLVED', 'AWAITING_FEEDBACK', 'CLOSED']);
  expectInOrder(kinds(events), [
    'evidence.requested',
    'sla.clock_paused',
    'evidence.added',
    'sla.clock_resumed',
    'claim.proposed',
    'claim.approved',
    'claim.paid',
    'case.resolved',
  ]);
  expectEachEffectOnce(caseId);
});

test('WRONG_ITEM from our warehouse: pick record, right part reshipped, wrong part picked up and received, closed', async () => {
  const orderId = `SO-${randomUUID().slice(0, 8)}`;
  await control('PUT', `/wms/orders/${orderId}`, { items: [{ sku: 'SKU-A', qty: 1 }], picked: [{ sku: 'SKU-B', qty: 1 }] });
  const { caseId } = await open({ type: 'WRONG_ITEM', orderId, description: '错发配件', items: [{ sku: 'SKU-A', qty: 1 }] });

  const { closed, events } = await closeWithFeedback(caseId, 'reshipped');
  const reship = await effect('wms', `${caseId}:reship:1`);
  expect(reship.request.body).toMatchObject({ orderId, items: [{ sku: 'SKU-A', qty: 1 }] });
  const ret = await effect('wms', `${caseId}:return:1`);
  expect(ret.request.body).toMatchObject({ orderId, items: [{ sku: 'SKU-B', qty: 1 }] });
  expect(closed.reshipments).toEqual([expect.objectContaining({ key: `${caseId}:reship:1`, items: [{ sku: 'SKU-A', qty: 1 }] })]);
  expect(closed.returns).toEqual([expect.objectContaining({ key: `${caseId}:return:1`, status: 'RECEIVED', pickupWaybillNo: expect.any(String) })]);

  expectInOrder(statuses(events), ['OPEN', 'WAITING_WAREHOUSE', 'WAITING_RETURN', 'IN_PROGRESS', 'RESOLVED', 'AWAITING_FEEDBACK', 'CLOSED']);
  expectInOrder(kinds(events), ['wms.pick_checked', 'wms.reshipped', 'wms.return_expected', 'wms.return_received', 'case.resolved']);
  expect(events.find((event) => event.kind === 'wms.pick_checked')?.data).toMatchObject({
    missing: [{ sku: 'SKU-A', qty: 1 }],
    unexpected: [{ sku: 'SKU-B', qty: 1 }],
  });
  expectEachEffectOnce(caseId);
});

test('MISSING_ITEM from our warehouse: one of two parts picked, the missing one reshipped, closed', async () => {
  const orderId = `SO-${randomUUID().slice(0, 8)}`;
  const items = [
    { sku: 'SKU-FILTER', qty: 1 },
    { sku: 'SKU-BELT', qty: 2 },
  ];
  await control('PUT', `/wms/orders/${orderId}`, { items, picked: [{ sku: 'SKU-FILTER', qty: 1 }] });
  const { caseId } = await open({ type: 'MISSING_ITEM', orderId, description: '少发一件', items });

  const { closed, events } = await closeWithFeedback(caseId, 'reshipped');
  const reship = await effect('wms', `${caseId}:reship:1`);
  expect(reship.request.body).toMatchObject({ orderId, items: [{ sku: 'SKU-BELT', qty: 2 }] });
  expect(ledger('wms', `${caseId}:return:1`)).toEqual([]);
  expect(closed.reshipments).toHaveLength(1);
  expect(closed.returns).toBeUndefined();

  expectInOrder(statuses(events), ['OPEN', 'WAITING_WAREHOUSE', 'RESOLVED', 'AWAITING_FEEDBACK', 'CLOSED']);
  expectInOrder(kinds(events), ['wms.pick_checked', 'wms.reshipped', 'case.resolved']);
  expectEachEffectOnce(caseId);
});

test('ADDRESS_CHANGE accepted: the carrier redirects, the parcel is delivered at the new address, closed', async () => {
  const waybillNo = uniqueWaybill('SF');
  const { caseId } = await open({
    type: 'ADDRESS_CHANGE',
    waybillNo,
    carrier: 'SF',
    description: '客户要求改址',
    newAddress: ADDRESS,
    items: [{ sku: 'SKU-OIL', qty: 4 }],
  });

  await untilStatus(caseId, 'WAITING_CARRIER');
  const redirect = await effect('carrier', `${caseId}:redirect:1`);
  expect(redirect).toMatchObject({ operation: 'redirect' });
  expect((await control('GET', `/carrier/instructions/${waybillNo}`)).instructions).toEqual([
    expect.objectContaining({ kind: 'redirect', carrier: 'SF', waybillNo }),
  ]);
  await push(waybillNo, 'SF', 'Delivered');

  const { events } = await closeWithFeedback(caseId, 'redirected');
  expectInOrder(statuses(events), ['OPEN', 'WAITING_CARRIER', 'RESOLVED', 'AWAITING_FEEDBACK', 'CLOSED']);
  expectInOrder(kinds(events), ['carrier.redirect_accepted', 'tracking.event', 'case.resolved']);
  expect(ledger('wms', `${caseId}:reship:1`)).toEqual([]);
  expectEachEffectOnce(caseId);
});

test('ADDRESS_CHANGE refused: fallback intercept, reship to the new address, the original comes back, closed', async () => {
  await control('POST', '/faults', { system: 'carrier', operation: 'redirect', refuse: true });
  const waybillNo = uniqueWaybill('SF');
  const { caseId } = await open({
    type: 'ADDRESS_CHANGE',
    waybillNo,
    carrier: 'SF',
    description: '客户要求改址',
    newAddress: ADDRESS,
    items: [{ sku: 'SKU-OIL', qty: 4 }],
  });

  const { closed, events } = await closeWithFeedback(caseId, 'reshipped');
  expect(await effect('carrier', `${caseId}:redirect:1`)).toMatchObject({ operation: 'redirect' });
  expect(await effect('carrier', `${caseId}:intercept:1`)).toMatchObject({ operation: 'intercept' });
  const reship = await effect('wms', `${caseId}:reship:1`);
  expect(reship.request.body).toMatchObject({ items: [{ sku: 'SKU-OIL', qty: 4 }], address: ADDRESS });
  const ret = await effect('wms', `${caseId}:return:1`);
  expect(ret.request.body).toMatchObject({ waybillNo });
  expect(closed.returns).toEqual([expect.objectContaining({ status: 'RECEIVED' })]);

  expectInOrder(statuses(events), ['OPEN', 'WAITING_RETURN', 'IN_PROGRESS', 'RESOLVED', 'AWAITING_FEEDBACK', 'CLOSED']);
  expectInOrder(kinds(events), [
    'carrier.redirect_refused',
    'playbook.fallback',
    'carrier.intercept_accepted',
    'wms.reshipped',
    'wms.return_expected',
    'wms.return_received',
    'case.resolved',
  ]);
  expectEachEffectOnce(caseId);
});

test('INTERCEPT accepted: intercepted, return received into the warehouse, refunded, closed', async () => {
  const waybillNo = uniqueWaybill('SF');
  const { caseId } = await open({
    type: 'INTERCEPT',
    waybillNo,
    carrier: 'SF',
    description: '订单已取消，拦截退回',
    orderValue: 12_800,
    items: [{ sku: 'SKU-LAMP', qty: 1 }],
  });

  const { closed, events } = await closeWithFeedback(caseId, 'intercepted');
  expect(await effect('carrier', `${caseId}:intercept:1`)).toMatchObject({ operation: 'intercept' });
  const ret = await effect('wms', `${caseId}:return:1`);
  expect(ret.request.body).toMatchObject({ waybillNo, items: [{ sku: 'SKU-LAMP', qty: 1 }] });
  const refund = await effect('payments', `${caseId}:refund`);
  expect(refund.request.body).toMatchObject({ amountFen: 12_800 });
  expect(closed.returns).toEqual([expect.objectContaining({ status: 'RECEIVED' })]);

  expectInOrder(statuses(events), ['OPEN', 'WAITING_RETURN', 'IN_PROGRESS', 'RESOLVED', 'AWAITING_FEEDBACK', 'CLOSED']);
  expectInOrder(kinds(events), ['carrier.intercept_accepted', 'wms.return_expected', 'wms.return_received', 'payment.refunded', 'case.resolved']);
  expectEachEffectOnce(caseId);
});

test('INTERCEPT refused: fallback return pickup, received, refunded, closed as returned', async () => {
  await control('POST', '/faults', { system: 'carrier', operation: 'intercept', refuse: true });
  const waybillNo = uniqueWaybill('SF');
  const { caseId } = await open({
    type: 'INTERCEPT',
    waybillNo,
    carrier: 'SF',
    description: '订单已取消，拦截退回',
    orderValue: 9_900,
    items: [{ sku: 'SKU-WIPER', qty: 2 }],
  });

  const { closed, events } = await closeWithFeedback(caseId, 'returned');
  expect(await effect('carrier', `${caseId}:intercept:1`)).toMatchObject({ operation: 'intercept' });
  const ret = await effect('wms', `${caseId}:return:1`);
  expect(ret.request.body).not.toHaveProperty('waybillNo'); // a pickup from the customer
  expect(await effect('payments', `${caseId}:refund`)).toMatchObject({ request: { body: { amountFen: 9_900 } } });
  expect(closed.returns).toEqual([expect.objectContaining({ status: 'RECEIVED', pickupWaybillNo: expect.any(String) })]);
  await effect('sms', `${caseId}:return-pickup:1:sms`);

  expectInOrder(statuses(events), ['OPEN', 'WAITING_RETURN', 'IN_PROGRESS', 'RESOLVED', 'AWAITING_FEEDBACK', 'CLOSED']);
  expectInOrder(kinds(events), [
    'carrier.intercept_refused',
    'playbook.fallback',
    'wms.return_expected',
    'wms.return_received',
    'payment.refunded',
    'case.resolved',
  ]);
  expectEachEffectOnce(caseId);
});

test('REFUSED: the customer chooses redelivery, delivered on the second attempt, closed', async () => {
  const waybillNo = uniqueWaybill('SF');
  const { caseId } = await open({ type: 'REFUSED', waybillNo, carrier: 'SF', description: '派件失败，门店未营业', orderValue: 5_000 });

  const waiting = await untilStatus(caseId, 'WAITING_CUSTOMER', 'system');
  expect(waiting.allowedActions).toContain('choose-remedy');
  expect(waiting.awaitingRemedy).toMatchObject({ options: ['redeliver', 'redirect', 'return'] });
  expect(
    waiting.clocks
      .filter((clock: Json) => clock.state === 'paused')
      .map((clock: Json) => clock.name)
      .sort(),
  ).toEqual(['handling', 'resolution']);
  await act('system', caseId, { action: 'choose-remedy', remedy: 'redeliver', note: '客户明天在店' });

  await untilStatus(caseId, 'WAITING_CARRIER');
  expect(await effect('carrier', `${caseId}:redeliver:1`)).toMatchObject({ operation: 'redeliver' });
  expect((await view(caseId, 'system')).allowedActions).not.toContain('choose-remedy');
  await push(waybillNo, 'SF', 'Delivered');

  const { events } = await closeWithFeedback(caseId, 'redelivered');
  expectInOrder(statuses(events), ['OPEN', 'WAITING_CUSTOMER', 'IN_PROGRESS', 'WAITING_CARRIER', 'RESOLVED', 'AWAITING_FEEDBACK', 'CLOSED']);
  expectInOrder(kinds(events), ['customer.remedy_chosen', 'carrier.redeliver_accepted', 'case.resolved']);
  expect(ledger('payments', `${caseId}:refund`)).toEqual([]);
  expectEachEffectOnce(caseId);
});

test('REFUSED with no answer from the customer: the parcel goes back, is received and refunded, closed', async () => {
  const waybillNo = uniqueWaybill('SF');
  const { caseId } = await open({
    type: 'REFUSED',
    waybillNo,
    carrier: 'SF',
    description: '客户拒收',
    orderValue: 6_600,
    items: [{ sku: 'SKU-MIRROR', qty: 1 }],
  });
  await untilStatus(caseId, 'WAITING_CUSTOMER', 'system');

  const { closed, events } = await closeWithFeedback(caseId, 'returned');
  expect(await effect('carrier', `${caseId}:return:1`)).toMatchObject({ operation: 'return' });
  expect(await effect('wms', `${caseId}:return:1`)).toMatchObject({ request: { body: { waybillNo } } });
  expect(await effect('payments', `${caseId}:refund`)).toMatchObject({ request: { body: { amountFen: 6_600 } } });
  expect(closed.returns).toEqual([expect.objectContaining({ status: 'RECEIVED' })]);

  expectInOrder(statuses(events), ['OPEN', 'WAITING_CUSTOMER', 'IN_PROGRESS', 'WAITING_RETURN', 'IN_PROGRESS', 'RESOLVED', 'AWAITING_FEEDBACK', 'CLOSED']);
  expectInOrder(kinds(events), [
    'customer.no_choice',
    'carrier.return_accepted',
    'wms.return_expected',
    'wms.return_received',
    'payment.refunded',
    'case.resolved',
  ]);
  expectEachEffectOnce(caseId);
});

test('RETURN_EXCHANGE: pickup, received by the warehouse, the exchange part shipped, closed', async () => {
  const items = [{ sku: 'SKU-SPARK', qty: 4 }];
  const { caseId } = await open({ type: 'RETURN_EXCHANGE', description: '型号不符，换货', orderValue: 8_000, items });

  // The warehouse is played by hand here: the return is received when the test says so.
  const expecting = await eventually(
    () => view(caseId),
    (v) => v.status === 'WAITING_RETURN' && v.returns?.length === 1,
    { what: 'return order' },
  );
  const returnOrderNo = expecting.returns[0].returnOrderNo as string;
  await control('PUT', `/wms/return-orders/${returnOrderNo}`, { autoAdvance: false });
  await control('POST', `/wms/return-orders/${returnOrderNo}/receive`);

  const { closed, events } = await closeWithFeedback(caseId, 'exchanged');
  expect(await effect('wms', `${caseId}:return:1`)).toMatchObject({ request: { body: { items } } });
  expect(await effect('wms', `${caseId}:reship:1`)).toMatchObject({ request: { body: { items } } });
  expect(ledger('payments', `${caseId}:refund`)).toEqual([]);
  expect(closed.reshipments).toHaveLength(1);

  expectInOrder(statuses(events), ['OPEN', 'WAITING_RETURN', 'IN_PROGRESS', 'RESOLVED', 'AWAITING_FEEDBACK', 'CLOSED']);
  expectInOrder(kinds(events), ['wms.return_expected', 'wms.return_received', 'wms.reshipped', 'case.resolved']);
  expectEachEffectOnce(caseId);
});

test('RETURN_EXCHANGE for a refund: pickup, received, refunded, closed', async () => {
  const { caseId } = await open({
    type: 'RETURN_EXCHANGE',
    description: '不需要了，退货退款',
    orderValue: 8_000,
    returnRemedy: 'refund',
    items: [{ sku: 'SKU-SPARK', qty: 4 }],
  });

  const { events } = await closeWithFeedback(caseId, 'refunded');
  await effect('wms', `${caseId}:return:1`);
  expect(await effect('payments', `${caseId}:refund`)).toMatchObject({ request: { body: { amountFen: 8_000 } } });
  expect(ledger('wms', `${caseId}:reship:1`)).toEqual([]);

  expectInOrder(statuses(events), ['OPEN', 'WAITING_RETURN', 'IN_PROGRESS', 'RESOLVED', 'AWAITING_FEEDBACK', 'CLOSED']);
  expectInOrder(kinds(events), ['wms.return_expected', 'wms.return_received', 'payment.refunded', 'case.resolved']);
  expectEachEffectOnce(caseId);
});

test('WRONG_ITEM shipped by a supplier: the supplier is followed up, replies with a reship, closed', async () => {
  const supplierId = `SUP-${randomUUID().slice(0, 6)}`;
  const { caseId } = await open({ type: 'WRONG_ITEM', description: '供应商错发', supplierId, items: [{ sku: 'SKU-PUMP', qty: 1 }] });

  await untilStatus(caseId, 'WAITING_SUPPLIER');
  const request = await effect('wecom', `${caseId}:supplier:request:wecom`);
  expect(request.request).toMatchObject({ query: { key: `supplier-${supplierId}` } });

  const reply = { replyId: `R-${randomUUID().slice(0, 8)}`, caseId, action: 'reshipped', message: '已补发正确配件', waybillNo: 'JD0099887766', carrier: 'JD' };
  const raw = JSON.stringify(reply);
  const answered = await fetch(`${stack.apiUrl}/v1/webhooks/supplier/${encodeURIComponent(supplierId)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': supplierSignature(supplierId, raw) },
    body: raw,
  });
  expect(answered.status).toBeLessThan(300);

  const { events } = await closeWithFeedback(caseId, 'supplier-reshipped');
  expect(ledger('wms', `${caseId}:reship:1`)).toEqual([]);
  await effect('sms', `${caseId}:supplier-reshipped:sms`);

  expectInOrder(statuses(events), ['OPEN', 'WAITING_SUPPLIER', 'RESOLVED', 'AWAITING_FEEDBACK', 'CLOSED']);
  expectInOrder(kinds(events), ['supplier.follow_up_started', 'supplier.replied', 'case.resolved']);
  expect(events.find((event) => event.kind === 'supplier.replied')?.data).toMatchObject({
    outcome: 'replied',
    reply: { action: 'reshipped', waybillNo: 'JD0099887766' },
  });
  expectEachEffectOnce(caseId);
});

// --- when the playbook cannot go on by itself -----------------------------------------------

test('REFUSED resolved by hand while the customer decides: the choice is no longer offered nor taken', async () => {
  const { caseId } = await open({ type: 'REFUSED', description: '派件失败', orderValue: 5_000 });
  await untilStatus(caseId, 'WAITING_CUSTOMER', 'system');
  await act('agent', caseId, { action: 'resolve', outcome: 'picked-up', summary: '电话沟通后客户已到网点自取' });

  const resolved = await untilStatus(caseId, 'AWAITING_FEEDBACK', 'system');
  expect(resolved.awaitingRemedy).toBeUndefined();
  expect(resolved.allowedActions).not.toContain('choose-remedy');
  const late = await stack.api('system', `/v1/cases/${caseId}/actions`, { body: { action: 'choose-remedy', remedy: 'return' } });
  expect(late.status).toBe(409);

  const { events } = await closeWithFeedback(caseId, 'picked-up');
  expect(kinds(events)).not.toContain('customer.remedy_chosen');
  expect(stack.simulators.ledger.entries({ system: 'carrier' }).filter((entry) => entry.idempotencyKey?.startsWith(caseId))).toEqual([]);
  expectEachEffectOnce(caseId);
});

test('REFUSED return the warehouse will not open: no refund without the parcel, a supervisor decides', async () => {
  await control('POST', '/faults', { system: 'wms', operation: 'return-order', refuse: true });
  const { caseId } = await open({ type: 'REFUSED', description: '客户拒收', orderValue: 5_000, items: [{ sku: 'SKU-MIRROR', qty: 1 }] });
  await untilStatus(caseId, 'WAITING_CUSTOMER', 'system');
  await act('system', caseId, { action: 'choose-remedy', remedy: 'return' });

  const handedOver = await eventually(
    () => view(caseId),
    (v) => v.status === 'IN_PROGRESS' && v.tier === 2,
    { what: 'hand-over to tier 2' },
  );
  expect(handedOver.allowedActions).not.toContain('resolve'); // the agent's view: tier 2 decides
  expect(await effect('carrier', `${caseId}:return:1`)).toMatchObject({ operation: 'return' });
  expect(ledger('payments', `${caseId}:refund`)).toEqual([]);

  await act('supervisor', caseId, { action: 'resolve', outcome: 'returned', summary: '主管核实包裹已退回仓库并线下退款' });
  const { events } = await closeWithFeedback(caseId, 'returned');
  expectInOrder(kinds(events), ['carrier.return_accepted', 'wms.return_refused', 'case.escalated', 'case.resolved']);
  expect(kinds(events)).not.toContain('payment.refunded');
  expectEachEffectOnce(caseId);
});

test('WRONG_ITEM whose order the warehouse does not know: handed to a supervisor, the case does not fail', async () => {
  await control('POST', '/faults', { system: 'wms', operation: 'pick-records', refuse: true });
  const { caseId } = await open({ type: 'WRONG_ITEM', description: '错发配件', items: [{ sku: 'SKU-A', qty: 1 }] });

  await eventually(
    () => view(caseId),
    (v) => v.status === 'IN_PROGRESS' && v.tier === 2,
    { what: 'hand-over to tier 2' },
  );
  await act('supervisor', caseId, { action: 'resolve', outcome: 'reshipped', summary: '人工核对后已手工补发' });
  const { events } = await closeWithFeedback(caseId, 'reshipped');
  expectInOrder(kinds(events), ['wms.pick_check_failed', 'case.escalated', 'case.resolved', 'case.closed']);
  expect(ledger('wms', `${caseId}:reship:1`)).toEqual([]);
  expectEachEffectOnce(caseId);
});

test('MISSING_ITEM reship refused for stock: the agent reships once stock is back, under a fresh key', async () => {
  await control('POST', '/faults', { system: 'wms', operation: 'reship-order', refuse: true });
  const orderId = `SO-${randomUUID().slice(0, 8)}`;
  await control('PUT', `/wms/orders/${orderId}`, { items: [{ sku: 'SKU-A', qty: 1 }], picked: [] });
  const { caseId } = await open({ type: 'MISSING_ITEM', orderId, description: '漏发', items: [{ sku: 'SKU-A', qty: 1 }] });
  await eventually(
    () => view(caseId),
    (v) => v.status === 'IN_PROGRESS' && v.tier === 2,
    { what: 'hand-over to tier 2' },
  );
  await control('DELETE', '/faults');

  const reshipped = await act('agent', caseId, { action: 'reship', reason: '到货后补发' });
  expect(reshipped.reshipments).toEqual([expect.objectContaining({ key: `${caseId}:reship:2` })]);
  await act('supervisor', caseId, { action: 'resolve', outcome: 'reshipped', summary: '已补发缺件' });
  await closeWithFeedback(caseId, 'reshipped');
  expectEachEffectOnce(caseId);
});
