import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from '@temporalio/worker';
import { sql } from 'kysely';
import { loadConfig, type AppConfig } from '../config';
import { StackHarness } from '../scripts/stack/harness';
import { bundleWorkflows } from '../scripts/stack/workflow-bundle';
import { testPolicy } from '../fixtures/fast-policy';
import { openCaseBody } from '../fixtures/case-bodies';
import { openLoop, percentile, pool, round, stats, summarise, timed, type LatencyStats } from './measure';
import { lifecycleShape, type LifecycleShape } from './lifecycle-shape';
import { caseStartInput } from '../api/case-service';
import { caseStart as caseStartOptions } from '../workflows/case/case-start';
import { CASE_WORKFLOW_TYPE } from '../workflows/case/contract';
import { openCaseBody as openCaseSchema } from '../api/schemas';
import type { Principal } from '../api/auth';
import { TOKENS, WEBHOOK_SECRET } from '../fixtures/credentials';
import { stackEnv } from '../fixtures/stack-env';
import { caseWorkerVersion, createCaseWorker } from '../worker/create-worker';
import { caseDataConverter } from '../codec/data-converter';
import { installTemporalRuntime } from '../worker/runtime';

/**
 * `npm run bench`: the orchestrator's benchmarks, each beside bare Temporal on the same server in
 * the same run, on a stack of its own (a Temporal dev server in memory, a fresh PostgreSQL
 * database dropped at the end, the simulators, one in-process case worker and the API), with the
 * test SLA policy so lifecycles take seconds.
 *
 * 1. Open-case latency through the API (`POST /v1/cases` → 201), sequential and concurrent,
 *    against a bare `client.workflow.start` of a no-op workflow (the baseline) and, between the
 *    two, the case workflow started straight from a client with the API's input and search
 *    attributes. No worker polls these starts (they go to a queue never polled), so every side
 *    measures getting a start accepted, not running the workflow.
 * 2. Open-case latency under a steady open-loop load of half the bare maximum rate.
 * 3. Lifecycle throughput: DELAYED cases driven to CLOSED concurrently (signed generic `Delivered`
 *    push through the simulators, then feedback), with each closed case's history size; then as
 *    many bare workflows shaped like the median case's history (./baseline-workflow.ts).
 * 4. Memory of this process (API + worker + simulators) before, after start-up and after the load.
 *
 * Writes bench/results/latest.json (with `ratios`: ours ÷ bare Temporal) and prints a table.
 * Sizes can be changed by environment: BENCH_SEQUENTIAL, BENCH_CONCURRENT, BENCH_CONCURRENCY,
 * BENCH_LIFECYCLE, BENCH_WARMUP, BENCH_OPEN_LOOP_SECONDS; BENCH_DUMP_HISTORY=<path prefix> also
 * writes each closed case's history as JSON, to see where its events go.
 */

const PARAMS = {
  warmup: intEnv('BENCH_WARMUP', 20),
  sequentialOpens: intEnv('BENCH_SEQUENTIAL', 200),
  concurrentOpens: intEnv('BENCH_CONCURRENT', 400),
  concurrency: intEnv('BENCH_CONCURRENCY', 32),
  lifecycleCases: intEnv('BENCH_LIFECYCLE', 50),
  openLoopSeconds: intEnv('BENCH_OPEN_LOOP_SECONDS', 5),
  statusPollMs: 50,
};
const BASELINE_TASK_QUEUE = 'bench-baseline';
const CASE_TASK_QUEUE = 'cases-bench';
const UNPOLLED_TASK_QUEUE = 'cases-bench-never-polled';
/** Who the bare case starts are opened by (the API's opens carry the agent token's principal). */
const BENCH_PRINCIPAL: Principal = { id: 'bench-agent', role: 'agent' };

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number.parseInt(raw, 10);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}

// --- measuring ------------------------------------------------------------------------------

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface MemorySample {
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
}

function memory(): MemorySample {
  gc();
  const usage = process.memoryUsage();
  const mib = (bytes: number) => round(bytes / 1024 / 1024, 1);
  return { rssMiB: mib(usage.rss), heapUsedMiB: mib(usage.heapUsed), heapTotalMiB: mib(usage.heapTotal), externalMiB: mib(usage.external) };
}

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

// --- the run --------------------------------------------------------------------------------

