import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { createCaseWorker } from '../../worker/create-worker';
import { eventually, openCaseBody, startTestStack, TOKENS, type TestStack } from '../helpers/test-stack';

/**
 * The worker running an incident's fan-out goes away mid-way and another takes over: every case
 * is still reached exactly once (one `incident.recorded` in each trail) and each customer is told
 * once per channel (simulator ledger). Small pages and batches (10 cases, 5 at a time) make the
 * fan-out long enough to interrupt.
 */

const CASES = 40;
let stack: TestStack;
let connection: NativeConnection;
let apiUrl: string;
let server: Server;
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON

async function startWorker(): Promise<{ worker: Worker; running: Promise<void> }> {
  const worker = await createCaseWorker({
    config: stack.config,
    db: stack.db,
    connection,
    workflowBundlePath: process.env.TEST_WORKFLOW_BUNDLE as string,
  });
  return { worker, running: worker.run() };
}

async function api(role: keyof typeof TOKENS, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${apiUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${TOKENS[role]}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  stack = await startTestStack({ inProcessWorker: false });
  connection = await NativeConnection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS as string });
  server = createServer(
    createApp({ config: stack.config, db: stack.db, temporal: stack.client, log: () => undefined, incidentPolicy: { pageSize: 10, concurrency: 5 } }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await connection?.close();
  await stack?.stop();
});

test('a fan-out interrupted by the loss of its worker reaches every case exactly once', async () => {
  const region = `5${String(Math.floor(Math.random() * 900) + 100)}`;
  let current = await startWorker();
  const caseIds: string[] = [];
  for (let i = 0; i < CASES; i += 1) {
    const opened = await api('agent', '/v1/cases', openCaseBody({ region: `${region}${String(i % 100).padStart(2, '0')}` }), {
      'idempotency-key': randomUUID(),
    });
    expect(opened.status).toBe(201);
    caseIds.push(String(opened.body.caseId));
  }
  await eventually(
    () =>
      stack.db
        .selectFrom('cases')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('region', 'like', `${region}%`)
        .where('version', '>', 0)
        .executeTakeFirst(),
    (row) => Number(row?.n) === CASES,
    { what: 'every case in the read model', timeoutMs: 60_000 },
  );

  const key = `resilience-${randomUUID()}`;
  const body = {
    cause: 'regional_control',
    regions: [region],
    startsAt: new Date().toISOString(),
    expectedEndAt: new Date(Date.now() + 3_600_000).toISOString(),
    message: '区域管控，暂停派送',
  };
  const declared = await api('supervisor', '/v1/incidents', body, { 'idempotency-key': key });
  expect(declared.status).toBe(202);
  const incidentId = String(declared.body.incidentId);

  // The worker goes away once the fan-out has begun and before it is through.
  const atLoss = await eventually(
    () => api('agent', `/v1/incidents/${incidentId}`),
    (r) => r.body.reached >= 5,
    { intervalMs: 20, what: 'the fan-out under way' },
  );
  current.worker.shutdown();
  await current.running;
  expect(atLoss.body.reached).toBeLessThan(CASES);

  // A retried POST while no worker runs starts nothing new.
  const retried = await api('supervisor', '/v1/incidents', body, { 'idempotency-key': key });
  expect(retried.status).toBe(202);
  expect(retried.body.incidentId).toBe(incidentId);

  current = await startWorker();
  try {
    const done = await eventually(
      () => api('agent', `/v1/incidents/${incidentId}`),
      (r) => r.body.fanOutComplete && r.body.reached === CASES && r.body.notified === CASES,
      { what: 'every case reached and notified', timeoutMs: 90_000 },
    );
    expect(done.body).toMatchObject({ matched: CASES, reached: CASES, notified: CASES, failed: 0 });
    for (const caseId of caseIds) {
      const trail = (await api('auditor', `/v1/cases/${caseId}/history`)).body.events as Array<{ kind: string }>;
      expect(trail.filter((event) => event.kind === 'incident.recorded')).toHaveLength(1);
      const sends = (['sms', 'inapp', 'wecom'] as const).flatMap((system) =>
        stack.simulators.ledger.entries({ system }).filter((entry) => String(entry.idempotencyKey ?? '').startsWith(`${caseId}:incident-`)),
      );
      expect(sends.length).toBeGreaterThan(0);
      expect(new Set(sends.map((entry) => entry.idempotencyKey)).size).toBe(sends.length);
    }
  } finally {
    current.worker.shutdown();
    await current.running;
  }
});
