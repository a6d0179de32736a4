import { Router, type Request, type RequestHandler, type Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../store/database';
import { countTrailEvents, type TrailEventCount } from '../store/trail-counts';
import type { Logger } from './logging';
import { routeTemplate } from './logging';

/**
 * `/metrics` in the Prometheus text format (prom-client).
 *
 * - HTTP: `http_request_duration_seconds{method,route,status_code}`, by route template
 *   (`/v1/cases/:caseId`), never the raw path, so case ids do not become series.
 * - Webhooks: `webhook_requests_total{provider,outcome}`, counted where the push is answered.
 * - Cases: opened and closed by type, SLA warnings and breaches by clock, escalations by tier,
 *   notifications by channel and outcome. **Read from the audit trail at scrape time**, not
 *   incremented in code. Why: each of these is an audit event (`case.opened`, `sla.breached`,
 *   `notification.sent`, …) written exactly once per case by persistCase (retried activities skip
 *   seqs already stored, replays write nothing), so counting rows is counting once by construction
 *   — an in-process counter in the workflow would count replays, one in the activity would count
 *   retries unless it watched the insert, and either would live in whichever worker process ran
 *   the activity and reset when it restarts. Counted from the trail, every API instance reports
 *   the same totals whatever the topology; aggregate them with `max` (not `sum`) across API
 *   replicas. The read is one grouped query over the trail (a scan of
 *   case_events by kind), cached METRICS_CACHE_MS.
 * - Stuck cases: `cases_stuck{reason}` (`workflow-task-failing`, `overdue`), from the stuck-cases
 *   sweep (api/stuck-cases/) at scrape time, one sweep reused for STUCK_CASES_CACHE_MS;
 *   `cases_stuck_sweep_ok` says whether the last sweep worked. deploy/prometheus/alerts.yml
 *   alerts on both (docs/stuck-cases.md).
 * - The Temporal SDK's own worker metrics, appended from the runtime's Prometheus endpoint when
 *   TEMPORAL_METRICS_ADDRESS is set (worker/runtime.ts); `temporal_sdk_metrics_up` says whether
 *   that read worked.
 */

export interface MetricsOptions {
  db: Db;
  logger: Logger;
  /** Reuse the read-model counts this long between scrapes (ms). */
  cacheMs: number;
  /** The stuck-cases counts by reason (api/stuck-cases/stuck-cases.ts); absent, no `cases_stuck` gauge. */
  stuckCases?: () => Promise<Record<string, number>>;
  /** host:port of the Temporal runtime's Prometheus endpoint, appended to every scrape. */
  temporalMetricsAddress?: string;
}

type WebhookOutcome = 'delivered' | 'held' | 'duplicate' | 'bad_signature' | 'invalid' | 'refused' | 'rate_limited' | 'failed';

export interface ApiMetrics {
  registry: Registry;
  /** Times every request; mount first so refusals (401, 429) are timed too. */
  httpMetrics: RequestHandler;
  /** Counts each webhook answer by provider and outcome; mount on /v1/webhooks. */
  webhookMetrics: RequestHandler;
  router: Router;
}

/** The audit kinds counted, and the metric each feeds. */
const COUNTED_KINDS = [
  'case.opened',
  'case.closed',
  'case.cancelled',
  'sla.warning',
  'sla.breached',
  'case.escalated',
  'notification.sent',
  'notification.failed',
  'notification.withdrawn',
] as const;

export function createMetrics(options: MetricsOptions): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const webhooks = new Counter({
    name: 'webhook_requests_total',
    help: 'Inbound webhook pushes by provider and outcome',
    labelNames: ['provider', 'outcome'] as const,
    registers: [registry],
  });

  const counts = readModelCounts(options);
  const fromTrail = <L extends string>(name: string, help: string, labelNames: readonly L[], pick: (row: TrailEventCount) => Record<L, string> | undefined) =>
    new Counter<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      // Set from the trail on every scrape: reset, then add the trail's all-time totals (the trail only
      // grows, so the counter only goes up between scrapes and rate() sees the true increase).
      async collect() {
        const rows = await counts();
        this.reset();
        for (const row of rows) {
          const labels = pick(row);
          if (labels) this.inc(labels, row.n);
        }
      },
    });
  fromTrail('cases_opened_total', 'Cases opened, by the exception type they were opened as', ['type'], (row) =>
    row.kind === 'case.opened' ? { type: row.type ?? 'unknown' } : undefined,
  );
  fromTrail('cases_closed_total', 'Cases finished, by type and outcome (closed after feedback, or cancelled)', ['type', 'outcome'], (row) =>
    row.kind === 'case.closed' || row.kind === 'case.cancelled'
      ? { type: row.type ?? 'unknown', outcome: row.kind === 'case.closed' ? 'closed' : 'cancelled' }
      : undefined,
  );
  fromTrail('sla_warnings_total', 'SLA warnings, by clock', ['clock'], (row) => (row.kind === 'sla.warning' ? { clock: row.clock ?? 'unknown' } : undefined));
  fromTrail('sla_breaches_total', 'SLA breaches, by clock', ['clock'], (row) => (row.kind === 'sla.breached' ? { clock: row.clock ?? 'unknown' } : undefined));
  fromTrail('case_escalations_total', 'Escalations, by the tier reached', ['tier'], (row) =>
    row.kind === 'case.escalated' ? { tier: row.tier ?? 'unknown' } : undefined,
  );
  fromTrail('notifications_total', 'Customer and staff notifications, by channel and outcome', ['channel', 'outcome'], (row) =>
    row.kind.startsWith('notification.') ? { channel: row.channel ?? 'unknown', outcome: row.kind.slice('notification.'.length) } : undefined,
  );
  const readOk = new Gauge({
    name: 'case_metrics_read_ok',
    help: '1 when the last read of the case counters from the read model worked, else 0 (the counters keep their last values)',
    registers: [registry],
  });
  counts.onResult = (ok) => readOk.set(ok ? 1 : 0);

  if (options.stuckCases) registerStuckCaseGauges(registry, options.stuckCases, options.logger);

  const sdkUp = options.temporalMetricsAddress
    ? new Gauge({ name: 'temporal_sdk_metrics_up', help: '1 when the Temporal SDK metrics endpoint answered this scrape', registers: [registry] })
    : undefined;

  const httpMetrics: RequestHandler = (req, res, next) => {
    const end = httpDuration.startTimer();
    res.once('finish', () => end({ method: req.method, route: routeTemplate(req), status_code: String(res.statusCode) }));
    next();
  };

  const webhookMetrics: RequestHandler = (req, res, next) => {
    res.once('finish', () => {
      const provider = /^\/tracking\/([a-z0-9]+)/.exec(req.path)?.[1] ?? (req.path.startsWith('/supplier/') ? 'supplier' : 'unknown');
      webhooks.inc({ provider: provider.slice(0, 32), outcome: webhookOutcome(res) });
    });
    next();
  };

  const router = Router();
  router.get('/metrics', async (_req: Request, res: Response) => {
    // The SDK's endpoint first, so this scrape's temporal_sdk_metrics_up says how that went.
    const sdk = options.temporalMetricsAddress ? await scrapeSdk(options.temporalMetricsAddress, options.logger) : undefined;
    sdkUp?.set(sdk === undefined ? 0 : 1);
    const own = await registry.metrics();
    res.set('content-type', registry.contentType).set('cache-control', 'no-store');
    res.send(sdk ? `${own}\n${sdk}` : own);
  });

  return { registry, httpMetrics, webhookMetrics, router };
}

