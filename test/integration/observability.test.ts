import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import { installTemporalRuntime } from '../../worker/runtime';
import { captureLog, type CapturedLog } from '../helpers/log-capture';
import { freePort } from '../../fixtures/free-port';
import { eventually, openCaseBody, pushTrackingThrough, startTestStack, TOKENS, type TestStack } from '../helpers/test-stack';

/**
 * What operations rely on: `/metrics` counts what happened to cases (opened, closed, SLA warnings
 * and breaches, escalations, notifications, webhook outcomes), times requests by route, and shows
 * the Temporal SDK's own worker metrics; the logs are JSON with request ids, never carry a phone
 * number, a name or a token, and hold the Temporal SDK's and the workflows' lines too.
 */

let stack: TestStack;
let server: Server;
let apiUrl: string;
let appLog: CapturedLog;
let temporalLog: CapturedLog;

beforeAll(async () => {
  // Before the stack: the first install wins, so the worker's runtime exports metrics and logs here.
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  temporalLog = captureLog('debug');
  installTemporalRuntime('WARN', { logger: temporalLog.logger, metricsAddress });
  stack = await startTestStack({
    env: { TEMPORAL_METRICS_ADDRESS: metricsAddress, METRICS_CACHE_MS: '0', LOG_REQUEST_BODIES: 'all' },
  });
  // The API under test, with its log captured (the stack's own API logs nothing).
  appLog = captureLog('info');
  server = createServer(createApp({ config: stack.config, db: stack.db, temporal: stack.client, logger: appLog.logger }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await stack?.stop();
});

async function call(role: keyof typeof TOKENS, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${apiUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${TOKENS[role]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, any>) : undefined }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function push(event: Record<string, unknown>) {
  await pushTrackingThrough(stack.simulators.url, apiUrl, event);
}

async function scrape(): Promise<string> {
  const response = await fetch(`${apiUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return response.text();
}

/** The value of one series (exact labels), 0 when absent. */
function valueOf(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels);
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (wanted.every(([key, value]) => found[key] === value) && Object.keys(found).length === wanted.length) return Number(match[3]);
  }
  return 0;
}

const status = async (caseId: string) => (await call('agent', `/v1/cases/${caseId}`)).body?.status as string;

test('the counters move after a case lifecycle, and one left alone breaches and escalates', async () => {
  const before = await scrape();

  // One DELAYED case driven to CLOSED; one urgent case nobody touches, which breaches its handling clock.
  const driven = openCaseBody();
  const opened = await call('agent', '/v1/cases', driven);
  expect(opened.status).toBe(201);
  const caseId = opened.body?.caseId as string;
  const ignored = await call('agent', '/v1/cases', openCaseBody({ priority: 'urgent' }));
  expect(ignored.status).toBe(201);
  const ignoredId = ignored.body?.caseId as string;

  await eventually(
    () => status(caseId),
    (s) => s === 'WAITING_CARRIER',
    { what: 'WAITING_CARRIER' },
  );
  await push({ eventId: `${caseId}-delivered`, waybillNo: driven.waybillNo, status: 'Delivered' });
  await push({ eventId: `${caseId}-delivered`, waybillNo: driven.waybillNo, status: 'Delivered' }); // the carrier retries
  await eventually(
    () => status(caseId),
    (s) => s === 'AWAITING_FEEDBACK',
    { what: 'AWAITING_FEEDBACK' },
  );
  expect((await call('system', `/v1/cases/${caseId}/feedback`, { score: 5, channel: 'sms' })).status).toBe(200);
  await eventually(
    () => status(caseId),
    (s) => s === 'CLOSED',
    { what: 'CLOSED' },
  );
  await eventually(
    async () => (await call('agent', `/v1/cases/${ignoredId}`)).body?.tier as number,
    (tier) => tier >= 2,
    { what: 'the ignored case escalated after its breach', timeoutMs: 60_000 },
  );

  const after = await eventually(
    scrape,
    (text) => valueOf(text, 'case_escalations_total', { tier: '2' }) > valueOf(before, 'case_escalations_total', { tier: '2' }),
    { what: 'the escalation counted' },
  );
  const delta = (name: string, labels: Record<string, string> = {}) => valueOf(after, name, labels) - valueOf(before, name, labels);

  expect(delta('cases_opened_total', { type: 'DELAYED' })).toBeGreaterThanOrEqual(2);
  expect(delta('cases_closed_total', { type: 'DELAYED', outcome: 'closed' })).toBeGreaterThanOrEqual(1);
  expect(delta('sla_warnings_total', { clock: 'handling' })).toBeGreaterThanOrEqual(1);
  expect(delta('sla_breaches_total', { clock: 'handling' })).toBeGreaterThanOrEqual(1);
  expect(delta('case_escalations_total', { tier: '2' })).toBeGreaterThanOrEqual(1);
  expect(delta('notifications_total', { channel: 'sms', outcome: 'sent' })).toBeGreaterThanOrEqual(2);
  // Webhook outcomes are this API's own: exactly what it answered.
  expect(delta('webhook_requests_total', { provider: 'generic', outcome: 'delivered' })).toBe(1);
  expect(delta('webhook_requests_total', { provider: 'generic', outcome: 'duplicate' })).toBe(1);
  // Latency by route template: the case id is not a label.
  expect(valueOf(after, 'http_request_duration_seconds_count', { method: 'GET', route: '/v1/cases/:caseId', status_code: '200' })).toBeGreaterThan(2);
  expect(after).not.toContain(caseId);
  expect(valueOf(after, 'case_metrics_read_ok')).toBe(1);
  // The Temporal SDK's own worker metrics, from the runtime's Prometheus endpoint, in the same scrape.
  expect(valueOf(after, 'temporal_sdk_metrics_up')).toBe(1);
  expect(after).toMatch(/^temporal_workflow_task_schedule_to_start_latency_bucket\{.*task_queue="cases-test-/m);
  expect(after).toMatch(/^temporal_activity_execution_latency_bucket\{/m);
});

test('a logged request carries its id and never the phone, the name or the token in its body or headers', async () => {
  const body = openCaseBody({ customer: { id: 'C-7', name: '王五汽配', phone: '13912345678' }, description: '客户电话 13912345678，请回电' });
  const opened = await call('agent', '/v1/cases', body, { 'x-request-id': 'req-observability-1' });
  expect(opened.status).toBe(201);
  expect(opened.headers.get('x-request-id')).toBe('req-observability-1');
  // A refused body is logged too (LOG_REQUEST_BODIES=rejected is the default; this stack logs all).
  const refused = await call('agent', '/v1/cases', { ...body, priority: 'whenever' });
  expect(refused.status).toBe(400);
  const generatedId = refused.headers.get('x-request-id');
  expect(generatedId).toMatch(/^[0-9a-f-]{36}$/);

  const text = appLog.text();
  expect(text).not.toContain('13912345678');
  expect(text).not.toContain('王五汽配');
  expect(text).not.toContain(TOKENS.agent);
  const lines = appLog.lines();
  const line = lines.find((entry) => (entry.req as { id?: string } | undefined)?.id === 'req-observability-1');
  expect(line).toMatchObject({
    level: 'info',
    route: '/v1/cases',
    principal: expect.stringMatching(/^agent:/),
    res: { statusCode: 201 },
    body: { customer: { id: 'C-7', name: '[Redacted]', phone: '[Redacted]' }, description: '客户电话 [phone]，请回电' },
  });
  expect((line?.req as { headers: Record<string, string> }).headers.authorization).toBe('[Redacted]');
  const refusedLine = lines.find((entry) => (entry.req as { id?: string } | undefined)?.id === generatedId);
  expect(refusedLine).toMatchObject({ level: 'warn', res: { statusCode: 400 }, body: { priority: 'whenever', customer: { phone: '[Redacted]' } } });
});

test('the Temporal SDK’s and the workflows’ log lines reach the same JSON log', async () => {
  const opened = await call('agent', '/v1/cases', openCaseBody());
  const caseId = opened.body?.caseId as string;
  await eventually(
    () => status(caseId),
    (s) => s === 'WAITING_CARRIER',
    { what: 'WAITING_CARRIER' },
  );
  const lines = await eventually(
    async () => temporalLog.lines().filter((line) => line.workflowId === caseId),
    (found) => found.some((line) => line.msg === 'Workflow started') && found.some((line) => line.msg === 'Activity completed'),
    { what: 'workflow and activity log lines of the case' },
  );
  expect(lines.find((line) => line.msg === 'Workflow started')).toMatchObject({ level: 'debug', workflowType: 'caseWorkflow', namespace: 'default' });
  expect(lines.find((line) => line.msg === 'Activity completed')).toMatchObject({ activityType: expect.any(String), taskToken: '[Redacted]' });
  expect(temporalLog.text()).not.toContain('13800138000');
});
