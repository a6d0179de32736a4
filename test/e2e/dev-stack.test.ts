import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dropDatabase, LOCAL_SERVER_URL } from '../../scripts/postgres';
import { freePort } from '../../fixtures/free-port';
import { e2eStack } from '../setup/e2e-stack';
import { eventually } from '../helpers/test-stack';
import { chromium } from 'playwright-core';

/**
 * The stack as a user starts it (`npm start`), driven only over HTTP: custom port, tokens and
 * webhook secret, SLA_TIME_SCALE=0.001. A DELAYED case opens, a signed Delivered push resolves
 * it, feedback closes it, the Temporal UI's server lists it by search attribute and decodes its
 * encrypted payloads through the API's codec, and Ctrl-C stops every part.
 */

const ROOT = resolve(__dirname, '../..');
const TOKEN = 'e2e-agent-token-42';
const AUDITOR = 'e2e-auditor-token-42';
const SECRET = 'e2e-webhook-secret-42';

let stack: ChildProcess;
let output = '';
let apiUrl = '';
let temporalAddress = '';
let uiUrl = '';
const database = `cases_e2e_${process.pid}`;

beforeAll(async () => {
  const [port, simulatorsPort] = [await freePort(), await freePort()];
  const launch = await e2eStack(); // the dev server, or the full cluster with TEMPORAL_MODE=cluster
  apiUrl = `http://127.0.0.1:${port}`;
  ({ temporalAddress, uiUrl } = launch);
  stack = spawn(join(ROOT, 'node_modules/.bin/tsx'), [launch.script], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      API_TOKENS: `agent:${TOKEN},auditor:${AUDITOR}`,
      WEBHOOK_SECRET_GENERIC: SECRET,
      SLA_TIME_SCALE: '0.001',
      ...launch.env,
      SIMULATORS_PORT: String(simulatorsPort),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'case-e2e-')),
      DATABASE_NAME: database,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  stack.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  stack.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually(
    async () => output,
    (text) => text.includes('ready') || stack.exitCode !== null,
    { timeoutMs: 90_000, what: 'stack ready' },
  );
  if (stack.exitCode !== null) throw new Error(`the stack exited early:\n${output}`);
});

afterAll(async () => {
  if (stack && stack.exitCode === null) stack.kill('SIGKILL');
  await dropDatabase(LOCAL_SERVER_URL, database).catch(() => undefined);
});

