import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { listCases } from '../../store/read-model';
import type { Db } from '../../store/database';
import { openCaseBody } from '../../fixtures/case-bodies';
import { TOKENS } from '../../fixtures/credentials';
import { installTemporalRuntime } from '../../worker/runtime';
import { HANDLING_TARGET_MS, URGENT_FACTOR } from './policy';
import { cpuPercent, procCpuSeconds, procMemory } from './proc';
import { metric, scrapeMetrics, type MetricSums } from './prometheus';
import { startScaleStack, storageSizes, type ScaleStack, type TopologyName } from './stack';
import { latencyStats, round, timed } from './stats';

/**
 * `npm run bench:scale`: how many open cases one machine holds. For each topology (the Temporal
 * cluster on PostgreSQL, then the dev server on SQLite) it opens cases through the API in
 * cumulative steps (1k, 10k, 100k open cases), each left idling with its SLA timers pending, and
 * per step records: opens/s, the worker process's RSS and CPU while the cases idle, the sticky
 * cache's hit rate, the breached list's latency through the API, the visibility query for
 * `SlaBreached = true`, and the databases' sizes. Results are written after every step to
 * bench/results/scale.json (a topology not run this time keeps its earlier figures).
 *
 * Settings (environment): BENCH_SCALE_STEPS=1000,10000,100000  BENCH_SCALE_TOPOLOGIES=cluster,dev
 * BENCH_SCALE_RESULTS=<file>  BENCH_SCALE_CONCURRENCY=32  BENCH_SCALE_IDLE_S=30  BENCH_SCALE_URGENT_EVERY=20 (1 case in 20
 * is urgent and breaches)  BENCH_SCALE_STEP_MAX_MINUTES=40 (a step stops opening after this long
 * and is measured at what it reached)  BENCH_SCALE_CHUNK=2000 (opens between waits for the worker to
 * catch up)  BENCH_SCALE_SETTLE_TIMEOUT_S=900. WORKER_* settings are passed to the worker.
 */

function intList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return fallback;
  const values = raw.split(',').map((part) => Number.parseInt(part.trim(), 10));
  if (values.some((value) => !Number.isInteger(value) || value < 1)) throw new Error(`${name} must be positive integers separated by commas, got ${raw}`);
  return values;
}

function intEnv(name: string, fallback: number): number {
  return intList(name, [fallback])[0] as number;
}

function topologies(): TopologyName[] {
  const raw = (process.env.BENCH_SCALE_TOPOLOGIES ?? 'cluster,dev').split(',').map((part) => part.trim());
  for (const name of raw) if (name !== 'cluster' && name !== 'dev') throw new Error(`BENCH_SCALE_TOPOLOGIES: unknown topology ${name} (cluster, dev)`);
  return raw as TopologyName[];
}

const PARAMS = {
  steps: intList('BENCH_SCALE_STEPS', [1_000, 10_000, 100_000]).sort((a, b) => a - b),
  topologies: topologies(),
  concurrency: intEnv('BENCH_SCALE_CONCURRENCY', 32),
  idleWindowS: intEnv('BENCH_SCALE_IDLE_S', 30),
  urgentEvery: intEnv('BENCH_SCALE_URGENT_EVERY', 20),
  stepMaxMinutes: intEnv('BENCH_SCALE_STEP_MAX_MINUTES', 40),
  chunk: intEnv('BENCH_SCALE_CHUNK', 2_000),
  breachedListRequests: 200,
  visibilityQueries: 50,
  settleTimeoutS: intEnv('BENCH_SCALE_SETTLE_TIMEOUT_S', 900),
};

/** The API's default page size of GET /v1/cases, which the breached list is asked with. */
const BREACHED_PAGE = 20;

const RESULTS_FILE = process.env.BENCH_SCALE_RESULTS ?? join(__dirname, '..', 'results', 'scale.json');

