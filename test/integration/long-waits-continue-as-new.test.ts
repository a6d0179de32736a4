import { caseHistory } from '../../store/read-model';
import { verifyTrail } from '../../store/audit-hash';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * Every long wait has a continue-as-new point (issue 7, item 9). A LOST case whose claim waits for
 * a supervisor's approval can wait for days while notes and scans grow its history: with
 * CASE_HISTORY_LIMIT small, the case continues as new during that wait, the claim child runs on,
 * and the approval in a later run still pays once and resolves the case as `compensated`.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
type Json = any;

let stack: TestStack;
const long = { targetMs: 600_000 };

beforeAll(async () => {
  stack = await startTestStack({
    // No SLA escalation or warning moves these cases: only the claim and the notes do.
    policy: testPolicy({ clocks: { firstResponse: long, handling: long, resolution: long, payout: long, callback: long, returnReceipt: long } }),
    env: { CASE_HISTORY_LIMIT: '100' },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const view = async (caseId: string, role: 'agent' | 'supervisor' = 'supervisor'): Promise<Json> => (await stack.api(role, `/v1/cases/${caseId}`)).body;

async function runIds(caseId: string): Promise<string[]> {
  const found: string[] = [];
  for await (const execution of stack.client.workflow.list({ query: `WorkflowId="${caseId}"` })) found.push(execution.runId);
  return found;
}

/** Notes until the case has continued as new at least `runs - 1` times (or 150 notes went by). */
async function noteUntilRuns(caseId: string, runs: number): Promise<number> {
  for (let i = 0; i < 150; i++) {
    const found = (await runIds(caseId)).length;
    if (found >= runs) return found;
    expect((await stack.api('agent', `/v1/cases/${caseId}/actions`, { body: { action: 'note', text: `等待审批 ${i}` } })).status).toBe(200);
  }
  return (await runIds(caseId)).length;
}

test('a LOST case waiting for claim approval continues as new; the approval in the next run pays once and resolves', async () => {
  const body = openCaseBody({ type: 'LOST', orderValue: 80_000, insured: true, declaredValue: 80_000, freight: 5_000 });
  const opened = await stack.api('agent', '/v1/cases', { body });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  expect((await stack.pushTracking({ eventId: `${caseId}-lost`, waybillNo: body.waybillNo, status: 'Exception', subStatus: 'lost' })).status).toBe(200);
  await eventually(
    () => view(caseId),
    (v) => v.status === 'CLAIM_REVIEW' && v.claim?.status === 'AWAITING_APPROVAL',
    { what: 'claim review', timeoutMs: 60_000 },
  );

  expect(await noteUntilRuns(caseId, 3)).toBeGreaterThanOrEqual(3);
  const waiting = await view(caseId);
  expect(waiting).toMatchObject({ status: 'CLAIM_REVIEW', claim: { status: 'AWAITING_APPROVAL' } });
  expect(waiting.allowedActions).toEqual(expect.arrayContaining(['approve-claim']));

  expect((await stack.api('supervisor', `/v1/cases/${caseId}/actions`, { body: { action: 'approve-claim', note: '核实无误' } })).status).toBe(200);
  const resolved = await eventually(
    () => view(caseId),
    (v) => v.status === 'AWAITING_FEEDBACK',
    { what: 'compensated', timeoutMs: 60_000 },
  );
  expect(resolved).toMatchObject({ resolution: { outcome: 'compensated' }, claim: { status: 'PAID', payout: { amountFen: 80_000 } } });
  const payouts = stack.simulators.ledger
    .entries({ system: 'payments', operation: 'payout' })
    .filter((entry) => entry.idempotencyKey === `${caseId}/claim-1:payout`);
  expect(payouts).toHaveLength(1);

  const row = await stack.db.selectFrom('cases').select(['last_event_seq', 'last_event_hash']).where('case_id', '=', caseId).executeTakeFirstOrThrow();
  expect(verifyTrail(caseId, await caseHistory(stack.db, caseId), { lastSeq: row.last_event_seq, lastHash: row.last_event_hash })).toEqual({ verified: true });
  await stack.client.workflow.getHandle(caseId).terminate('test over');
}, 240_000);

async function control(method: string, path: string): Promise<void> {
  const response = await fetch(`${stack.simulators.url}/__control${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(method === 'PUT' ? { body: JSON.stringify({ autoAdvance: false }) } : {}),
  });
  expect(response.status).toBeLessThan(300);
}

test('a return that takes long to reach the warehouse: the wait continues as new, the exchange ships once it is received', async () => {
  const items = [{ sku: 'SKU-SPARK', qty: 4 }];
  const opened = await stack.api('agent', '/v1/cases', {
    body: openCaseBody({ type: 'RETURN_EXCHANGE', description: '型号不符，换货', orderValue: 8_000, items }),
  });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  // The warehouse is played by hand: the return is received only when the test says so.
  const expecting = await eventually(
    () => view(caseId),
    (v) => v.status === 'WAITING_RETURN' && v.returns?.length === 1,
    { what: 'return order' },
  );
  const returnOrderNo = expecting.returns[0].returnOrderNo as string;
  await control('PUT', `/wms/return-orders/${returnOrderNo}`);

  expect(await noteUntilRuns(caseId, 3)).toBeGreaterThanOrEqual(3);
  expect(await view(caseId)).toMatchObject({ status: 'WAITING_RETURN' });

  await control('POST', `/wms/return-orders/${returnOrderNo}/receive`);
  const resolved = await eventually(
    () => view(caseId),
    (v) => v.status === 'AWAITING_FEEDBACK',
    { what: 'exchanged', timeoutMs: 60_000 },
  );
  expect(resolved).toMatchObject({ resolution: { outcome: 'exchanged' } });
  const reships = stack.simulators.ledger.entries({ system: 'wms' }).filter((entry) => String(entry.idempotencyKey).startsWith(`${caseId}:reship:`));
  expect(reships.map((entry) => entry.idempotencyKey)).toEqual([`${caseId}:reship:1`]);
  const row = await stack.db.selectFrom('cases').select(['last_event_seq', 'last_event_hash']).where('case_id', '=', caseId).executeTakeFirstOrThrow();
  expect(verifyTrail(caseId, await caseHistory(stack.db, caseId), { lastSeq: row.last_event_seq, lastHash: row.last_event_hash })).toEqual({ verified: true });
  await stack.client.workflow.getHandle(caseId).terminate('test over');
}, 240_000);
