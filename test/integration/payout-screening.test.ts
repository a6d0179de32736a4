import { randomUUID } from 'node:crypto';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, uniqueWaybill, type TestStack } from '../helpers/test-stack';

/**
 * Four eyes for money, the rest of the rule (issue 18, item 7): with the policy's payout screening
 * on, a claim the approval limits would let through automatically still waits for a supervisor
 * when the order system (OMS) does not name its payee as the customer of the waybill, or when the
 * day's automatic payouts of its proposer or its payee would pass the policy's daily cap. A
 * supervisor then approves it; the agent cannot. Claims that pass screening are paid at once.
 */

type Role = 'agent' | 'supervisor' | 'expert';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
type Json = any;

let stack: TestStack;
const long = { targetMs: 600_000 };
const run = randomUUID().slice(0, 6);

beforeAll(async () => {
  const base = testPolicy();
  stack = await startTestStack({
    policy: testPolicy({
      // Nothing but the claims moves these cases.
      clocks: { firstResponse: long, handling: long, resolution: long, payout: long, callback: long, returnReceipt: long },
      delayed: { urgeIntervalMs: 300_000, maxUrges: 3, totalDelayMs: 600_000 },
      goodwill: { maxPerCase: 2, maxTotalFen: 50_000 },
      // ¥300 a day for one proposer, ¥200 a day for one payee, and every payee confirmed by the OMS.
      claims: { ...base.claims, confirmPayee: true, dailyCapsFen: { perAgent: 30_000, perPayee: 20_000 } },
    }),
  });
});
afterAll(async () => {
  await stack?.stop();
});

/** A case of `payee`, whose order the OMS knows (`confirmed`) or not. */
async function open(payee: string, confirmed: boolean): Promise<string> {
  const orderId = `SO-SCR-${run}-${randomUUID().slice(0, 6)}`;
  const waybillNo = uniqueWaybill('SF');
  if (confirmed) {
    const seeded = await fetch(`${stack.simulators.url}/__control/oms/orders/${orderId}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        waybillNo,
        carrier: 'SF',
        customer: { customerId: payee, name: '张三汽修', phone: '13800138000' },
        store: { storeId: 'S-9', name: '张三汽修 南山店', wecomKey: 'wecom-s-9' },
        items: [{ sku: 'BRAKE-PAD-01', name: '前刹车片', quantity: 2, unitPrice: 12_800 }],
      }),
    });
    expect(seeded.status).toBe(200);
  }
  const opened = await stack.api('agent', '/v1/cases', {
    body: openCaseBody({ orderId, waybillNo, customer: { id: payee, name: '张三汽修', phone: '13800138000' } }),
  });
  expect(opened.status).toBe(201);
  return opened.body.caseId as string;
}

const view = async (caseId: string, role: Role = 'agent'): Promise<Json> => (await stack.api(role, `/v1/cases/${caseId}`)).body;
const act = (role: Role, caseId: string, body: Record<string, unknown>) => stack.api(role, `/v1/cases/${caseId}/actions`, { body });

/** `role` proposes goodwill of `fen` (paid as proposed) and the claim settles where screening sends it. */
async function goodwill(role: Role, caseId: string, fen: number): Promise<Json> {
  expect((await act(role, caseId, { action: 'propose-claim', kind: 'goodwill', actualLossFen: fen, reason: '安抚补偿' })).status).toBe(200);
  const settled = await eventually(
    () => view(caseId),
    (v) => v.claim?.status === 'PAID' || v.claim?.status === 'AWAITING_APPROVAL',
    { what: `${caseId} claim paid or awaiting approval`, timeoutMs: 30_000 },
  );
  return settled.claim;
}

async function approvedBySupervisor(caseId: string): Promise<Json> {
  expect((await act('agent', caseId, { action: 'approve-claim' })).status).toBe(403);
  expect((await act('supervisor', caseId, { action: 'approve-claim', note: '第二人核实收款人' })).status).toBe(200);
  return (
    await eventually(
      () => view(caseId),
      (v) => v.claim?.status === 'PAID',
      { what: `${caseId} paid`, timeoutMs: 30_000 },
    )
  ).claim;
}

test('a payee the OMS does not name for the waybill waits for a second person', async () => {
  const caseId = await open(`C-UNKNOWN-${run}`, false);
  const claim = await goodwill('agent', caseId, 5_000);
  expect(claim).toMatchObject({ status: 'AWAITING_APPROVAL', approvalTier: 'supervisor', secondPersonReasons: ['payee-unconfirmed'] });
  expect((await view(caseId)).status).toBe('CLAIM_REVIEW');
  expect(await approvedBySupervisor(caseId)).toMatchObject({ approvedBy: expect.stringMatching(/^supervisor/), amountFen: 5_000 });
  const trail = (await stack.api('auditor', `/v1/cases/${caseId}/history`)).body;
  const waiting = (trail.events as Json[]).find((event) => event.kind === 'claim.awaiting_approval');
  expect(waiting.data.secondPersonReasons).toEqual(['payee-unconfirmed']);
  await stack.client.workflow.getHandle(caseId).terminate('test over');
});

test('the daily caps: per payee, then per proposer; another proposer still pays within its own cap', async () => {
  const [p1, p2, p3] = ['P1', 'P2', 'P3'].map((name) => `C-SCR-${run}-${name}`) as [string, string, string];
  // ¥120 to P1: the agent's first automatic payout of the day.
  const a = await open(p1, true);
  expect(await goodwill('agent', a, 12_000)).toMatchObject({ status: 'PAID', approvalTier: 'auto', approvedBy: 'auto' });
  // ¥100 more to P1 would make ¥220, above the ¥200 per payee.
  const b = await open(p1, true);
  expect(await goodwill('agent', b, 10_000)).toMatchObject({ status: 'AWAITING_APPROVAL', secondPersonReasons: ['payee-daily-cap'] });
  // ¥150 to P2: the agent is at ¥270 of ¥300 (the claim that waits did not count).
  const c = await open(p2, true);
  expect(await goodwill('agent', c, 15_000)).toMatchObject({ status: 'PAID', approvalTier: 'auto' });
  // ¥50 to P3 would take the agent to ¥320.
  const d = await open(p3, true);
  expect(await goodwill('agent', d, 5_000)).toMatchObject({ status: 'AWAITING_APPROVAL', secondPersonReasons: ['agent-daily-cap'] });
  // A supervisor's own proposal of ¥50 to P3 is within the supervisor's cap and P3's.
  const e = await open(p3, true);
  expect(await goodwill('supervisor', e, 5_000)).toMatchObject({ status: 'PAID', approvalTier: 'auto' });

  // The claims that wait are paid once a supervisor approves them.
  for (const caseId of [b, d]) expect(await approvedBySupervisor(caseId)).toMatchObject({ status: 'PAID' });
  const screened = await stack.db.selectFrom('payout_screenings').select(['case_id', 'automatic', 'reasons']).where('payee_id', 'in', [p1, p2, p3]).execute();
  expect(screened.map((row) => [row.case_id, row.automatic, row.reasons]).sort()).toEqual(
    [
      [a, true, []],
      [b, false, ['payee-daily-cap']],
      [c, true, []],
      [d, false, ['agent-daily-cap']],
      [e, true, []],
    ].sort(),
  );
  for (const caseId of [a, b, c, d, e]) await stack.client.workflow.getHandle(caseId).terminate('test over');
});