async function call(path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const response = await fetch(`${apiUrl}${path}`, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: { authorization: `Bearer ${init.token ?? TOKEN}`, 'content-type': 'application/json' },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON
}

test('a DELAYED case runs from open to CLOSED over HTTP alone, then Ctrl-C stops the stack', async () => {
  const ready = await fetch(`${apiUrl}/readyz`);
  expect(ready.status).toBe(200);
  expect((await call('/v1/cases', { token: 'dev-agent-token' })).status).toBe(401); // custom tokens replaced the dev ones

  const waybillNo = `JD${Date.now()}`;
  const opened = await call('/v1/cases', {
    body: {
      type: 'DELAYED',
      orderId: 'SO-E2E-1',
      waybillNo,
      carrier: 'JD',
      customer: { id: 'C-E2E', name: '李四汽配', phone: '13900139000' },
      description: '超过48小时无揽收后更新',
      priority: 'high',
    },
  });
  expect(opened.status).toBe(201);
  const { caseId } = opened.body;
  await eventually(
    async () => (await call(`/v1/cases/${caseId}`)).body.status,
    (status) => status === 'WAITING_CARRIER',
    { what: 'WAITING_CARRIER' },
  );

  const push = JSON.stringify({
    eventId: `e2e-${caseId}`,
    waybillNo,
    carrier: 'JD',
    status: 'Delivered',
    occurredAt: new Date().toISOString(),
    location: '杭州',
  });
  const pushed = await fetch(`${apiUrl}/v1/webhooks/tracking/generic`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': `sha256=${createHmac('sha256', SECRET).update(push).digest('hex')}` },
    body: push,
  });
  expect(pushed.status).toBe(200);

  const awaiting = await eventually(
    async () => (await call(`/v1/cases/${caseId}`)).body,
    (view) => view.status === 'AWAITING_FEEDBACK',
    { what: 'AWAITING_FEEDBACK' },
  );
  expect(awaiting.allowedActions).toContain('feedback');
  const feedback = await call(`/v1/cases/${caseId}/feedback`, { body: { score: 4, channel: 'inapp' } });
  expect(feedback.status).toBe(200);
  await eventually(
    async () => (await call(`/v1/cases/${caseId}`)).body.status,
    (status) => status === 'CLOSED',
    { what: 'CLOSED' },
  );

  // The workflow answers CLOSED at once; the read model follows with the case's last write.
  const history = await eventually(
    () => call(`/v1/cases/${caseId}/history`, { token: AUDITOR }),
    (answer) => answer.body.events?.at(-1)?.kind === 'case.closed',
    { what: 'case.closed in the audit trail' },
  );
  expect(history.body.integrity).toEqual({ verified: true });
  expect(history.body.events.map((event: { kind: string }) => event.kind)).toEqual(
    expect.arrayContaining(['case.opened', 'carrier.urged', 'tracking.event', 'case.resolved', 'feedback.received', 'case.closed']),
  );

  // What a supervisor sees: the Web UI answers, and the CLI finds the case by search attribute.
  expect((await fetch(uiUrl)).status).toBe(200);
  const listed = execFileSync(
    process.env.TEMPORAL_CLI_PATH ?? 'temporal',
    ['workflow', 'list', '--address', temporalAddress, '--query', `CaseStatus="CLOSED" AND WaybillNo="${waybillNo}"`, '--output', 'json'],
    { encoding: 'utf8' },
  );
  expect(listed).toContain(caseId);

  // The UI decodes payloads through the API: its settings name the codec endpoint the stack gave
  // it, which answers the UI's origin without a token, and turns the encrypted input back into the case.
  const settings = (await (await fetch(`${uiUrl}/api/v1/settings`)).json()) as { Codec: { Endpoint: string } };
  const endpoint = settings.Codec.Endpoint;
  expect(endpoint).toMatch(new RegExp(`^${apiUrl}/codec/ui/[A-Za-z0-9_-]{32,}$`));
  const preflight = await fetch(`${endpoint}/decode`, {
    method: 'OPTIONS',
    headers: { origin: uiUrl, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe(uiUrl);
  const shown = JSON.parse(
    execFileSync(process.env.TEMPORAL_CLI_PATH ?? 'temporal', ['workflow', 'show', '--address', temporalAddress, '--workflow-id', caseId, '--output', 'json'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }),
  );
  const input = shown.events[0].workflowExecutionStartedEventAttributes.input;
  expect(JSON.stringify(input)).not.toContain('13900139000');
  const decoded = await fetch(`${endpoint}/decode`, {
    method: 'POST',
    headers: { origin: uiUrl, 'content-type': 'application/json', 'x-namespace': 'default' },
    body: JSON.stringify(input),
  });
  expect(decoded.status).toBe(200);
  const [payload] = ((await decoded.json()) as { payloads: Array<{ data: string }> }).payloads;
  expect(JSON.parse(Buffer.from(payload?.data ?? '', 'base64').toString('utf8')).customer).toMatchObject({ name: '李四汽配', phone: '13900139000' });

  await supervisorFindsBreachedCaseInTheUi();

  stack.kill('SIGINT');
  const code = await new Promise<number | null>((done) => stack.once('exit', (exitCode) => done(exitCode)));
  expect(code).toBe(0);
  expect(output).toContain('[stack] stopped');
  await expect(fetch(`${apiUrl}/healthz`)).rejects.toThrow();
});

/**
 * A supervisor's morning in the Temporal UI, in a real browser: an urgent case left alone breaches
 * its SLA; the query `SlaBreached = true` lists it; its page shows the case's input and summary,
 * decoded through the API's codec (the history holds them encrypted), activity rows that say what
 * they do, and current details that say why it is where it is. A screenshot is left in
 * TEMPORAL_UI_SCREENSHOT (default: the temp folder) for a person to look at.
 */
async function supervisorFindsBreachedCaseInTheUi(): Promise<void> {
  const waybillNo = `JD${Date.now()}9`;
  const opened = await call('/v1/cases', {
    body: {
      type: 'DELAYED',
      orderId: 'SO-E2E-UI',
      waybillNo,
      carrier: 'JD',
      customer: { id: 'C-E2E', name: '李四汽配', phone: '13900139000' },
      description: '急件未动',
      priority: 'urgent',
    },
  });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  await eventually(
    async () => (await call(`/v1/cases/${caseId}`)).body,
    (view) => view.slaBreached === true,
    { what: 'the urgent case breached', timeoutMs: 60_000 },
  );

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const query = encodeURIComponent(`SlaBreached = true AND WaybillNo = "${waybillNo}"`);
    await page.goto(`${uiUrl}/namespaces/default/workflows?query=${query}`, { waitUntil: 'domcontentloaded' });
    const listed = page.getByRole('link', { name: caseId }).first();
    await listed.waitFor({ timeout: 60_000 });
    await listed.click();
    // The input, decoded by the UI through /codec (the history holds it encrypted), and activity
    // rows that say what they do (a customer notice on all its channels).
    await page.getByText('"13900139000"').first().waitFor({ timeout: 60_000 });
    await page
      .getByText(/sendNoticeChannels • notify case\.\w+ via /)
      .first()
      .waitFor({ timeout: 30_000 });
    await page.screenshot({ path: process.env.TEMPORAL_UI_SCREENSHOT ?? join(tmpdir(), 'temporal-ui-breached.png') });
    // The summary the API started the case with, decoded too.
    await page.getByText('User Metadata').first().click();
    // (The UI renders summaries and details as markdown in frames of their own.)
    const summary = `DELAYED · JD ${waybillNo} · order SO-E2E-UI`;
    await eventually(
      async () => (await Promise.all(page.frames().map((frame) => frame.content().catch(() => '')))).join('\n'),
      (html) => html.includes(summary) && html.includes('escalated: handling SLA breached'),
      { what: 'the decoded summary and current details in the UI', timeoutMs: 30_000 },
    );
    await page.screenshot({ path: (process.env.TEMPORAL_UI_SCREENSHOT ?? join(tmpdir(), 'temporal-ui-breached.png')).replace(/\.png$/, '-metadata.png') });
  } finally {
    await browser.close();
  }
}
