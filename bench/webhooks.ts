import { createHash, createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { signGeneric } from '../api/webhooks/signatures';
import { DEV_WEBHOOK_SECRET } from '../config';
import { StackHarness } from '../scripts/stack/harness';
import { startInProcessStack } from '../scripts/stack/in-process-stack';
import { testPolicy } from '../fixtures/fast-policy';
import { WEBHOOK_SECRET } from '../fixtures/credentials';
import { installTemporalRuntime } from '../worker/runtime';

/**
 * `npm run bench:webhooks`: tracking webhook latency under a burst, on a stack of its own
 * (Temporal dev server, a fresh database, simulators with the OMS, one in-process worker, the API).
 *
 * Baseline (same run): BENCH_WEBHOOK_PUSHES generic pushes of plain scans (record + hold, the path
 * that existed before). Measured: the same number of provider pushes, Kuaidi100 and AfterShip mixed,
 * sent BENCH_WEBHOOK_CONCURRENCY at a time: per waybill a 揽收 and two transit scans, an exception
 * from both providers for half the waybills (→ one case each, opened by the waybill's opener), and
 * a share of resends (duplicates). Counts cases auto-opened and duplicates suppressed, and checks
 * one case per exception waybill. Writes bench/results/webhooks.json.
 */

const PUSHES = Number.parseInt(process.env.BENCH_WEBHOOK_PUSHES ?? '1000', 10);
const CONCURRENCY = Number.parseInt(process.env.BENCH_WEBHOOK_CONCURRENCY ?? '50', 10);

const log = (line: string) => process.stderr.write(`[bench:webhooks] ${line}\n`);
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

interface Push {
  provider: 'kuaidi100' | 'aftership' | 'generic';
  body: string;
  headers: Record<string, string>;
}

/** A tiny seeded PRNG (mulberry32): the same mix every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const chinaTime = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');

function kuaidi100(nu: string, state: string, context: string, atMs: number): Push {
  const param = JSON.stringify({
    status: 'polling',
    billstatus: 'check',
    message: '',
    lastResult: {
      message: 'ok',
      state,
      status: '200',
      condition: '00',
      ischeck: '0',
      com: 'shunfeng',
      nu,
      data: [{ context, time: chinaTime(atMs), ftime: chinaTime(atMs), areaName: '上海市' }],
    },
  });
  const sign = createHash('md5')
    .update(param + DEV_WEBHOOK_SECRET)
    .digest('hex')
    .toUpperCase();
  return { provider: 'kuaidi100', body: new URLSearchParams({ param, sign }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
}

function aftership(eventId: string, nu: string, tag: string, subtag: string, atMs: number): Push {
  const body = JSON.stringify({
    event: 'tracking_update',
    event_id: eventId,
    msg: {
      tracking_number: nu,
      slug: 'sf-express',
      tag,
      subtag,
      checkpoints: [{ checkpoint_time: new Date(atMs).toISOString(), message: subtag, location: '上海市', tag, subtag }],
    },
  });
  return {
    provider: 'aftership',
    body,
    headers: { 'content-type': 'application/json', 'aftership-hmac-sha256': createHmac('sha256', DEV_WEBHOOK_SECRET).update(body).digest('base64') },
  };
}

function generic(eventId: string, waybillNo: string, atMs: number): Push {
  const body = JSON.stringify({ eventId, waybillNo, carrier: 'SF', status: 'InTransit', occurredAt: new Date(atMs).toISOString(), description: '運輸中' });
  return { provider: 'generic', body, headers: { 'content-type': 'application/json', 'x-signature': signGeneric(body, WEBHOOK_SECRET) } };
}

/** The burst: plain scans, exceptions from both providers at once, and resends. */
function burst(run: string, size: number): { pushes: Push[]; exceptionWaybills: string[]; resends: number } {
  const random = prng(7);
  const waybills = Math.max(1, Math.round(size / 5));
  const now = Date.now();
  const pushes: Push[] = [];
  const exceptionWaybills: string[] = [];
  for (let i = 0; i < waybills; i += 1) {
    const nu = `SF${run}${String(i).padStart(5, '0')}`;
    pushes.push(kuaidi100(nu, '1', '順豐速運 已收取快件', now - 6 * 3_600_000));
    pushes.push(aftership(`as-${nu}-t1`, nu, 'InTransit', 'InTransit_002', now - 5 * 3_600_000));
    pushes.push(kuaidi100(nu, '0', '快件已到達 上海轉運中心', now - 2 * 3_600_000));
    if (i % 2 === 0) {
      exceptionWaybills.push(nu);
      pushes.push(aftership(`as-${nu}-x`, nu, 'Exception', 'Exception_012', now - 3_600_000));
      pushes.push(kuaidi100(nu, '209', '快件破損', now - 3_600_000));
    }
  }
  const resends = Math.max(0, size - pushes.length);
  const originals = [...pushes];
  for (let i = 0; i < resends; i += 1) pushes.push(originals[Math.floor(random() * originals.length)] as Push);
  // Shuffled, so resends and both providers' exceptions arrive interleaved.
  for (let i = pushes.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [pushes[i], pushes[j]] = [pushes[j] as Push, pushes[i] as Push];
  }
  return { pushes: pushes.slice(0, size), exceptionWaybills, resends };
}

interface Measured {
  pushes: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  statuses: Record<string, number>;
  duplicates: number;
}

async function fire(apiUrl: string, pushes: Push[]): Promise<Measured> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let duplicates = 0;
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < pushes.length) {
      const push = pushes[next++] as Push;
      const t0 = performance.now();
      const response = await fetch(`${apiUrl}/v1/webhooks/tracking/${push.provider}`, { method: 'POST', headers: push.headers, body: push.body });
      const text = await response.text();
      latencies.push(performance.now() - t0);
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      // AfterShip and generic answer {duplicate: true}; Kuaidi100 answers 成功 (重複推送).
      if (/"duplicate":true|重複推送/.test(text)) duplicates += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, pushes.length) }, lane));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return {
    pushes: pushes.length,
    seconds: round(seconds, 2),
    perSecond: round(pushes.length / seconds),
    p50Ms: at(0.5),
    p90Ms: at(0.9),
    p99Ms: at(0.99),
    maxMs: at(1),
    statuses,
    duplicates,
  };
}