/**
 * A scrape waits this long for the stuck-cases sweep (Prometheus gives up on a scrape after 10 s
 * by default). While Temporal is down the client retries for longer than that; the scrape then
 * answers with the last counts and `cases_stuck_sweep_ok 0`, and the sweep's result, when it
 * comes, serves the next scrape.
 */
const STUCK_SWEEP_SCRAPE_TIMEOUT_MS = 5_000;

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `cases_stuck{reason}` and `cases_stuck_sweep_ok`. A scrape collects every metric at once, so
 * both gauges await the same read: the sweep flag then always describes the counts beside it.
 */
function registerStuckCaseGauges(registry: Registry, read: () => Promise<Record<string, number>>, logger: Logger): void {
  let inFlight: Promise<Record<string, number> | undefined> | undefined;
  const sweep = () =>
    (inFlight ??= withTimeout(read(), STUCK_SWEEP_SCRAPE_TIMEOUT_MS, 'the stuck-cases sweep took too long for a scrape')
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'stuck cases: the sweep failed; keeping the last counts');
        return undefined;
      })
      .finally(() => {
        inFlight = undefined;
      }));
  new Gauge({
    name: 'cases_stuck_sweep_ok',
    help: '1 when the last stuck-cases sweep (Temporal and the read model) worked, else 0 (cases_stuck keeps its last values)',
    registers: [registry],
    async collect() {
      this.set((await sweep()) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'cases_stuck',
    help: 'Open cases stuck now, by reason: workflow-task-failing (a workflow task failed or timed out again and again) or overdue (past its own deadline with no write)',
    labelNames: ['reason'] as const,
    registers: [registry],
    async collect() {
      const counts = await sweep();
      if (counts) for (const [reason, count] of Object.entries(counts)) this.set({ reason }, count);
    },
  });
}

/** The outcome of a webhook answer: the route's own word (res.locals) or the status class. */
function webhookOutcome(res: Response): WebhookOutcome {
  const told = res.locals.webhookOutcome as WebhookOutcome | undefined;
  if (res.statusCode < 300 && told) return told;
  if (res.statusCode < 300) return 'delivered';
  if (res.statusCode === 401) return 'bad_signature';
  if (res.statusCode === 400 || res.statusCode === 413 || res.statusCode === 415) return 'invalid';
  if (res.statusCode === 429) return 'rate_limited';
  if (res.statusCode < 500) return 'refused';
  return 'failed';
}

type Counts = (() => Promise<TrailEventCount[]>) & { onResult?: (ok: boolean) => void };

/** The grouped counts, cached `cacheMs`; concurrent scrapes share one query; a failed read keeps the last rows. */
function readModelCounts({ db, cacheMs, logger }: MetricsOptions): Counts {
  let last: TrailEventCount[] = [];
  let readAt = 0;
  let inFlight: Promise<TrailEventCount[]> | undefined;
  const counts: Counts = async () => {
    if (Date.now() - readAt < cacheMs) return last;
    inFlight ??= (async () => {
      try {
        last = await countTrailEvents(db, COUNTED_KINDS);
        readAt = Date.now();
        counts.onResult?.(true);
      } catch (error) {
        logger.warn({ err: error }, 'case metrics: the read model could not be read; keeping the last counts');
        counts.onResult?.(false);
      } finally {
        inFlight = undefined;
      }
      return last;
    })();
    return inFlight;
  };
  return counts;
}

async function scrapeSdk(address: string, logger: Logger): Promise<string | undefined> {
  try {
    const response = await fetch(`http://${address}/metrics`, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) throw new Error(`status ${response.status}`);
    return await response.text();
  } catch (error) {
    logger.warn({ err: error, address }, 'Temporal SDK metrics could not be read');
    return undefined;
  }
}