function log(line: string): void {
  process.stderr.write(`[scale ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

// --- one step --------------------------------------------------------------------------------

interface Counts {
  total: number;
  stillOpen: number;
  breached: number;
}

async function readModelCounts(stack: ScaleStack): Promise<Counts> {
  const row = await sql<{ total: string; still_open: string; breached: string }>`
    select count(*)::text as total,
           count(*) filter (where status = 'OPEN')::text as still_open,
           count(*) filter (where sla_breached)::text as breached
    from cases`.execute(stack.db);
  const first = row.rows[0];
  return { total: Number(first?.total), stillOpen: Number(first?.still_open), breached: Number(first?.breached) };
}

/** Waits until `done(counts)` or the time-out; returns how long it took (ms) and the last counts. */
async function waitFor(stack: ScaleStack, done: (counts: Counts) => boolean, timeoutMs: number): Promise<{ ms: number; reached: boolean; counts: Counts }> {
  const started = performance.now();
  for (;;) {
    const counts = await readModelCounts(stack);
    if (done(counts)) return { ms: round(performance.now() - started, 0), reached: true, counts };
    if (performance.now() - started > timeoutMs) return { ms: round(performance.now() - started, 0), reached: false, counts };
    await sleep(1_000);
  }
}

/** The exporter serves a counter only once it has counted something: absent means 0. */
function workerMetrics(sums: MetricSums) {
  return {
    hits: metric(sums, 'temporal_sticky_cache_hit_total', 'temporal_sticky_cache_hit') ?? 0,
    misses: metric(sums, 'temporal_sticky_cache_miss_total', 'temporal_sticky_cache_miss') ?? 0,
    size: metric(sums, 'temporal_sticky_cache_size') ?? 0,
    forcedEvictions: metric(sums, 'temporal_sticky_cache_total_forced_eviction_total', 'temporal_sticky_cache_total_forced_eviction') ?? 0,
    // Workflow tasks the worker completed, and their schedule-to-start time (s): how far it lags behind.
    workflowTasks: metric(sums, 'temporal_workflow_task_execution_latency_count') ?? 0,
    workflowScheduleToStartS: metric(sums, 'temporal_workflow_task_schedule_to_start_latency_sum') ?? 0,
    workflowScheduleToStartCount: metric(sums, 'temporal_workflow_task_schedule_to_start_latency_count') ?? 0,
    workflowTaskExecutionS: metric(sums, 'temporal_workflow_task_execution_latency_sum') ?? 0,
    respondWorkflowTaskS: metric(sums, 'temporal_request_latency_sum|RespondWorkflowTaskCompleted') ?? 0,
    respondWorkflowTaskCount: metric(sums, 'temporal_request_latency_count|RespondWorkflowTaskCompleted') ?? 0,
  };
}

/** Histories of a few open cases: each must have had workflow tasks completed by the worker and a timer still pending. */
async function verifyRunning(stack: ScaleStack, caseIds: string[]) {
  const sample = caseIds.filter((_, index) => index % Math.max(1, Math.floor(caseIds.length / 10)) === 0).slice(0, 10);
  let running = 0;
  let withPendingTimer = 0;
  const workerIdentities = new Set<string>();
  for (const caseId of sample) {
    const handle = stack.client.workflow.getHandle(caseId);
    const description = await handle.describe();
    if (description.status.name === 'RUNNING') running += 1;
    const events = (await handle.fetchHistory()).events ?? [];
    let started = 0;
    let ended = 0;
    for (const event of events) {
      if (event.timerStartedEventAttributes) started += 1;
      if (event.timerFiredEventAttributes || event.timerCanceledEventAttributes) ended += 1;
      const identity = event.workflowTaskCompletedEventAttributes?.identity;
      if (identity) workerIdentities.add(identity);
    }
    if (started > ended) withPendingTimer += 1;
  }
  return { sampled: sample.length, running, withPendingTimer, workerIdentities: [...workerIdentities] };
}

const BREACHED_INDEX = 'cases_breached_opened_at';

/**
 * The read model's breached-list query alone (store/read-model.ts listCases, as the API calls it),
 * timed with the partial index of migration 0040 and without it: the second series runs in a
 * transaction that drops the index and is rolled back, so both see the same rows. The drop holds
 * the `cases` table for a second or two; nothing else is measured meanwhile.
 */
async function breachedQueryWithAndWithoutIndex(stack: ScaleStack, runs: number) {
  const query = () => listCases(stack.db, { breached: true, limit: BREACHED_PAGE });
  const timeQueries = async (db: Db) => {
    const samples: number[] = [];
    for (let i = 0; i < runs + 5; i++) {
      const t0 = performance.now();
      await listCases(db, { breached: true, limit: BREACHED_PAGE });
      if (i >= 5) samples.push(performance.now() - t0);
    }
    return latencyStats(samples);
  };
  const present = await sql<{ found: number }>`select 1 as found from pg_indexes where indexname = ${BREACHED_INDEX}`.execute(stack.db);
  await query();
  const withIndex = present.rows.length ? await timeQueries(stack.db) : undefined;
  let withoutIndex: ReturnType<typeof latencyStats> | undefined;
  const rollback = new Error('rollback');
  await stack.db
    .transaction()
    .execute(async (trx) => {
      await sql`drop index if exists ${sql.id(BREACHED_INDEX)}`.execute(trx);
      withoutIndex = await timeQueries(trx);
      throw rollback;
    })
    .catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
  return { pageSize: BREACHED_PAGE, ...(withIndex ? { withPartialIndex: withIndex } : {}), withoutPartialIndex: withoutIndex };
}

interface StepContext {
  stack: ScaleStack;
  openedIds: string[];
  urgentOpened: number;
  waybillSeq: number;
}

async function runStep(context: StepContext, target: number) {
  const { stack } = context;
  const toOpen = target - context.openedIds.length;
  const pid = stack.workerPid;
  log(`${stack.topology}: opening ${toOpen} cases (to ${target} open), ${PARAMS.concurrency} in flight`);

  const metricsBefore = await scrapeMetrics(stack.workerMetricsUrl);
  const cpuBefore = procCpuSeconds(pid);
  let maxRssDuringOpens = 0;
  const sampler = setInterval(() => {
    maxRssDuringOpens = Math.max(maxRssDuringOpens, procMemory(pid).rssMiB);
  }, 1_000);
  const stopAt = Date.now() + PARAMS.stepMaxMinutes * 60_000;
  let progressAt = Date.now();
  const openOne = async () => {
    const seq = ++context.waybillSeq;
    const urgent = seq % PARAMS.urgentEvery === 0;
    const body = openCaseBody({
      // Unique across runs and steps: the one-open-case-per-waybill rule must never answer 409.
      waybillNo: `SC${process.pid}${String(seq).padStart(7, '0')}`,
      priority: urgent ? 'urgent' : 'normal',
    });
    const response = await fetch(`${stack.apiUrl}/v1/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.agent}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as { caseId?: string };
    if (response.status !== 201 || !answer.caseId) throw new Error(`open case: ${response.status} ${JSON.stringify(answer).slice(0, 300)}`);
    context.openedIds.push(answer.caseId);
    if (urgent) context.urgentOpened += 1;
    if (Date.now() - progressAt > 30_000) {
      progressAt = Date.now();
      log(`${stack.topology}: ${context.openedIds.length} open, worker RSS ${procMemory(pid).rssMiB} MiB`);
    }
  };

  // Opens go in chunks, each left to settle (every case past its first workflow tasks: the read
  // model leaves OPEN) before the next: the API starts a workflow without waiting for the worker,
  // so without this back-pressure the step would measure a backlog instead of open cases at rest.
  const samples: number[] = [];
  let failures = 0;
  let firstError: string | undefined;
  let opensWallMs = 0;
  let settleMs = 0;
  let settled = true;
  let stillOpen = 0;
  while (context.openedIds.length < target && Date.now() < stopAt) {
    const chunk = Math.min(PARAMS.chunk, target - context.openedIds.length);
    const run = await timed(chunk, PARAMS.concurrency, openOne, stopAt);
    samples.push(...run.samples);
    failures += run.failures;
    firstError ??= run.firstError;
    opensWallMs += run.wallMs;
    log(
      `${stack.topology}: ${run.samples.length} opened in ${round(run.wallMs / 1000, 1)} s (${run.failures} failed${run.firstError ? `: ${run.firstError}` : ''})`,
    );
    const settle = await waitFor(stack, (counts) => counts.stillOpen === 0, PARAMS.settleTimeoutS * 1000);
    settleMs += settle.ms;
    log(`${stack.topology}: ${settle.counts.total} open cases settled after ${round(settle.ms / 1000, 1)} s (${settle.counts.stillOpen} still OPEN)`);
    if (!settle.reached) {
      settled = false;
      stillOpen = settle.counts.stillOpen;
      break;
    }
    if (!run.samples.length) break;
  }
  const cpuAfterOpens = procCpuSeconds(pid);
  clearInterval(sampler);
  const cacheAfterOpens = workerMetrics(await scrapeMetrics(stack.workerMetricsUrl));
  const opening = { samples, failures, firstError };
  const breachWait = await waitFor(stack, (counts) => counts.breached >= context.urgentOpened, 300_000);
  log(`${stack.topology}: ${breachWait.counts.breached} of ${context.urgentOpened} urgent cases breached`);

  // Idle: nothing but the pending timers; the worker's CPU over the window and its RSS at the end.
  const idleCpu0 = procCpuSeconds(pid);
  const idle0 = performance.now();
  await sleep(PARAMS.idleWindowS * 1000);
  const idleCpuPercent = cpuPercent(idleCpu0, procCpuSeconds(pid), performance.now() - idle0);
  const memoryIdle = procMemory(pid);
  const metricsAfter = await scrapeMetrics(stack.workerMetricsUrl);
  const cacheBefore = workerMetrics(metricsBefore);
  const cacheAfter = workerMetrics(metricsAfter);
  const hits = cacheAfter.hits - cacheBefore.hits;
  const misses = cacheAfter.misses - cacheBefore.misses;
  const tasksDuringStep = cacheAfter.workflowTasks - cacheBefore.workflowTasks;

  // The breached list through the API, as a supervisor's screen asks for it.
  const listOnce = async () => {
    const response = await fetch(`${stack.apiUrl}/v1/cases?breached=true`, { headers: { authorization: `Bearer ${TOKENS.supervisor}` } });
    if (response.status !== 200) throw new Error(`breached list: ${response.status} ${(await response.text()).slice(0, 300)}`);
    await response.json();
  };
  await timed(10, 1, listOnce);
  const breachedList = await timed(PARAMS.breachedListRequests, 1, listOnce);
  const firstPage = (await (await fetch(`${stack.apiUrl}/v1/cases?breached=true`, { headers: { authorization: `Bearer ${TOKENS.supervisor}` } })).json()) as {
    items: unknown[];
  };

  const breachedQuery = await breachedQueryWithAndWithoutIndex(stack, PARAMS.breachedListRequests);

  // Temporal visibility: count, and the first page of the list, of SlaBreached = true.
  const query = 'SlaBreached = true';
  let visibleBreached = Number.NaN;
  const visibilityCount = await timed(PARAMS.visibilityQueries, 1, async () => {
    visibleBreached = (await stack.client.workflow.count(query)).count;
  });
  const visibilityList = await timed(PARAMS.visibilityQueries, 1, async () => {
    let seen = 0;
    for await (const _ of stack.client.workflow.list({ query, pageSize: 50 })) if (++seen >= 50) break;
  });
  const runningCount = (await stack.client.workflow.count('ExecutionStatus = "Running"')).count;

  const verified = await verifyRunning(stack, context.openedIds);
  const sizes = await storageSizes(stack);
  const counts = await readModelCounts(stack);
  const opened = context.openedIds.length;
  return {
    openCases: opened,
    target,
    reachedTarget: opened >= target,
    open: {
      requested: toOpen,
      opened: opening.samples.length,
      failed: opening.failures,
      ...(opening.firstError ? { firstError: opening.firstError } : {}),
      cutShortByTimeBudget: context.openedIds.length < target && settled,
      wallS: round(opensWallMs / 1000, 1),
      opensPerS: round((opening.samples.length / opensWallMs) * 1000, 1),
      latency: latencyStats(opening.samples),
      workerCpuPercentWhileOpeningAndSettling: cpuPercent(cpuBefore, cpuAfterOpens, opensWallMs + settleMs),
      workerMaxRssMiBDuringOpens: maxRssDuringOpens,
      settleWaitS: round(settleMs / 1000, 1),
      settled,
      ...(settled ? {} : { stillOpenAtTimeout: stillOpen }),
      // The throughput that counts: cases opened and past their first workflow tasks per second.
      settledCasesPerS: round(opening.samples.length / ((opensWallMs + settleMs) / 1000), 1),
      workflowTasksThisStep: cacheAfterOpens.workflowTasks - cacheBefore.workflowTasks,
      // Where a workflow task's time goes: running it in the worker, and the server accepting its result.
      workflowTaskExecutionMeanMs: round(
        ((cacheAfterOpens.workflowTaskExecutionS - cacheBefore.workflowTaskExecutionS) * 1000) /
          Math.max(1, cacheAfterOpens.workflowTasks - cacheBefore.workflowTasks),
        1,
      ),
      respondWorkflowTaskCompletedMeanMs: round(
        ((cacheAfterOpens.respondWorkflowTaskS - cacheBefore.respondWorkflowTaskS) * 1000) /
          Math.max(1, cacheAfterOpens.respondWorkflowTaskCount - cacheBefore.respondWorkflowTaskCount),
        1,
      ),
      workflowTaskScheduleToStartMeanMs: round(
        ((cacheAfterOpens.workflowScheduleToStartS - cacheBefore.workflowScheduleToStartS) * 1000) /
          Math.max(1, cacheAfterOpens.workflowScheduleToStartCount - cacheBefore.workflowScheduleToStartCount),
        1,
      ),
    },
    idle: {
      windowS: PARAMS.idleWindowS,
      workerRssMiB: memoryIdle.rssMiB,
      workerPeakRssMiB: memoryIdle.peakRssMiB,
      workerCpuPercent: idleCpuPercent,
      workerRssMiBBeforeCases: stack.workerRssAtStartMiB,
      rssKiBPerOpenCaseAboveStart: round(((memoryIdle.rssMiB - stack.workerRssAtStartMiB) * 1024) / opened, 2),
    },
    stickyCache: {
      hitsThisStep: hits,
      missesThisStep: misses,
      // The SDK's own ratio: a miss is a task sent to this worker's sticky queue for a run it no longer has.
      hitRate: hits + misses > 0 ? round(hits / (hits + misses), 4) : null,
      // Stricter: of the workflow tasks that could have been served from the cache (all but each
      // new case's first), the share that was. A run evicted to make room (forcedEvictions) comes
      // back through the normal queue with its whole history and is replayed: that is no "miss".
      workflowTasks: tasksDuringStep,
      hitRateOfTasksAfterTheFirst: tasksDuringStep > opening.samples.length ? round(Math.min(1, hits / (tasksDuringStep - opening.samples.length)), 4) : null,
      cachedWorkflows: cacheAfter.size,
      forcedEvictionsThisStep: cacheAfter.forcedEvictions - cacheBefore.forcedEvictions,
    },
    breachedList: {
      request: 'GET /v1/cases?breached=true (first page), sequential',
      breachedCases: counts.breached,
      breachedShare: round(counts.breached / Math.max(1, counts.total), 4),
      urgentOpened: context.urgentOpened,
      itemsOnPage: firstPage.items.length,
      latency: latencyStats(breachedList.samples),
      // The SQL alone, same rows, with and without migration 0040's partial index.
      query: breachedQuery,
    },
    visibility: {
      query,
      count: visibleBreached,
      countLatency: latencyStats(visibilityCount.samples),
      listFirst50Latency: latencyStats(visibilityList.samples),
      runningWorkflows: runningCount,
    },
    storage: {
      ...sizes,
      readModelKiBPerCase: round(((sizes.readModelPgMiB ?? 0) * 1024) / opened, 2),
      ...(sizes.temporalPgMiB !== undefined
        ? { temporalKiBPerCase: round(((sizes.temporalPgMiB + (sizes.temporalVisibilityPgMiB ?? 0)) * 1024) / opened, 2) }
        : {}),
      ...(sizes.temporalSqliteMiB !== undefined ? { temporalSqliteKiBPerCase: round((sizes.temporalSqliteMiB * 1024) / opened, 2) } : {}),
    },
    verified,
    loadAverage1m: round(loadavg()[0] ?? Number.NaN),
    at: new Date().toISOString(),
  };
}

