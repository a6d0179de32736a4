import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { caseHistory } from '../../store/read-model';
import { recordHistory } from '../helpers/histories';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * Claims (理賠) end to end: a lost parcel verified on its trajectory and paid first, a claim above
 * the agent's limit escalated to and approved by a supervisor, and a payout that survives the
 * worker being killed mid-flight without paying twice.
 */

type Stack = TestStack;

async function confirmLost(stack: Stack, caseId: string, waybillNo: string): Promise<void> {
  // The carrier reports the parcel lost: trajectory verification accepts the carrier's word.
  const pushed = await stack.pushTracking({ eventId: `${caseId}-lost`, waybillNo, status: 'Exception', subStatus: 'lost' });
  expect(pushed.status).toBe(200);
}

async function openLostCase(stack: Stack, orderValue: number, overrides: Record<string, unknown> = {}) {
  const body = openCaseBody({ type: 'LOST', orderValue, insured: false, freight: 5_000, ...overrides });
  const opened = await stack.api('agent', '/v1/cases', { body });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  await confirmLost(stack, caseId, body.waybillNo as string);
  return { caseId, body };
}

const view = async (stack: Stack, caseId: string, role: 'agent' | 'supervisor' = 'agent') => (await stack.api(role, `/v1/cases/${caseId}`)).body;

const payouts = (stack: Stack, key: string) =>
  stack.simulators.ledger.entries({ system: 'payments', operation: 'payout' }).filter((entry) => entry.idempotencyKey === key);

describe('with an in-process worker', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startTestStack({ policy: testPolicy() });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('a lost parcel under the agent limit is verified, paid first, claimed from the carrier and closed', async () => {
    // ¥120 lost, uninsured, freight ¥50: 3× freight caps at ¥150, so the customer gets ¥120.
    const { caseId } = await openLostCase(stack, 12_000);
    const resolved = await eventually(
      () => view(stack, caseId),
      (v) => v.status === 'AWAITING_FEEDBACK',
      { what: 'compensated', timeoutMs: 60_000 },
    );
    expect(resolved.resolution).toMatchObject({ outcome: 'compensated' });
    expect(resolved.claim).toMatchObject({ status: 'PAID', amountFen: 12_000, approvalTier: 'auto', approvedBy: 'auto', payout: { amountFen: 12_000 } });
    expect(payouts(stack, `${caseId}/claim-1:payout`)).toHaveLength(1);
    expect(stack.simulators.ledger.entries({ system: 'sms' }).map((entry) => entry.idempotencyKey)).toContain(`${caseId}:claim-paid:${caseId}/claim-1:sms`);

    // Recovery from the carrier runs on: filed, then paid back.
    await eventually(
      async () => (await stack.db.selectFrom('claims').selectAll().where('case_id', '=', caseId).executeTakeFirstOrThrow()).recovery_status,
      (status) => status === 'RECOVERED',
      { what: 'carrier recovery', timeoutMs: 30_000 },
    );
    expect((await stack.api('system', `/v1/cases/${caseId}/feedback`, { body: { score: 5, channel: 'sms' } })).status).toBe(200);
    expect(await stack.client.workflow.getHandle(caseId).result()).toMatchObject({ status: 'CLOSED', resolution: 'compensated' });
    const kinds = (await caseHistory(stack.db, caseId)).map((event) => event.kind);
    expect(kinds).toEqual(expect.arrayContaining(['claim.proposed', 'claim.verified', 'claim.approved', 'claim.paying', 'claim.paid', 'claim.recovery_filed']));
    recordHistory(stack.config.temporal.address, caseId, 'lost-compensated');
  });

  test('a claim above the agent limit escalates to a supervisor, who approves it; an agent may not', async () => {
    // An insured ¥800 part: above the agent's ¥500 limit, within the supervisor's ¥5,000.
    const { caseId } = await openLostCase(stack, 80_000, { insured: true, declaredValue: 80_000 });
    const review = await eventually(
      () => view(stack, caseId),
      (v) => v.status === 'CLAIM_REVIEW',
      { what: 'claim review', timeoutMs: 60_000 },
    );
    expect(review.claim).toMatchObject({ approvalTier: 'supervisor', amountFen: 80_000, basis: 'insured' });
    expect(review).toMatchObject({ tier: 2, assignee: 'tier2-supervisors' });
    expect(review.allowedActions).not.toContain('approve-claim');
    expect((await view(stack, caseId, 'supervisor')).allowedActions).toEqual(expect.arrayContaining(['approve-claim', 'reject-claim']));

    const refused = await stack.api('agent', `/v1/cases/${caseId}/actions`, { body: { action: 'approve-claim' } });
    expect(refused.status).toBe(403);
    expect(payouts(stack, `${caseId}/claim-1:payout`)).toHaveLength(0);

    const approved = await stack.api('supervisor', `/v1/cases/${caseId}/actions`, { body: { action: 'approve-claim', note: '核实无误' } });
    expect(approved.status).toBe(200);
    const paid = await eventually(
      () => view(stack, caseId),
      (v) => v.status === 'AWAITING_FEEDBACK',
      { what: 'paid', timeoutMs: 30_000 },
    );
    expect(paid.claim).toMatchObject({ status: 'PAID', approvedBy: expect.stringMatching(/^supervisor/) });
    expect(payouts(stack, `${caseId}/claim-1:payout`)).toHaveLength(1);
    await stack.client.workflow.getHandle(caseId).terminate('test over');
  });
});

