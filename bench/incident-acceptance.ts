import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../config';
import { StackHarness } from '../scripts/stack/harness';
import { openCaseBody } from '../fixtures/case-bodies';
import { TOKENS } from '../fixtures/credentials';
import { stackEnv } from '../fixtures/stack-env';
import { installTemporalRuntime } from '../worker/runtime';
import { ManagedProcess, openLog } from './chaos/stack';

/**
 * `npm run bench:incident:acceptance` — issue 10's acceptance for incidents, on a stack of its own:
 * N open cases (INCIDENT_CASES, default 1,000) in one region, an incident declared over it, the
 * case worker (a separate process, `worker/main.ts`) SIGKILLed mid-fan-out and restarted, the same
 * POST sent again with the same Idempotency-Key. Then it checks what the issue asks:
 *
 * - every case reached: each trail holds exactly one `incident.recorded` for the incident;
 * - every customer told exactly once: the SMS simulator, which does not deduplicate here (as the
 *   real Aliyun), holds one message per case for the incident's key, none twice;
 * - the retried POST answered the same incident and started nothing new.
 *
 * Writes bench/results/incident-acceptance.json; exits non-zero when a check fails.
 */

const CASES = Number.parseInt(process.env.INCIDENT_CASES ?? '1000', 10);
const OPEN_CONCURRENCY = Number.parseInt(process.env.BENCH_OPEN_CONCURRENCY ?? '32', 10);
/** The worker is killed once this share of the cases has been reached. */
const KILL_AT_SHARE = 0.3;

const say = (line: string) => process.stderr.write(`[incident-acceptance] ${line}\n`);
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

interface Check {
  pass: boolean;
  value: number;
  detail: string;
}