async function main(): Promise<void> {
  installTemporalRuntime('ERROR');
  const stack = new StackHarness(log, (name, error) => log(`stop failed: ${name}: ${error.message}`));
  stack.stopOnSignals();
  await stack.run(async () => {
    const { db, simulators, apiUrl } = await startInProcessStack(stack, {
      database: `cases_bench_webhooks_${process.pid}`,
      taskQueue: 'cases-bench-webhooks',
      poolMax: 20,
      // Long targets: the opened cases sit open while the burst runs.
      slaPolicy: testPolicy({ delayed: { urgeIntervalMs: 3_600_000, maxUrges: 1, totalDelayMs: 86_400_000 } }),
    });

    const run = String(Date.now()).slice(-6);
    const { pushes, exceptionWaybills, resends } = burst(run, PUSHES);
    // The OMS knows three waybills in four; the rest open incomplete.
    for (const [i, nu] of exceptionWaybills.entries()) {
      if (i % 4 === 3) continue;
      const res = await fetch(`${simulators.url}/__control/oms/orders/ORD-${nu}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          waybillNo: nu,
          carrier: 'SF',
          customer: { customerId: `CUST-${nu}`, name: '王師傅汽修', phone: '13800138000' },
          store: { storeId: 'STORE-SH-01', name: '楓車汽修 徐匯店', wecomKey: 'wecom-store-sh-01' },
          items: [{ sku: 'BRAKE-PAD-01', name: '前剎車片', quantity: 2, unitPrice: 12_800 }],
        }),
      });
      if (res.status !== 200) throw new Error(`OMS seed failed: ${res.status}`);
    }

    log(`baseline: ${PUSHES} generic pushes of plain scans, ${CONCURRENCY} at a time…`);
    const now = Date.now();
    const baseline = await fire(
      apiUrl,
      Array.from({ length: PUSHES }, (_, i) => generic(`g-${run}-${i}`, `GN${run}${String(i % Math.max(1, PUSHES / 5)).padStart(5, '0')}`, now - i * 1000)),
    );
    log(`baseline p50 ${baseline.p50Ms} ms, p99 ${baseline.p99Ms} ms`);

    log(`burst: ${pushes.length} Kuaidi100 + AfterShip pushes (${resends} resends, ${exceptionWaybills.length} exception waybills)…`);
    const measured = await fire(apiUrl, pushes);
    log(`burst p50 ${measured.p50Ms} ms, p99 ${measured.p99Ms} ms, ${measured.duplicates} duplicates suppressed`);

    // Every exception waybill gets its one case (openers run after the answers).
    const deadline = Date.now() + 180_000;
    for (;;) {
      const opened = await db
        .selectFrom('cases')
        .select(['waybill_no', 'needs_completion'])
        .where('opened_from', '=', 'tracking')
        .where('version', '>', 0)
        .execute();
      if (opened.length >= exceptionWaybills.length || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const rows = await db.selectFrom('cases').select(['waybill_no', 'needs_completion']).where('opened_from', '=', 'tracking').execute();
    const perWaybill = new Map<string, number>();
    for (const row of rows) perWaybill.set(row.waybill_no, (perWaybill.get(row.waybill_no) ?? 0) + 1);
    const recorded = await db
      .selectFrom('inbound_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('provider', 'in', ['kuaidi100', 'aftership'])
      .executeTakeFirstOrThrow();

    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const out = {
      at: new Date().toISOString(),
      workload: {
        pushes: pushes.length,
        concurrency: CONCURRENCY,
        mix: 'per waybill: Kuaidi100 揽收 + AfterShip InTransit_002 + Kuaidi100 在途; every other waybill: AfterShip Exception_012 + Kuaidi100 209 (破損); the rest resends of random earlier pushes, shuffled',
        exceptionWaybills: exceptionWaybills.length,
        omsUnknownShare: 0.25,
      },
      // The load average says how shared the machine was (the results compare within one run).
      machine: { cpus: cpus().length, memoryGiB: round(totalmem() / 2 ** 30), node: process.version, loadAverage: loadavg().map((n) => round(n, 2)) },
      versions: { temporalClient: pkg.dependencies['@temporalio/client'], temporalWorker: pkg.dependencies['@temporalio/worker'] },
      baseline: { what: 'generic pushes of plain scans (record + hold)', ...baseline },
      burst: { what: 'Kuaidi100 + AfterShip, exceptions opening cases, resends', ...measured },
      ratio: { p50: round(measured.p50Ms / Math.max(0.1, baseline.p50Ms), 2), p99: round(measured.p99Ms / Math.max(0.1, baseline.p99Ms), 2) },
      outcome: {
        distinctEventsRecorded: Number(recorded.n),
        duplicatesSuppressed: measured.duplicates,
        casesAutoOpened: rows.length,
        casesIncomplete: rows.filter((row) => row.needs_completion).length,
        exceptionWaybillsWithoutCase: exceptionWaybills.filter((nu) => !perWaybill.has(nu)).length,
        waybillsWithMoreThanOneCase: [...perWaybill.values()].filter((n) => n > 1).length,
      },
      units: { latency: 'ms (client-side, per request)', throughput: 'pushes per second' },
    };
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(join(__dirname, 'results', 'webhooks.json'), `${JSON.stringify(out, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  });
}

void main().catch((error) => {
  log((error as Error).stack ?? String(error));
  process.exitCode = 1;
});
