import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { StackHarness } from '../scripts/stack/harness';
import { startInProcessStack } from '../scripts/stack/in-process-stack';
import { testPolicy } from '../fixtures/fast-policy';
import { openCaseBody } from '../fixtures/case-bodies';
import { TOKENS } from '../fixtures/credentials';
import { installTemporalRuntime } from '../worker/runtime';

/**
 * `npm run bench:incident`: how long an incident takes to reach N open cases, on a stack of its
 * own (Temporal dev server, a fresh database, simulators, one in-process case worker, the API).
 * For each size in BENCH_INCIDENT_SIZES (default "1000,10000"): open N real cases in one region
 * through the API (not timed), declare an incident over the region, and time until every case is
 * reached (`reached = N`) and until every customer was told (`notified = N`). Writes
 * bench/results/incident.json.
 */

const SIZES = (process.env.BENCH_INCIDENT_SIZES ?? '1000,10000')
  .split(',')
  .map((s) => Number.parseInt(s, 10))
  .filter((n) => n > 0);
const OPEN_CONCURRENCY = Number.parseInt(process.env.BENCH_OPEN_CONCURRENCY ?? '32', 10);

const log = (line: string) => process.stderr.write(`[bench:incident] ${line}\n`);
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

async function main(): Promise<void> {
  installTemporalRuntime('ERROR');
  const stack = new StackHarness(log, (name, error) => log(`stop failed: ${name}: ${error.message}`));
  stack.stopOnSignals();
  await stack.run(async () => {
    const { db, apiUrl } = await startInProcessStack(stack, {
      database: `cases_bench_incident_${process.pid}`,
      taskQueue: 'cases-bench-incident',
      poolMax: 20,
      // Long targets: the cases sit open while the incident reaches them.
      slaPolicy: testPolicy({ delayed: { urgeIntervalMs: 3_600_000, maxUrges: 1, totalDelayMs: 86_400_000 } }),
      tuning: { maxCachedWorkflows: 20_000 },
    });
    const call = async (role: keyof typeof TOKENS, path: string, body?: unknown) => {
      const response = await fetch(`${apiUrl}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${TOKENS[role]}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    const results = [];
    for (const [index, size] of SIZES.entries()) {
      const region = `6${String(100 + index)}`;
      log(`opening ${size} cases in region ${region}…`);
      const openStarted = performance.now();
      await pool(
        Array.from({ length: size }, (_, i) => i),
        OPEN_CONCURRENCY,
        async (i) => {
          const opened = await call('agent', '/v1/cases', openCaseBody({ region: `${region}${String(i % 100).padStart(2, '0')}` }));
          if (opened.status !== 201) throw new Error(`open: ${opened.status} ${JSON.stringify(opened.body)}`);
        },
      );
      // Every case in the read model before the incident is declared.
      for (;;) {
        const row = await db
          .selectFrom('cases')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('region', 'like', `${region}%`)
          .where('version', '>', 0)
          .executeTakeFirst();
        if (Number(row?.n) >= size) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const openSeconds = round((performance.now() - openStarted) / 1000);
      log(`${size} cases open in ${openSeconds} s; declaring the incident`);
      const t0 = performance.now();
      const declared = await call('expert', '/v1/incidents', {
        cause: 'weather',
        regions: [region],
        startsAt: new Date().toISOString(),
        expectedEndAt: new Date(Date.now() + 6 * 3_600_000).toISOString(),
        message: '暴雨红色预警，派送暂停',
      });
      if (declared.status !== 202) throw new Error(`declare: ${declared.status} ${JSON.stringify(declared.body)}`);
      const incidentId = String(declared.body.incidentId);
      let reachedSeconds: number | undefined;
      let last: Record<string, unknown>;
      for (;;) {
        last = (await call('agent', `/v1/incidents/${incidentId}`)).body;
        if (reachedSeconds === undefined && Number(last.reached) + Number(last.failed) >= size) reachedSeconds = round((performance.now() - t0) / 1000, 2);
        if (Number(last.notified) >= size) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const notifiedSeconds = round((performance.now() - t0) / 1000, 2);
      log(`${size}: reached in ${String(reachedSeconds)} s, every customer told in ${notifiedSeconds} s`);
      results.push({ cases: size, openSeconds, reachedSeconds, notifiedSeconds, casesPerSecond: round(size / notifiedSeconds), progress: last });
      await call('expert', `/v1/incidents/${incidentId}/end`, {});
    }
    const out = { at: new Date().toISOString(), cpus: cpus().length, openConcurrency: OPEN_CONCURRENCY, results };
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(join(__dirname, 'results', 'incident.json'), `${JSON.stringify(out, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  });
}

void main().catch((error) => {
  log((error as Error).stack ?? String(error));
  process.exitCode = 1;
});