async function main(): Promise<void> {
  installTemporalRuntime('ERROR');
  const stack = new StackHarness(say, (name, error) => say(`stop failed: ${name}: ${error.message}`));
  stack.stopOnSignals();
  // Kept after the run: the result names it, for whoever reads the stack's log.
  const runDir = stack.workDir('incident-acceptance-', { keep: true });
  const stackLog = openLog(join(runDir, 'stack.log'));
  await stack.run(async () => {
    const temporal = await stack.temporal({ mode: 'dev', dbFile: join(runDir, 'temporal.db'), logTo: stackLog, startTimeoutMs: 90_000 });
    const database = await stack.database({ name: `cases_incident_acceptance_${process.pid}` });
    const db = stack.pool(database.url, { max: 10 });
    // As the real providers: neither SMS nor WeCom deduplicates, so a second send would show.
    const simulators = await stack.simulators({ port: 0, noDedupe: ['sms', 'wecom'] });

    const env: NodeJS.ProcessEnv = stackEnv({
      databaseUrl: database.url,
      temporalAddress: temporal.address,
      taskQueue: 'cases-incident-acceptance',
      simulatorsUrl: simulators.url,
    });
    // The default policy in real time: the cases sit open (waiting on the carrier) for the run.
    const config = loadConfig(env);
    const bundlePath = await stack.workflowBundle(join(runDir, 'workflow-bundle.js'));
    // A process of its own, supervised as the chaos run does, so it can be SIGKILLed and restarted.
    const worker = new ManagedProcess(
      'worker',
      'worker/main.ts',
      () => ({ ...process.env, ...env, WORKFLOW_BUNDLE_PATH: bundlePath }),
      /worker polling/,
      stackLog,
      say,
    );
    await worker.start();
    stack.started('worker', () => worker.stop());

    const client = await stack.client(temporal.address, config);
    const apiUrl = await stack.api({ config, db, temporal: client });
    const call = async (role: keyof typeof TOKENS, path: string, body?: unknown, key: string = randomUUID()) => {
      const response = await fetch(`${apiUrl}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${TOKENS[role]}`, 'content-type': 'application/json', 'idempotency-key': key },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    const region = '6200';
    say(`opening ${CASES} cases in region ${region}…`);
    const openStarted = performance.now();
    await pool(
      Array.from({ length: CASES }, (_, i) => i),
      OPEN_CONCURRENCY,
      async (i) => {
        const body = openCaseBody({
          region: `${region}${String(i % 100).padStart(2, '0')}`,
          customer: { id: `C-INC-${i}`, name: '张三汽修', phone: `1390000${String(i).padStart(4, '0')}`, storeId: 'S-1' },
        });
        const opened = await call('agent', '/v1/cases', body);
        if (opened.status !== 201) throw new Error(`open: ${opened.status} ${JSON.stringify(opened.body)}`);
      },
    );
    for (;;) {
      const row = await db
        .selectFrom('cases')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('region', 'like', `${region}%`)
        .where('version', '>', 0)
        .executeTakeFirst();
      if (Number(row?.n) >= CASES) break;
      await sleep(500);
    }
    const openSeconds = round((performance.now() - openStarted) / 1000);
    say(`${CASES} cases open in ${openSeconds} s; declaring the incident`);

    const declaration = {
      cause: 'weather',
      regions: [region],
      startsAt: new Date().toISOString(),
      expectedEndAt: new Date(Date.now() + 6 * 3_600_000).toISOString(),
      message: '暴雨红色预警，派送暂停',
    };
    const idempotencyKey = `incident-acceptance-${randomUUID()}`;
    const t0 = performance.now();
    const declared = await call('expert', '/v1/incidents', declaration, idempotencyKey);
    if (declared.status !== 202) throw new Error(`declare: ${declared.status} ${JSON.stringify(declared.body)}`);
    const incidentId = String(declared.body.incidentId);

    let killed: { atReached: number; atNotified: number; pid: number | undefined; restartedInSeconds: number } | undefined;
    let retried: { status: number; incidentId: string } | undefined;
    let progress: Record<string, unknown>;
    let reachedSeconds: number | undefined;
    for (;;) {
      progress = (await call('agent', `/v1/incidents/${incidentId}`)).body;
      const reached = Number(progress.reached);
      if (!killed && reached >= CASES * KILL_AT_SHARE) {
        const pid = worker.pid;
        const killedAt = performance.now();
        await worker.kill('SIGKILL');
        await worker.start();
        killed = { atReached: reached, atNotified: Number(progress.notified), pid, restartedInSeconds: round((performance.now() - killedAt) / 1000, 2) };
        say(`worker SIGKILLed at ${reached}/${CASES} reached, ${String(progress.notified)} told (pid ${pid}); restarted`);
        // A client that never saw its answer sends the same POST again.
        const again = await call('expert', '/v1/incidents', declaration, idempotencyKey);
        retried = { status: again.status, incidentId: String(again.body.incidentId) };
      }
      if (reachedSeconds === undefined && reached + Number(progress.failed) >= CASES) reachedSeconds = round((performance.now() - t0) / 1000, 2);
      if (Number(progress.notified) + Number(progress.failed) >= CASES) break;
      await sleep(500);
    }
    const notifiedSeconds = round((performance.now() - t0) / 1000, 2);
    say(`reached in ${String(reachedSeconds)} s, every customer told in ${notifiedSeconds} s; checking`);

    // --- checks -----------------------------------------------------------------------------
    const trailCounts = await db
      .selectFrom('cases')
      .leftJoin('case_events', (join) => join.onRef('case_events.case_id', '=', 'cases.case_id').on('case_events.kind', '=', 'incident.recorded'))
      .select(['cases.case_id as caseId', (eb) => eb.fn.count<string>('case_events.seq').as('n')])
      .where('cases.region', 'like', `${region}%`)
      .groupBy('cases.case_id')
      .execute();
    const notReached = trailCounts.filter((row) => Number(row.n) === 0).map((row) => row.caseId);
    const reachedTwice = trailCounts.filter((row) => Number(row.n) > 1).map((row) => row.caseId);
    const smsKeys = new Map<string, number>();
    for (const entry of simulators.ledger.entries({ system: 'sms', operation: 'send' })) {
      if (!entry.idempotencyKey?.includes(`:incident-${incidentId}:`)) continue;
      smsKeys.set(entry.idempotencyKey, (smsKeys.get(entry.idempotencyKey) ?? 0) + 1);
    }
    const toldTwice = [...smsKeys].filter(([, n]) => n > 1).map(([key]) => key);
    const incidents = client.workflow.list({ query: `WorkflowType = 'incidentWorkflow'` });
    // An incident continues as new while it fans out: count workflow ids, not runs.
    const incidentIds = new Set<string>();
    for await (const execution of incidents) incidentIds.add(execution.workflowId);
    const incidentWorkflows = incidentIds.size;

    const checks: Record<string, Check> = {
      everyCaseReached: {
        pass: notReached.length === 0 && trailCounts.length === CASES,
        value: trailCounts.length - notReached.length,
        detail: `${notReached.length} of ${trailCounts.length} trails without incident.recorded ${notReached.slice(0, 5).join(' ')}`,
      },
      noCaseReachedTwice: {
        pass: reachedTwice.length === 0,
        value: reachedTwice.length,
        detail: `trails with more than one incident.recorded ${reachedTwice.slice(0, 5).join(' ')}`,
      },
      everyCustomerToldOnce: {
        pass: smsKeys.size === CASES && toldTwice.length === 0,
        value: smsKeys.size,
        detail: `${smsKeys.size} SMS keys for the incident, ${toldTwice.length} sent twice ${toldTwice.slice(0, 3).join(' ')}`,
      },
      progressComplete: {
        pass: Number(progress.reached) === CASES && Number(progress.notified) === CASES && Number(progress.failed) === 0,
        value: Number(progress.reached),
        detail: JSON.stringify({ matched: progress.matched, reached: progress.reached, notified: progress.notified, failed: progress.failed }),
      },
      retriedPostStartsNothing: {
        pass: retried?.incidentId === incidentId && incidentWorkflows === 1,
        value: incidentWorkflows,
        detail: `retry answered ${String(retried?.status)} with ${String(retried?.incidentId)}; ${incidentWorkflows} incident workflow(s)`,
      },
      // Mid-fan-out: cases still to reach or customers still to tell when the worker died.
      workerKilledMidFanOut: {
        pass: killed !== undefined && killed.atNotified < CASES,
        value: killed?.atNotified ?? -1,
        detail: killed
          ? `SIGKILL at ${killed.atReached}/${CASES} reached, ${killed.atNotified}/${CASES} told; new worker ready in ${killed.restartedInSeconds} s`
          : 'never killed',
      },
    };
    const pass = Object.values(checks).every((check) => check.pass);
    for (const [name, check] of Object.entries(checks)) say(`${check.pass ? 'PASS' : 'FAIL'} ${name}: ${check.detail}`);

    const packageJson = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const out = {
      at: new Date().toISOString(),
      command: 'npm run bench:incident:acceptance',
      pass,
      cpus: cpus().length,
      cases: CASES,
      openSeconds,
      reachedSeconds,
      notifiedSeconds,
      workerSigkill: killed,
      checks,
      versions: { node: process.version, temporalioWorker: packageJson.dependencies['@temporalio/worker'] },
      logs: runDir,
    };
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(join(__dirname, 'results', 'incident-acceptance.json'), `${JSON.stringify(out, null, 2)}\n`);
    say(pass ? 'PASS' : 'FAIL');
    if (!pass) process.exitCode = 1;
  });
}

void main().catch((error) => {
  say((error as Error).stack ?? String(error));
  process.exitCode = 1;
});