// --- the run ---------------------------------------------------------------------------------

type StepResult = Awaited<ReturnType<typeof runStep>>;

interface TopologyResult {
  at: string;
  temporal: string;
  workerSettings: ScaleStack['workerSettings'];
  steps: StepResult[];
  stoppedBecause?: string;
}

function machine() {
  return {
    cpuCount: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    totalMemoryMiB: Math.round(totalmem() / 1024 / 1024),
    platform: `${platform()} ${arch()}`,
    node: process.version,
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- package.json is outside the SDK's import map
    temporalSdk: (require('@temporalio/worker/package.json') as { version: string }).version,
    noise: 'a 2-core machine shared with other sessions (their tests, builds and benches): figures carry that noise; loadAverage1m is recorded per step',
  };
}

function readPrevious(): Partial<Record<TopologyName, TopologyResult>> {
  if (!existsSync(RESULTS_FILE)) return {};
  try {
    return (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as { topologies?: Partial<Record<TopologyName, TopologyResult>> }).topologies ?? {};
  } catch {
    return {};
  }
}

function writeResults(results: Partial<Record<TopologyName, TopologyResult>>): void {
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  const document = {
    benchmark: 'case-orchestrator scale',
    at: new Date().toISOString(),
    machine: machine(),
    parameters: {
      ...PARAMS,
      cumulative: 'cases opened in a step stay open for the next',
      workload: `DELAYED cases opened through POST /v1/cases; 1 in ${PARAMS.urgentEvery} urgent`,
      slaPolicy: `bench/scale/policy.ts: every clock and follow-up hours to days long (timers stay pending); urgent cases' clocks × ${URGENT_FACTOR}, so their handling clock (${HANDLING_TARGET_MS / 3_600_000} h) breaches about ${Math.round(HANDLING_TARGET_MS * URGENT_FACTOR) / 1000} s after it starts: real breaches, written by the workflow`,
      processes:
        'worker: worker/main.ts in a node process of its own (RSS and CPU from /proc/<pid>); API, simulators and load generator in the bench process; Temporal server and PostgreSQL separate processes on the same machine',
      cacheHitRate: "from the worker's SDK metrics: temporal_sticky_cache_hit / (hit + miss) over the step (opens, settling, idle)",
    },
    topologies: results,
  };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(document, null, 2)}\n`);
}

async function runTopology(topology: TopologyName, results: Partial<Record<TopologyName, TopologyResult>>): Promise<void> {
  const stack = await startScaleStack(topology, log);
  // Ctrl-C stops the stack once; the step under way then fails, and the run waits for the same stop
  // (the databases dropped, the servers down) before the process exits.
  let stopping: Promise<void> | undefined;
  const onSignal = () => {
    if (stopping) return;
    log('interrupted: stopping the stack');
    stopping = stack.stop();
    void stopping.finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const result: TopologyResult = {
    at: new Date().toISOString(),
    temporal:
      topology === 'cluster'
        ? 'Temporal server 1.29.1, PostgreSQL persistence + visibility, 4 history shards'
        : 'Temporal CLI dev server (SQLite file, 1 shard)',
    workerSettings: stack.workerSettings,
    steps: [],
  };
  results[topology] = result;
  const context: StepContext = { stack, openedIds: [], urgentOpened: 0, waybillSeq: 0 };
  try {
    for (const target of PARAMS.steps) {
      try {
        const step = await runStep(context, target);
        result.steps.push(step);
        writeResults(results);
        log(
          `${topology} @ ${step.openCases}: ${step.open.opensPerS} opens/s, worker RSS ${step.idle.workerRssMiB} MiB, idle CPU ${step.idle.workerCpuPercent} %, cache hit ${step.stickyCache.hitRate}, breached list p99 ${step.breachedList.latency.p99Ms} ms, visibility count p99 ${step.visibility.countLatency.p99Ms} ms`,
        );
        if (!step.reachedTarget) {
          result.stoppedBecause = `step ${target} reached ${step.openCases} open cases within its ${PARAMS.stepMaxMinutes} min budget`;
          break;
        }
        if (stack.worker.exited()) {
          result.stoppedBecause = `the worker ${stack.worker.exited() ?? ''}: ${stack.worker.tail().slice(-1_000)}`;
          break;
        }
      } catch (error) {
        const workerExit = stack.worker.exited();
        result.stoppedBecause = `step ${target} failed: ${(error as Error).message}${workerExit ? ` (the worker ${workerExit}: ${stack.worker.tail().slice(-1_000)})` : ''}`;
        log(result.stoppedBecause);
        break;
      }
    }
  } finally {
    writeResults(results);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await (stopping ?? stack.stop());
  }
}

/** The README's scale table (Markdown), one row per step and topology; `--table` prints it from the results file. */
function printTable(results: Partial<Record<TopologyName, TopologyResult>>): void {
  const header = [
    'topology',
    'open cases',
    'opens/s (API)',
    'settled cases/s',
    'worker RSS idle',
    'worker CPU idle',
    'cache hits (SDK · later tasks)',
    'forced evictions',
    'breached list p50 / p99',
    'breached SQL p99 with / without index',
    'visibility count p99 · list p99',
    'read model PG',
    'Temporal store',
    'load avg',
  ];
  const rows = [header, header.map(() => '---')];
  const ms = (value: number | undefined) => (value === undefined ? '–' : `${value} ms`);
  for (const [topology, result] of Object.entries(results)) {
    for (const step of result.steps) {
      const cache = step.stickyCache as { hitRate: number | null; hitRateOfTasksAfterTheFirst?: number | null; forcedEvictionsThisStep: number };
      const query = step.breachedList.query as { withPartialIndex?: { p99Ms: number }; withoutPartialIndex?: { p99Ms: number } } | undefined;
      const storage = step.storage as Record<string, number | undefined>;
      rows.push([
        topology,
        `${step.openCases.toLocaleString('en')}${step.reachedTarget ? '' : ` of ${step.target.toLocaleString('en')}`}`,
        String(step.open.opensPerS),
        String(step.open.settledCasesPerS),
        `${step.idle.workerRssMiB} MiB`,
        `${step.idle.workerCpuPercent} %`,
        `${cache.hitRate ?? '–'} · ${cache.hitRateOfTasksAfterTheFirst ?? '–'}`,
        String(cache.forcedEvictionsThisStep),
        `${ms(step.breachedList.latency.p50Ms)} / ${ms(step.breachedList.latency.p99Ms)}`,
        `${ms(query?.withPartialIndex?.p99Ms)} / ${ms(query?.withoutPartialIndex?.p99Ms)}`,
        `${ms(step.visibility.countLatency.p99Ms)} · ${ms(step.visibility.listFirst50Latency.p99Ms)}`,
        `${storage.readModelPgMiB} MiB`,
        storage.temporalPgMiB !== undefined
          ? `${storage.temporalPgMiB} + ${storage.temporalVisibilityPgMiB} MiB (PG)`
          : `${storage.temporalSqliteMiB} MiB (SQLite)`,
        String(step.loadAverage1m),
      ]);
    }
  }
  console.log(rows.map((row) => `| ${row.join(' | ')} |`).join('\n'));
}

async function main(): Promise<void> {
  if (process.argv.includes('--table')) return printTable(readPrevious());
  installTemporalRuntime('ERROR');
  const results = readPrevious();
  for (const topology of PARAMS.topologies) await runTopology(topology, results);
  printTable(results);
  log(`results in ${RESULTS_FILE}`);
}

// Exits once done: the Temporal runtime's native threads would otherwise keep the process alive.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
