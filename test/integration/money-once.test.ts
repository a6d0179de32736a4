import { randomUUID } from 'node:crypto';
import { caseHistory } from '../../store/read-model';
import { recordHistory } from '../helpers/histories';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * Money is paid once (issue 7, defect 3), on the real stack: the payments simulator keeps the
 * ledger of every payout, and its fault table plays a payments system that refuses or conflicts.
 *
 * - a loss paid, then goodwill, then the same loss again: refused (every claim of the case counts);
 * - goodwill capped per case by the policy, in count and in total;
 * - nobody approves a claim they proposed;
 * - an approver's amount is bounded by the calculator's, unless an expert overrides with a reason;
 * - a payout that fails leaves the case with a supervisor, who retries it (new key) or rejects it;
 * - a refund that fails hands the case over instead of failing it.
 */

type Role = 'agent' | 'supervisor' | 'expert' | 'system' | 'auditor';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
type Json = any;

let stack: TestStack;
const long = { targetMs: 600_000 };

beforeAll(async () => {
  const base = testPolicy();
  stack = await startTestStack({
    policy: testPolicy({
      // Nothing but the claims moves these cases: no SLA escalation, no DELAYED → LOST conversion.
      clocks: { firstResponse: long, handling: long, resolution: long, payout: long, callback: long, returnReceipt: long },
      delayed: { urgeIntervalMs: 300_000, maxUrges: 3, totalDelayMs: 600_000 },
      goodwill: { maxPerCase: 2, maxTotalFen: 30_000 },
      carrier: { ...base.carrier, followUpIntervalMs: 500 },
    }),
  });
});
afterAll(async () => {
  await stack?.stop();
});
afterEach(() => {
  stack.simulators.faults.clear();
});

async function open(overrides: Record<string, unknown> = {}): Promise<string> {
  const body = openCaseBody({
    customer: { id: `C-${randomUUID().slice(0, 6)}`, name: '张三汽修', phone: '13800138000' },
    freight: 5_000,
    insured: false,
    ...overrides,
  });
  const opened = await stack.api('agent', '/v1/cases', { body });
  expect(opened.status).toBe(201);
  return opened.body.caseId as string;
}

const view = async (caseId: string, role: Role = 'agent'): Promise<Json> => (await stack.api(role, `/v1/cases/${caseId}`)).body;

const act = (role: Role, caseId: string, body: Record<string, unknown>) => stack.api(role, `/v1/cases/${caseId}/actions`, { body });

const claimIs = (caseId: string, claimNo: number, status: string, timeoutMs = 30_000) =>
  eventually(
    () => view(caseId),
    (v) => v.claim?.claimId === `${caseId}/claim-${claimNo}` && v.claim?.status === status,
    { what: `${caseId} claim-${claimNo} ${status}`, timeoutMs },
  );

const payoutEntries = (caseId: string) =>
  stack.simulators.ledger.entries({ system: 'payments', operation: 'payout' }).filter((entry) => String(entry.idempotencyKey).startsWith(`${caseId}`));
const succeeded = (caseId: string) => payoutEntries(caseId).filter((entry) => (entry.response as Json)?.status === 'SUCCEEDED');