describe('with the worker as a process of its own', () => {
  let stack: Stack;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ policy: testPolicy(), inProcessWorker: false });
  });
  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
    await stack?.stop();
  });

  function startWorker(): Promise<ChildProcess> {
    const { config } = stack;
    // `node --import tsx`, not the tsx CLI: the CLI runs the worker in a grandchild that a
    // SIGKILL of the CLI would leave running.
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../../worker/main.ts')], {
      cwd: join(__dirname, '../..'),
      env: {
        ...process.env,
        APP_PROFILE: 'dev',
        DATABASE_URL: process.env.TEST_DATABASE_URL,
        TEMPORAL_ADDRESS: config.temporal.address,
        TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
        WORKFLOW_BUNDLE_PATH: process.env.TEST_WORKFLOW_BUNDLE,
        CARRIER_API_URL: config.endpoints.carrier,
        SMS_API_URL: config.endpoints.sms,
        WECOM_API_URL: config.endpoints.wecom,
        INAPP_API_URL: config.endpoints.inapp,
        WMS_API_URL: config.endpoints.wms,
        PAYMENTS_API_URL: config.endpoints.payments,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    workers.push(child);
    return new Promise((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('worker polling')) resolve(child);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`worker exited (${code}) before polling:\n${output}`)));
    });
  }

  test('killing the worker in the middle of a claim payout and restarting it pays exactly once', async () => {
    let worker = await startWorker();
    // The payments API takes 4 s to answer: long enough to kill the worker while it waits.
    stack.simulators.faults.set([{ system: 'payments', operation: 'payout', latencyMs: 4_000 }]);
    const { caseId } = await openLostCase(stack, 12_000);
    await eventually(
      () => view(stack, caseId),
      (v) => v.claim?.status === 'PAYING',
      { what: 'payout in flight', timeoutMs: 60_000, intervalMs: 100 },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    worker.kill('SIGKILL');
    await new Promise((resolve) => worker.once('exit', resolve));

    // The payments API finished what it was asked: one payout exists, its answer never arrived.
    await eventually(
      async () => payouts(stack, `${caseId}/claim-1:payout`),
      (entries) => entries.length === 1,
      { what: 'payout effect', timeoutMs: 10_000 },
    );

    worker = await startWorker();
    const paid = await eventually(
      () => view(stack, caseId),
      (v) => v.claim?.status === 'PAID',
      { what: 'paid after restart', timeoutMs: 60_000 },
    );
    expect(paid.claim.payout).toMatchObject({ amountFen: 12_000 });
    // Exactly once: one payout effect for the claim's key, however many attempts it took.
    expect(payouts(stack, `${caseId}/claim-1:payout`)).toHaveLength(1);
    // The retry found the first payout by its key instead of paying again.
    const paidEvent = await eventually(
      async () => (await caseHistory(stack.db, caseId)).find((event) => event.kind === 'claim.paid'),
      (event) => event !== undefined,
      { what: 'claim.paid in the audit trail' },
    );
    expect(paidEvent?.data).toMatchObject({ replayed: true });
    await stack.client.workflow.getHandle(caseId).terminate('test over');
    worker.kill('SIGTERM');
  });
});
