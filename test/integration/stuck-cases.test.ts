import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_CONVERTERS, caseDataConverter } from '../../codec/data-converter';
import { stuckCasesResponse } from '../../api/response-schemas';
import { eventually, openCaseBody, startTestStack, TOKENS, uniqueWaybill, type TestStack } from '../helpers/test-stack';

/**
 * Issue 24 item 3: stuck cases are seen, not discovered. A case whose workflow task fails on
 * every attempt, and a case that let its own deadline pass without a write, both show in the
 * stuck-cases report, in the ops CLI's `cases stuck` with their last failure, and in the
 * `cases_stuck` gauge; a healthy case, a breached case that did move and a closed case do not.
 * Real parts: the run's Temporal dev server, PostgreSQL, the API and a worker whose case
 * workflow code throws a plain Error (which fails the workflow task, not the workflow, and is
 * retried for ever — the shape of a nondeterminism error after a deploy).
 */

const REPO = resolve(__dirname, '../..');
const CLI = join(REPO, 'scripts', 'ops', 'main.ts');
const TSX = require.resolve('tsx/cli');
const FAILURE = 'stuck-probe: this build of the case workflow cannot run';

let stack: TestStack;
let brokenWorker: Worker;
let brokenWorkerDone: Promise<void>;
let brokenConnection: NativeConnection;
let silentPoller: { stop: () => Promise<void> } | undefined;
const run = randomUUID().replace(/-/g, '').slice(0, 6).toUpperCase();
const caseId = (tag: string) => `CASE-20261207-${run}${tag}`;
const failing = caseId('F1');
const timingOut = caseId('T1');
const overdue = caseId('O1');
const overdueSurvey = caseId('O2');
const breachedAndMoved = caseId('B1');
const closedLate = caseId('C1');
const dueLater = caseId('D1');
let healthy: string;

beforeAll(async () => {
  stack = await startTestStack({ env: { STUCK_OVERDUE_GRACE_MS: '1000', STUCK_CASES_CACHE_MS: '0' } });

  // A build of the case workflow that throws in workflow code: a workflow task failure.
  const dir = join(REPO, '.data', 'stuck-probe');
  mkdirSync(dir, { recursive: true });
  const workflowsPath = join(dir, 'broken-case-workflow.ts');
  writeFileSync(workflowsPath, `export async function caseWorkflow(): Promise<never> {\n  throw new Error(${JSON.stringify(FAILURE)});\n}\n`);
  const taskQueue = `stuck-probe-${run}`;
  brokenConnection = await NativeConnection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS as string });
  const silent = () => undefined;
  // Bundled with the product's failure converter, so the failure is encrypted in the history as a real case's is.
  const bundle = await bundleWorkflowCode({
    workflowsPath,
    ...WORKFLOW_BUNDLE_CONVERTERS,
    logger: { trace: silent, debug: silent, info: silent, warn: silent, error: silent, log: silent },
  });
  brokenWorker = await Worker.create({
    connection: brokenConnection,
    namespace: stack.config.temporal.namespace,
    taskQueue,
    workflowBundle: { code: bundle.code },
    dataConverter: caseDataConverter(stack.config),
  });
  brokenWorkerDone = brokenWorker.run();

  const now = Date.now();
  const at = (offsetMs: number) => new Date(now + offsetMs).toISOString();
  const windowMs = stack.config.slaPolicy.feedback.windowMs;
  await insertCase(failing, { type: 'LOST', status: 'IN_PROGRESS', updatedAt: at(-5_000), slaDueAt: at(3_600_000) });
  // Its SLA clock was due 30 s ago; the last write was before that.
  await insertCase(overdue, { type: 'DAMAGED', status: 'WAITING_CARRIER', updatedAt: at(-60_000), slaDueAt: at(-30_000) });
  // The survey window ended a minute ago and the case never closed itself.
  await insertCase(overdueSurvey, {
    type: 'DELAYED',
    status: 'AWAITING_FEEDBACK',
    updatedAt: at(-windowMs - 59_000),
    resolvedAt: at(-windowMs - 60_000),
  });
  // Its clock breached 30 s ago and the breach was written 10 s ago: the case moved.
  await insertCase(breachedAndMoved, { type: 'DELAYED', status: 'IN_PROGRESS', updatedAt: at(-10_000), slaDueAt: at(-30_000), breached: true });
  await insertCase(closedLate, { type: 'DELAYED', status: 'CLOSED', updatedAt: at(-60_000), slaDueAt: at(-30_000) });
  await insertCase(dueLater, { type: 'DELAYED', status: 'WAITING_CARRIER', updatedAt: at(-60_000), slaDueAt: at(3_600_000) });

  await stack.client.workflow.start('caseWorkflow', { taskQueue, workflowId: failing, args: [], workflowTaskTimeout: '2s' });

  const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody() });
  expect(opened.status).toBe(201);
  healthy = opened.body.caseId as string;
  await eventually(
    async () => (await stack.api('agent', `/v1/cases/${healthy}`)).body?.status,
    (status) => status === 'WAITING_CARRIER',
    { what: 'the healthy case running' },
  );
});