/** Someone else already used a key at the payments system, for another amount: a 409-class conflict. */
async function occupyPayoutKey(key: string): Promise<void> {
  const response = await fetch(`${stack.simulators.url}/payments/v1/payouts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify({ payeeId: 'C-SOMEONE-ELSE', amountFen: 1, currency: 'CNY', reason: 'test: key already used', caseId: 'elsewhere' }),
  });
  expect(response.status).toBe(200);
}

test('a loss paid, then goodwill, then the same loss again: the second loss claim is refused', async () => {
  const caseId = await open();
  expect((await act('agent', caseId, { action: 'propose-claim', kind: 'loss', actualLossFen: 10_000, reason: '包裹遗失' })).status).toBe(200);
  await claimIs(caseId, 1, 'PAID');
  expect((await act('agent', caseId, { action: 'propose-claim', kind: 'goodwill', actualLossFen: 2_000, reason: '安抚补偿' })).status).toBe(200);
  await claimIs(caseId, 2, 'PAID');

  const again = await act('agent', caseId, { action: 'propose-claim', kind: 'loss', actualLossFen: 10_000, reason: '包裹遗失' });
  expect(again.status).toBe(409);
  expect(again.body.detail).toMatch(/already paid a claim for the loss/);
  expect(succeeded(caseId)).toHaveLength(2);
  await stack.client.workflow.getHandle(caseId).terminate('test over');
});

test('goodwill is capped per case by the policy: in total, then in count', async () => {
  const caseId = await open();
  expect((await act('agent', caseId, { action: 'propose-claim', kind: 'goodwill', actualLossFen: 20_000, reason: '安抚补偿' })).status).toBe(200);
  await claimIs(caseId, 1, 'PAID');
  // ¥200 + ¥150 is above the ¥300 total.
  const tooMuch = await act('agent', caseId, { action: 'propose-claim', kind: 'goodwill', actualLossFen: 15_000, reason: '再次安抚' });
  expect(tooMuch.status).toBe(409);
  expect(tooMuch.body.detail).toMatch(/policy allows ¥300.00/);
  expect((await act('agent', caseId, { action: 'propose-claim', kind: 'goodwill', actualLossFen: 5_000, reason: '再次安抚' })).status).toBe(200);
  await claimIs(caseId, 2, 'PAID');
  // A third gesture is one too many, however small.
  const third = await act('agent', caseId, { action: 'propose-claim', kind: 'goodwill', actualLossFen: 100, reason: '第三次' });
  expect(third.status).toBe(409);
  expect(third.body.detail).toMatch(/policy allows 2/);
  expect(succeeded(caseId).map((entry) => (entry.response as Json).amountFen)).toEqual([20_000, 5_000]);
  await stack.client.workflow.getHandle(caseId).terminate('test over');
});

test('nobody approves a claim they proposed: the proposing supervisor is refused, an expert decides', async () => {
  // An insured ¥800 part: above the agent's ¥500 limit, a supervisor's to approve.
  const caseId = await open({ insured: true, declaredValue: 80_000 });
  expect((await act('supervisor', caseId, { action: 'propose-claim', kind: 'loss', actualLossFen: 80_000, reason: '包裹遗失' })).status).toBe(200);
  await claimIs(caseId, 1, 'AWAITING_APPROVAL');

  const own = await act('supervisor', caseId, { action: 'approve-claim', note: '我自己批' });
  expect(own.status).toBe(403);
  expect(own.body.detail).toMatch(/proposed/);
  expect(payoutEntries(caseId)).toHaveLength(0);

  expect((await act('expert', caseId, { action: 'approve-claim', note: '核实无误' })).status).toBe(200);
  const paid = await claimIs(caseId, 1, 'PAID');
  expect(paid.claim.approvedBy).not.toBe(paid.claim.proposedBy);
  expect(succeeded(caseId)).toHaveLength(1);
  await stack.client.workflow.getHandle(caseId).terminate('test over');
});

test("an approver's amount is bounded by the calculator's; an expert may exceed it with a reason, recorded", async () => {
  const caseId = await open({ insured: true, declaredValue: 80_000 });
  expect((await act('agent', caseId, { action: 'propose-claim', kind: 'loss', actualLossFen: 80_000, reason: '包裹遗失' })).status).toBe(200);
  const review = await claimIs(caseId, 1, 'AWAITING_APPROVAL');
  expect(review.claim).toMatchObject({ amountFen: 80_000, ceilingFen: 80_000 });

  const supervisorMore = await act('supervisor', caseId, { action: 'approve-claim', amountFen: 90_000, note: '多赔点' });
  expect(supervisorMore.status).toBe(403);
  const expertWithoutReason = await act('expert', caseId, { action: 'approve-claim', amountFen: 90_000 });
  expect(expertWithoutReason.status).toBe(400);
  expect(payoutEntries(caseId)).toHaveLength(0);

  const reason = '客户另有加急运费损失，经核实';
  // The API's approve-claim carries the reason as its note.
  expect((await act('expert', caseId, { action: 'approve-claim', amountFen: 90_000, note: reason })).status).toBe(200);
  const paid = await claimIs(caseId, 1, 'PAID');
  expect(paid.claim).toMatchObject({ amountFen: 90_000, override: { reason, ceilingFen: 80_000, amountFen: 90_000 }, payout: { amountFen: 90_000 } });
  const approved = (await caseHistory(stack.db, caseId)).find((event) => event.kind === 'claim.approved');
  expect(approved?.data).toMatchObject({ override: { reason, ceilingFen: 80_000 } });
  await stack.client.workflow.getHandle(caseId).terminate('test over');
});

test('a refused payout hands the case to a supervisor, who retries it under a new key: paid once', async () => {
  stack.simulators.faults.set([{ system: 'payments', operation: 'payout', refuse: true }]);
  const caseId = await open();
  expect((await act('agent', caseId, { action: 'propose-claim', kind: 'loss', actualLossFen: 10_000, reason: '包裹遗失' })).status).toBe(200);
  const failed = await claimIs(caseId, 1, 'PAYOUT_FAILED');
  expect(failed.status).not.toBe('CLAIM_PAYOUT');
  expect(failed.tier).toBeGreaterThanOrEqual(2);
  const supervisor = await view(caseId, 'supervisor');
  expect(supervisor.allowedActions).toEqual(expect.arrayContaining(['approve-claim', 'reject-claim', 'resolve']));

  // The payee's account is unfrozen: the supervisor retries.
  stack.simulators.faults.clear();
  expect((await act('supervisor', caseId, { action: 'approve-claim', note: '账户已解冻，重新支付' })).status).toBe(200);
  const paid = await claimIs(caseId, 1, 'PAID');
  expect(paid.claim.payoutAttempts).toBe(2);
  expect(payoutEntries(caseId).map((entry) => [entry.idempotencyKey, (entry.response as Json).status])).toEqual([
    [`${caseId}/claim-1:payout`, 'FAILED'],
    [`${caseId}/claim-1:payout:2`, 'SUCCEEDED'],
  ]);
  await stack.client.workflow.getHandle(caseId).terminate('test over');
});

test('a payout failing non-retryably is never stuck in PAYING: PAYOUT_FAILED, a supervisor rejects and resolves', async () => {
  const caseId = await open();
  await occupyPayoutKey(`${caseId}/claim-1:payout`);
  expect((await act('agent', caseId, { action: 'propose-claim', kind: 'loss', actualLossFen: 10_000, reason: '包裹遗失' })).status).toBe(200);
  const failed = await claimIs(caseId, 1, 'PAYOUT_FAILED');
  expect(failed.claim.payoutFailure).toMatch(/already paid/);
  expect(failed.status).not.toBe('CLAIM_PAYOUT');

  // A retry must not pay beside the payout already made under the claim's key.
  expect((await act('supervisor', caseId, { action: 'approve-claim', note: '重试' })).status).toBe(200);
  await eventually(
    () => view(caseId),
    (v) => v.claim?.status === 'PAYOUT_FAILED' && v.claim?.payoutAttempts === 2,
    { what: 'second failure' },
  );
  expect(payoutEntries(caseId).filter((entry) => String(entry.idempotencyKey).endsWith(':payout:2'))).toHaveLength(0);

  expect((await act('supervisor', caseId, { action: 'reject-claim', reason: '支付通道异常，线下处理' })).status).toBe(200);
  await claimIs(caseId, 1, 'REJECTED');
  recordHistory(stack.config.temporal.address, `${caseId}/claim-1`, 'claim-payout-key-conflict-rejected-claim');
  expect((await act('supervisor', caseId, { action: 'resolve', outcome: 'offline', summary: '线下赔付' })).status).toBe(200);
  await eventually(
    () => view(caseId),
    (v) => v.status === 'AWAITING_FEEDBACK',
    { what: 'resolved' },
  );
  await stack.client.workflow.getHandle(caseId).terminate('test over');
});

test('a refund that fails non-retryably hands the case over instead of failing it', async () => {
  const caseId = await open({ type: 'INTERCEPT', description: '订单取消，拦截退回', orderValue: 8_000, items: [{ sku: 'SKU-A', qty: 1 }] });
  await occupyPayoutKey(`${caseId}:refund`);
  const handedOver = await eventually(
    async () => ({ view: await view(caseId), kinds: (await caseHistory(stack.db, caseId)).map((event) => event.kind) }),
    ({ kinds }) => kinds.includes('payment.refund_failed') && kinds.includes('case.escalated'),
    { what: 'refund failure handed over', timeoutMs: 60_000 },
  );
  expect(handedOver.view.status).toBe('IN_PROGRESS');
  const description = await stack.client.workflow.getHandle(caseId).describe();
  expect(description.status.name).toBe('RUNNING');
  expect((await act('supervisor', caseId, { action: 'resolve', outcome: 'refunded-offline', summary: '线下退款' })).status).toBe(200);
  await stack.client.workflow.getHandle(caseId).terminate('test over');
});

test('a lost parcel whose payout is refused waits in CLAIM_REVIEW; the retried payout compensates and resolves it', async () => {
  stack.simulators.faults.set([{ system: 'payments', operation: 'payout', refuse: true }]);
  const body = openCaseBody({
    type: 'LOST',
    orderValue: 12_000,
    insured: false,
    freight: 5_000,
    customer: { id: `C-${randomUUID().slice(0, 6)}`, name: '张三汽修', phone: '13800138000' },
  });
  const opened = await stack.api('agent', '/v1/cases', { body });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  expect((await stack.pushTracking({ eventId: `${caseId}-lost`, waybillNo: body.waybillNo, status: 'Exception', subStatus: 'lost' })).status).toBe(200);

  const review = await eventually(
    () => view(caseId, 'supervisor'),
    (v) => v.claim?.status === 'PAYOUT_FAILED' && v.status === 'CLAIM_REVIEW',
    {
      what: 'payout failure under review',
      timeoutMs: 60_000,
    },
  );
  expect(review.tier).toBe(2);
  expect(review.allowedActions).toEqual(expect.arrayContaining(['approve-claim', 'reject-claim', 'resolve']));
  // The playbook waits for the decision: it does not hand the case over meanwhile.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect((await view(caseId)).status).toBe('CLAIM_REVIEW');

  stack.simulators.faults.clear();
  expect((await act('supervisor', caseId, { action: 'approve-claim', note: '重新支付' })).status).toBe(200);
  const resolved = await eventually(
    () => view(caseId),
    (v) => v.status === 'AWAITING_FEEDBACK',
    { what: 'compensated', timeoutMs: 30_000 },
  );
  expect(resolved.resolution).toMatchObject({ outcome: 'compensated' });
  expect(succeeded(caseId)).toHaveLength(1);
  recordHistory(stack.config.temporal.address, caseId, 'claim-payout-refused-then-retried');
  recordHistory(stack.config.temporal.address, `${caseId}/claim-1`, 'claim-payout-refused-then-retried-claim');
  await stack.client.workflow.getHandle(caseId).terminate('test over');
});