async function main(): Promise<void> {
  const benchStarted = performance.now();
  const memoryAtStart = memory();
  const loadAtStart = round(loadavg()[0] ?? Number.NaN);
  installTemporalRuntime('ERROR');
  const stack = new StackHarness(log);
  stack.stopOnSignals();

  await stack.run(async () => {
    // Temporal dev server: headless, in memory, search attributes registered.
    const devServer = await stack.temporal({ mode: 'dev' });
    const { cliPath } = devServer;
    log(`Temporal dev server on ${devServer.address}`);

    // A fresh database, migrated, dropped at the end.
    const databaseName = `cases_bench_${process.pid}_${Date.now().toString(36)}`;
    const resolved = await stack.database({
      name: databaseName,
      ...(process.env.BENCH_DATABASE_SERVER_URL ? { serverUrl: process.env.BENCH_DATABASE_SERVER_URL } : {}),
    });
    const db = stack.pool(resolved.url);
    log(`PostgreSQL (${resolved.source}): database ${databaseName}`);

    const simulators = await stack.simulators();

    const base = loadConfig(
      stackEnv({ databaseUrl: resolved.url, temporalAddress: devServer.address, taskQueue: CASE_TASK_QUEUE, simulatorsUrl: simulators.url }),
    );
    const config: AppConfig = { ...base, slaPolicy: testPolicy() };

    // Both workflow bundles are built before timing anything.
    const caseBundlePath = await stack.workflowBundle(join(stack.workDir('case-bench-'), 'case-workflows.js'));
    const baselineBundle = await bundleWorkflows(log, require.resolve('./baseline-workflow'));

    const workerConnection = await stack.workerConnection(devServer.address);
    // Both workers are created (bundles loaded) now, and start polling after the open-latency phase.
    const worker = await createCaseWorker({ config, db, connection: workerConnection, workflowBundlePath: caseBundlePath });
    const baselineWorker = await Worker.create({
      connection: workerConnection,
      namespace: config.temporal.namespace,
      taskQueue: BASELINE_TASK_QUEUE,
      workflowBundle: { code: baselineBundle },
      activities: { benchNoopActivity: async () => undefined },
      // The same codec as the case worker: the baseline measures Temporal with encryption, as the product runs.
      dataConverter: caseDataConverter(config),
    });

    const client = await stack.client(devServer.address, config);
    const apiUrl = await stack.api({ config, db, temporal: client });
    // The open-latency phases start cases on a queue no worker ever polls: terminated cases'
    // workflow tasks would otherwise wait in the lifecycle's queue and slow the worker's start.
    const openPhaseApiUrl = await stack.api(
      { config: { ...config, temporal: { ...config.temporal, taskQueue: UNPOLLED_TASK_QUEUE } }, db, temporal: client },
      'open-phase api',
    );
    const memoryAfterStartup = memory();
    log(`stack up in ${round((performance.now() - benchStarted) / 1000, 1)} s; API ${apiUrl}`);

    // --- the operations measured ---
    const openedForLatency: string[] = [];
    const apiOpen = async (body: Record<string, unknown> = openCaseBody(), url = apiUrl): Promise<string> => {
      const response = await fetch(`${url}/v1/cases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKENS.agent}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify(body),
      });
      const answer = (await response.json()) as { caseId?: string };
      if (response.status !== 201 || !answer.caseId) throw new Error(`open case: ${response.status} ${JSON.stringify(answer)}`);
      return answer.caseId;
    };
    const openForLatency = async () => {
      openedForLatency.push(await apiOpen(openCaseBody(), openPhaseApiUrl));
    };
    // The case workflow started straight from a client with the API's own input and search
    // attributes: what Temporal alone costs for a case's start, between the bare start and the API.
    const caseStart = async () => {
      const input = caseStartInput(`CASE-BENCH-${randomUUID()}`, openCaseSchema.parse(openCaseBody()), BENCH_PRINCIPAL, config);
      await client.workflow.start(CASE_WORKFLOW_TYPE, { ...caseStartOptions(input), taskQueue: UNPOLLED_TASK_QUEUE });
      openedForLatency.push(input.caseId);
    };
    let baselineCounter = 0;
    const baselineStart = async () => {
      await client.workflow.start('benchNoopWorkflow', { taskQueue: BASELINE_TASK_QUEUE, workflowId: `bench-noop-${++baselineCounter}` });
    };
    // No worker polls yet: the cases opened here never run, and are terminated before the case worker starts.
    const terminateOpened = async () => {
      const ids = openedForLatency.splice(0);
      await pool(ids, 16, async (id) => {
        await client.workflow
          .getHandle(id)
          .terminate('benchmark phase over')
          .catch(() => undefined);
      });
    };

    log(`warm-up: ${PARAMS.warmup} baseline starts + ${PARAMS.warmup} API opens`);
    await timed(PARAMS.warmup, 1, baselineStart);
    await timed(PARAMS.warmup, 1, openForLatency);
    await terminateOpened();

    log(`sequential: ${PARAMS.sequentialOpens} each`);
    const baselineSequential = await timed(PARAMS.sequentialOpens, 1, baselineStart);
    const apiSequential = await timed(PARAMS.sequentialOpens, 1, openForLatency);
    await terminateOpened();

    log(`concurrent: ${PARAMS.concurrentOpens} each, ${PARAMS.concurrency} in flight`);
    const baselineConcurrent = await timed(PARAMS.concurrentOpens, PARAMS.concurrency, baselineStart);
    const caseStartConcurrent = await timed(PARAMS.concurrentOpens, PARAMS.concurrency, caseStart);
    const apiConcurrent = await timed(PARAMS.concurrentOpens, PARAMS.concurrency, openForLatency);
    await terminateOpened();

    // Latency under a steady load both sides can carry: half the bare maximum rate, open loop.
    const openLoopRate = round(stats(baselineConcurrent).throughputPerS / 2, 1);
    const openLoopCount = Math.max(100, Math.round(openLoopRate * PARAMS.openLoopSeconds));
    log(`open loop: ${openLoopCount} each at ${openLoopRate}/s (half the bare maximum)`);
    const baselineOpenLoop = await openLoop(openLoopRate, openLoopCount, baselineStart);
    const apiOpenLoop = await openLoop(openLoopRate, openLoopCount, openForLatency);
    await terminateOpened();
    const startedBaselines = baselineCounter;

    // The baseline workflows run to completion; then the case worker starts for the lifecycle.
    stack.runWorker('baseline worker', baselineWorker);
    stack.runWorker('case worker', worker);
    // The lifecycle's cases start once the case worker's version is current (it promotes itself).
    await caseWorkerVersion(worker).current;
    await pool(
      Array.from({ length: startedBaselines }, (_, i) => `bench-noop-${i + 1}`),
      16,
      async (id) => {
        await client.workflow.getHandle(id).result();
      },
    );
    log(`${startedBaselines} baseline workflows completed`);

    // --- lifecycle: K DELAYED cases to CLOSED at once ---
    log(`lifecycle: ${PARAMS.lifecycleCases} DELAYED cases to CLOSED concurrently`);
    const waiters = new Map<string, { status: string; resolve: () => void; reject: (error: Error) => void; deadline: number }>();
    let polling: Promise<void> | undefined;
    const pollStatuses = async () => {
      while (waiters.size) {
        const rows = await db
          .selectFrom('cases')
          .select(['case_id', 'status'])
          .where('case_id', 'in', [...waiters.keys()])
          .execute();
        const now = Date.now();
        for (const row of rows) {
          const waiter = waiters.get(row.case_id);
          if (waiter && row.status === waiter.status) {
            waiters.delete(row.case_id);
            waiter.resolve();
          }
        }
        for (const [caseId, waiter] of waiters) {
          if (now > waiter.deadline) {
            waiters.delete(caseId);
            waiter.reject(new Error(`${caseId} did not reach ${waiter.status} in time`));
          }
        }
        await new Promise((tick) => setTimeout(tick, PARAMS.statusPollMs));
      }
      polling = undefined;
    };
    /** Waits for the read model to show `status` (one batched query for every waiting case). */
    const readModelStatus = (caseId: string, status: string) =>
      new Promise<void>((resolve, reject) => {
        waiters.set(caseId, { status, resolve, reject, deadline: Date.now() + 60_000 });
        polling ??= pollStatuses();
      });

    const stages = { openMs: [] as number[], waitingCarrierMs: [] as number[], deliveredToSurveyMs: [] as number[], feedbackToClosedMs: [] as number[] };
    const closedIds: string[] = [];
    // While the cases run: the process's peak RSS and heap (no forced GC) and the worker's cache.
    const duringLoad = { maxRssMiB: 0, maxHeapUsedMiB: 0, maxCachedWorkflows: 0 };
    const sampler = setInterval(() => {
      const usage = process.memoryUsage();
      duringLoad.maxRssMiB = Math.max(duringLoad.maxRssMiB, round(usage.rss / 1024 / 1024, 1));
      duringLoad.maxHeapUsedMiB = Math.max(duringLoad.maxHeapUsedMiB, round(usage.heapUsed / 1024 / 1024, 1));
      duringLoad.maxCachedWorkflows = Math.max(duringLoad.maxCachedWorkflows, worker.getStatus().numCachedWorkflows);
    }, 250);
    const lifecycle = await timed(PARAMS.lifecycleCases, PARAMS.lifecycleCases, async () => {
      const body = openCaseBody();
      const t0 = performance.now();
      const caseId = await apiOpen(body);
      const t1 = performance.now();
      await readModelStatus(caseId, 'WAITING_CARRIER');
      const t2 = performance.now();
      const pushed = await fetch(`${simulators.url}/__control/tracking-push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          provider: 'generic',
          targetUrl: `${apiUrl}/v1/webhooks/tracking/generic`,
          secret: WEBHOOK_SECRET,
          event: {
            eventId: `${caseId}-delivered`,
            waybillNo: body.waybillNo,
            carrier: 'SF',
            status: 'Delivered',
            occurredAt: new Date().toISOString(),
            location: '广州白云',
          },
        }),
      });
      const push = (await pushed.json()) as { delivered: boolean; status: number; body: string };
      if (push.status !== 200) throw new Error(`tracking push for ${caseId}: ${JSON.stringify(push)}`);
      await readModelStatus(caseId, 'AWAITING_FEEDBACK');
      const t3 = performance.now();
      const feedback = await fetch(`${apiUrl}/v1/cases/${caseId}/feedback`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKENS.system}`, 'content-type': 'application/json' },
        body: JSON.stringify({ score: 5, channel: 'sms' }),
      });
      if (feedback.status !== 200) throw new Error(`feedback for ${caseId}: ${feedback.status} ${await feedback.text()}`);
      const result = (await client.workflow.getHandle(caseId).result()) as { status?: string };
      if (result.status !== 'CLOSED') throw new Error(`${caseId} ended ${JSON.stringify(result)}`);
      const t4 = performance.now();
      stages.openMs.push(t1 - t0);
      stages.waitingCarrierMs.push(t2 - t1);
      stages.deliveredToSurveyMs.push(t3 - t2);
      stages.feedbackToClosedMs.push(t4 - t3);
      closedIds.push(caseId);
    });
    clearInterval(sampler);
    const memoryAfterLoad = memory();
    const workerStatus = worker.getStatus();

    // --- history size of each closed case (after timing) ---
    log('history sizes');
    const histories: Array<{ events: number; serverBytes: number; cliJsonBytes: number; shape: LifecycleShape }> = [];
    await pool(closedIds, 4, async (caseId) => {
      const handle = client.workflow.getHandle(caseId);
      const [description, history, cliJson] = await Promise.all([
        handle.describe(),
        handle.fetchHistory(),
        new Promise<string>((resolve, reject) =>
          execFile(
            cliPath,
            ['workflow', 'show', '--address', devServer.address, '--workflow-id', caseId, '--output', 'json'],
            { maxBuffer: 64 * 1024 * 1024 },
            (error, stdout) => (error ? reject(error) : resolve(stdout)),
          ),
        ),
      ]);
      histories.push({
        events: history.events?.length ?? description.historyLength,
        serverBytes: description.historySize ?? Number.NaN,
        cliJsonBytes: Buffer.byteLength(cliJson),
        shape: lifecycleShape(history),
      });
      if (process.env.BENCH_DUMP_HISTORY) writeFileSync(`${process.env.BENCH_DUMP_HISTORY}-${caseId}.json`, JSON.stringify(history));
    });
    const auditRows = await db
      .selectFrom('case_events')
      .select(['case_id', sql<string>`count(*)::text`.as('events')])
      .where('case_id', 'in', closedIds)
      .groupBy('case_id')
      .execute();

    // --- the lifecycle's baseline: the median case's history, replayed as bare Temporal work ---
    const byEvents = [...histories].sort((a, b) => a.events - b.events);
    const shape = (byEvents[Math.ceil(byEvents.length / 2) - 1] ?? byEvents[0])?.shape;
    if (!shape) throw new Error('no closed case to take the lifecycle shape from');
    log(`lifecycle baseline: ${PARAMS.lifecycleCases} bare workflows shaped like a case (${JSON.stringify(shape)})`);
    let mirrorCounter = 0;
    const mirror = await timed(PARAMS.lifecycleCases, PARAMS.lifecycleCases, async () => {
      const handle = await client.workflow.start('benchLifecycleMirror', {
        taskQueue: BASELINE_TASK_QUEUE,
        workflowId: `bench-mirror-${++mirrorCounter}`,
        args: [shape],
      });
      for (let i = 0; i < shape.signals; i++) await handle.signal('mirrorEvent');
      for (let i = 0; i < shape.updates; i++) await handle.executeUpdate('mirrorAction');
      await handle.result();
    });
    const mirrorStats = stats(mirror);

    const lifecycleStats = stats(lifecycle);
    const stage = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return { p50Ms: round(percentile(sorted, 50)), p95Ms: round(percentile(sorted, 95)) };
    };

    const results = {
      benchmark: 'case-orchestrator',
      at: new Date().toISOString(),
      machine: {
        cpuCount: cpus().length,
        loadAverage1mAtStart: loadAtStart,
        loadAverage1mAtEnd: round(loadavg()[0] ?? Number.NaN),
        cpuModel: cpus()[0]?.model ?? 'unknown',
        totalMemoryMiB: Math.round(totalmem() / 1024 / 1024),
        platform: `${platform()} ${arch()}`,
        node: process.version,
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- package.json is outside the SDK's import map
        temporalSdk: (require('@temporalio/worker/package.json') as { version: string }).version,
        temporalCli: execFileSync(cliPath, ['--version'], { encoding: 'utf8' }).trim(),
        postgres: resolved.source,
      },
      parameters: {
        ...PARAMS,
        slaPolicy: 'test/helpers/policy.ts testPolicy() (seconds)',
        idempotencyKeyPerOpen: true,
        dbPoolMax: 10,
        openPhase: 'no worker polls the case or baseline task queue while opens are timed, so both sides measure accepting a start, not running the workflow',
        inProcess:
          'API, case worker, baseline worker, simulators and the load generator share one Node process; the Temporal dev server and PostgreSQL are separate processes on the same machine',
      },
      openCase: {
        sequential: { api: stats(apiSequential), baseline: stats(baselineSequential) },
        concurrent: { api: stats(apiConcurrent), caseStart: stats(caseStartConcurrent), baseline: stats(baselineConcurrent) },
        openLoop: { ratePerS: openLoopRate, api: stats(apiOpenLoop), baseline: stats(baselineOpenLoop) },
      },
      lifecycle: {
        cases: PARAMS.lifecycleCases,
        wallMs: lifecycleStats.wallMs,
        casesPerS: lifecycleStats.throughputPerS,
        perCase: { p50Ms: lifecycleStats.p50Ms, p95Ms: lifecycleStats.p95Ms, maxMs: lifecycleStats.maxMs },
        stages: {
          open: stage(stages.openMs),
          openToWaitingCarrier: stage(stages.waitingCarrierMs),
          deliveredPushToAwaitingFeedback: stage(stages.deliveredToSurveyMs),
          feedbackToClosed: stage(stages.feedbackToClosedMs),
        },
        historyPerCase: {
          events: summarise(histories.map((h) => h.events)),
          serverHistoryBytes: summarise(histories.map((h) => h.serverBytes)),
          cliJsonBytes: summarise(histories.map((h) => h.cliJsonBytes)),
        },
        auditEventsPerCase: summarise(auditRows.map((row) => Number(row.events))),
        baseline: {
          workflow:
            "benchLifecycleMirror (bench/baseline-workflow.ts): the median case history's activities and local activities, fired timers (same durations), cancelled timers, signals and updates, with no-op bodies",
          shape,
          wallMs: mirrorStats.wallMs,
          casesPerS: mirrorStats.throughputPerS,
          perCase: { p50Ms: mirrorStats.p50Ms, p95Ms: mirrorStats.p95Ms, maxMs: mirrorStats.maxMs },
        },
      },
      /** Ours ÷ bare Temporal, each pair measured in this run (issue 11's goals in the README). */
      ratios: {
        openCaseThroughput: round(stats(apiConcurrent).throughputPerS / stats(baselineConcurrent).throughputPerS),
        openCaseP99: round(stats(baselineOpenLoop).p99Ms / stats(apiOpenLoop).p99Ms),
        lifecycleThroughput: round(lifecycleStats.throughputPerS / mirrorStats.throughputPerS),
      },
      memory: {
        maxCachedWorkflows: worker.options.maxCachedWorkflows,
        baselineWorkerMaxCachedWorkflows: baselineWorker.options.maxCachedWorkflows,
        cachedWorkflowsAfterLoad: workerStatus.numCachedWorkflows,
        note: 'atStart/afterStartup/afterLoad after a forced GC; duringLifecycle sampled every 250 ms without GC; heapUsed is the main thread only (workflows run in a worker thread, counted in RSS)',
        atStart: memoryAtStart,
        afterStartup: memoryAfterStartup,
        duringLifecycle: duringLoad,
        afterLoad: memoryAfterLoad,
        peakRssMiB: round(process.resourceUsage().maxRSS / 1024, 1),
      },
      benchWallS: 0,
    };

    await stack.stop();
    results.benchWallS = round((performance.now() - benchStarted) / 1000, 1);
    const resultsDir = join(__dirname, 'results');
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    printTable(results);
  });
}

function printTable(r: {
  machine: { cpuCount: number; node: string };
  openCase: Record<'sequential' | 'concurrent' | 'openLoop', Record<'api' | 'baseline', LatencyStats>> & { openLoop: { ratePerS: number } };
  lifecycle: {
    cases: number;
    wallMs: number;
    casesPerS: number;
    perCase: { p50Ms: number; p95Ms: number };
    historyPerCase: { events: { p50: number }; serverHistoryBytes: { p50: number }; cliJsonBytes: { p50: number } };
    baseline: { casesPerS: number; wallMs: number };
  };
  ratios: Record<string, number>;
  memory: {
    maxCachedWorkflows: number;
    atStart: MemorySample;
    afterStartup: MemorySample;
    duringLifecycle: { maxRssMiB: number; maxCachedWorkflows: number };
    afterLoad: MemorySample;
    peakRssMiB: number;
  };
  benchWallS: number;
}): void {
  const rows: string[][] = [['open case', 'api p50', 'api p95', 'api p99', 'api /s', 'base p50', 'base p95', 'base p99', 'base /s']];
  for (const mode of ['sequential', 'concurrent', 'openLoop'] as const) {
    const { api, baseline } = r.openCase[mode];
    rows.push([`${mode} (${api.count})`, ...[api, baseline].flatMap((s) => [`${s.p50Ms} ms`, `${s.p95Ms} ms`, `${s.p99Ms} ms`, `${s.throughputPerS}`])]);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const out = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')).join('\n');
  const l = r.lifecycle;
  const m = r.memory;
  console.log(
    [
      `machine: ${r.machine.cpuCount} cpu, node ${r.machine.node}`,
      out,
      `open loop at ${r.openCase.openLoop.ratePerS}/s (half the bare maximum)`,
      `lifecycle: ${l.cases} DELAYED cases to CLOSED in ${l.wallMs} ms = ${l.casesPerS} cases/s; per case p50 ${l.perCase.p50Ms} ms, p95 ${l.perCase.p95Ms} ms`,
      `lifecycle baseline (bare workflows of the same shape): ${l.baseline.casesPerS} /s in ${l.baseline.wallMs} ms`,
      `ratios (ours ÷ bare Temporal): ${Object.entries(r.ratios)
        .map(([name, value]) => `${name} ${value}`)
        .join(', ')}`,
      `history per case (p50): ${l.historyPerCase.events.p50} events, ${l.historyPerCase.serverHistoryBytes.p50} B (server), ${l.historyPerCase.cliJsonBytes.p50} B (temporal workflow show --output json)`,
      `memory (MiB, after GC; start → stack up → after load): rss ${m.atStart.rssMiB} → ${m.afterStartup.rssMiB} → ${m.afterLoad.rssMiB} (peak ${m.peakRssMiB}); heapUsed ${m.atStart.heapUsedMiB} → ${m.afterStartup.heapUsedMiB} → ${m.afterLoad.heapUsedMiB}`,
      `worker cache: maxCachedWorkflows ${m.maxCachedWorkflows}, at most ${m.duringLifecycle.maxCachedWorkflows} cached during the lifecycle`,
      `bench wall time: ${r.benchWallS} s → bench/results/latest.json`,
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