afterAll(async () => {
  for (const id of [failing, timingOut])
    await stack?.client.workflow
      .getHandle(id)
      .terminate('stuck-cases test over')
      .catch(() => undefined);
  await silentPoller?.stop();
  brokenWorker?.shutdown();
  await brokenWorkerDone;
  await brokenConnection?.close();
  await stack?.stop();
});

interface Row {
  type: string;
  status: string;
  updatedAt: string;
  slaDueAt?: string;
  resolvedAt?: string;
  breached?: boolean;
}

/** A read-model row as the case workflow writes it (only the columns the report reads matter). */
async function insertCase(id: string, row: Row): Promise<void> {
  await stack.db
    .insertInto('cases')
    .values({
      case_id: id,
      type: row.type,
      status: row.status,
      priority: 'normal',
      tier: 1,
      assignee: 'tier1',
      order_id: `SO-${id}`,
      waybill_no: uniqueWaybill(),
      carrier: 'SF',
      region: null,
      customer_id: `C-${id}`,
      store_id: null,
      supplier_id: null,
      sla_due_at: row.slaDueAt ?? null,
      sla_breached: row.breached ?? false,
      opened_at: new Date(Date.parse(row.updatedAt) - 120_000).toISOString(),
      updated_at: row.updatedAt,
      resolved_at: row.resolvedAt ?? null,
      closed_at: row.status === 'CLOSED' ? row.updatedAt : null,
      version: 1,
      snapshot: JSON.stringify({}),
      start_request: JSON.stringify({}),
      last_event_hash: null,
    })
    .execute();
}

type Entry = { caseId: string | null; reason: string; attempts: number; lastFailure: string; type: string | null; status: string | null; since: string };

async function stuckReport(): Promise<{ cases: Entry[]; counts: Record<string, number> }> {
  const answer = await stack.api('supervisor', '/v1/reports/stuck-cases');
  expect(answer.status).toBe(200);
  return answer.body;
}

function ops(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [TSX, CLI, ...args],
      { env: { ...process.env, OPS_API_URL: stack.apiUrl, OPS_TOKEN: TOKENS.supervisor }, timeout: 60_000 },
      (error, stdout, stderr) => done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('a case whose workflow task fails on every attempt is reported with its attempts and the failure message', async () => {
  const report = await eventually(stuckReport, (r) => r.cases.some((entry) => entry.caseId === failing && entry.attempts >= 3), {
    what: `${failing} failing at attempt ≥ 3`,
    timeoutMs: 90_000,
    intervalMs: 1_000,
  });
  expect(stuckCasesResponse.safeParse(report).success).toBe(true);
  const entry = report.cases.find((candidate) => candidate.caseId === failing);
  expect(entry).toMatchObject({ reason: 'workflow-task-failing', type: 'LOST', status: 'IN_PROGRESS', workflowType: 'caseWorkflow' });
  // Decoded: the history holds the message encrypted (codec/failure-converter.ts).
  const history = await stack.client.workflow.getHandle(failing).fetchHistory();
  const recorded = history.events?.find((event) => event.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes?.failure;
  expect(recorded?.message).not.toContain(FAILURE);
  expect(entry?.lastFailure).toContain(FAILURE);
  expect(entry?.lastFailure).toMatch(/^workflow task failed/);
  expect(Date.parse(entry?.since ?? '')).toBeLessThanOrEqual(Date.now());
  // Counted once, as failing, though its row is not overdue either way.
  expect(report.cases.filter((candidate) => candidate.caseId === failing)).toHaveLength(1);
});

/**
 * A worker that takes every workflow task of its queue and never answers: each attempt times
 * out, the shape of a task that hangs (a local activity waiting on a lock that never frees).
 */
async function startSilentPoller(taskQueue: string): Promise<{ stop: () => Promise<void> }> {
  const connection = await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS as string });
  let stopped = false;
  const polling = (async () => {
    while (!stopped) {
      // A long poll needs a deadline; a short one lets stop() wait for the last poll before closing.
      await connection
        .withDeadline(Date.now() + 3_000, () =>
          connection.workflowService.pollWorkflowTaskQueue({
            namespace: stack.config.temporal.namespace,
            taskQueue: { name: taskQueue },
            identity: 'stuck-cases-test-silent-worker',
          }),
        )
        .catch(() => new Promise((resolve) => setTimeout(resolve, 200)));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await polling;
      await connection.close();
    },
  };
}

test('a case whose workflow task times out on every attempt is reported with the time-out as its failure', async () => {
  const taskQueue = `stuck-silent-${run}`;
  silentPoller = await startSilentPoller(taskQueue);
  await insertCase(timingOut, {
    type: 'INTERCEPT',
    status: 'IN_PROGRESS',
    updatedAt: new Date().toISOString(),
    slaDueAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  await stack.client.workflow.start('caseWorkflow', { taskQueue, workflowId: timingOut, args: [], workflowTaskTimeout: '1s' });
  const report = await eventually(stuckReport, (r) => r.cases.some((entry) => entry.caseId === timingOut && entry.attempts >= 3), {
    what: `${timingOut} timing out at attempt ≥ 3`,
    timeoutMs: 90_000,
    intervalMs: 1_000,
  });
  expect(report.cases.find((entry) => entry.caseId === timingOut)).toMatchObject({
    reason: 'workflow-task-failing',
    type: 'INTERCEPT',
    lastFailure: expect.stringMatching(/^workflow task timed out \(START_TO_CLOSE\)/),
  });
});

test('open cases past their own deadline are reported as overdue; moved, closed, not-yet-due and healthy cases are not', async () => {
  const report = await stuckReport();
  const byCase = new Map(report.cases.map((entry) => [entry.caseId, entry]));
  expect(byCase.get(overdue)).toMatchObject({ reason: 'overdue', type: 'DAMAGED', status: 'WAITING_CARRIER', attempts: 0 });
  expect(byCase.get(overdue)?.lastFailure).toMatch(/^deadline .* passed with no write since /);
  expect(byCase.get(overdueSurvey)).toMatchObject({ reason: 'overdue', status: 'AWAITING_FEEDBACK' });
  for (const notStuck of [breachedAndMoved, closedLate, dueLater, healthy])
    expect({ caseId: notStuck, listed: byCase.has(notStuck) }).toEqual({ caseId: notStuck, listed: false });
  expect(report.counts.overdue).toBe(report.cases.filter((entry) => entry.reason === 'overdue').length);
});

test('only supervisors and experts read the report: it quotes failure messages in clear', async () => {
  expect((await stack.api('expert', '/v1/reports/stuck-cases')).status).toBe(200);
  for (const role of ['agent', 'auditor', 'system'] as const)
    expect({ role, status: (await stack.api(role, '/v1/reports/stuck-cases')).status }).toEqual({ role, status: 403 });
  expect((await stack.api(null, '/v1/reports/stuck-cases')).status).toBe(401);
});

test('`npm run ops -- cases stuck` lists each stuck case with its last failure; --json gives the report', async () => {
  await eventually(stuckReport, (r) => r.cases.some((entry) => entry.caseId === failing && entry.attempts >= 3), {
    what: `${failing} failing`,
    timeoutMs: 90_000,
    intervalMs: 1_000,
  });
  const table = await ops('cases', 'stuck');
  expect(table).toMatchObject({ code: 0 });
  const line = (id: string) => table.stdout.split('\n').find((text) => text.includes(id)) ?? '';
  expect(line(failing)).toContain('workflow-task-failing');
  expect(line(failing)).toContain(FAILURE);
  expect(line(overdue)).toContain('overdue');
  expect(table.stdout).not.toContain(healthy);
  expect(table.stdout).toMatch(/stuck cases at .*workflow-task-failing/);

  const json = await ops('--json', 'cases', 'stuck');
  expect(json.code).toBe(0);
  const parsed = JSON.parse(json.stdout) as { cases: Entry[] };
  expect(parsed.cases.find((entry) => entry.caseId === failing)?.attempts).toBeGreaterThanOrEqual(3);
});

test('/metrics carries cases_stuck by reason, from a sweep that worked', async () => {
  const text = await eventually(
    async () => (await stack.api(null, '/metrics')).body as string,
    (body) => /cases_stuck\{reason="workflow-task-failing"\} [1-9]/.test(body),
    { what: 'cases_stuck{reason="workflow-task-failing"} ≥ 1', timeoutMs: 90_000, intervalMs: 1_000 },
  );
  expect(text).toMatch(/cases_stuck\{reason="overdue"\} [1-9]/);
  expect(text).toMatch(/^cases_stuck_sweep_ok 1$/m);
});
