/**
 * The chaos run's HTTP client: what a real client of the API does when the system it talks to is
 * being knocked over. A request that fails on the way (connection refused or reset, a time-out,
 * any 5xx) is retried with backoff, with the SAME Idempotency-Key (and, for webhook pushes, the
 * same event id), until it gets a definite answer or the retry budget runs out. Every retry is
 * counted, so the JSON shows how hard the client had to work.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON off the wire; the driver reads the fields it needs
export type Json = any;

export interface Answer {
  status: number;
  body: Json;
}

export const TOKENS = {
  agent: 'chaos-agent-token-1',
  supervisor: 'chaos-supervisor-token-1',
  expert: 'chaos-expert-token-1',
  auditor: 'chaos-auditor-token-1',
  system: 'chaos-system-token-1',
} as const;
export type Role = keyof typeof TOKENS;
export const WEBHOOK_SECRET = 'chaos-webhook-secret-1';

export interface ClientStats {
  requests: number;
  retries: number;
  /** Retried attempts by cause: `503`, `ECONNREFUSED`, `timeout`, ... */
  retryCauses: Record<string, number>;
  /** Requests that never got a definite answer within their retry budget. */
  gaveUp: number;
}

export function newClientStats(): ClientStats {
  return { requests: 0, retries: 0, retryCauses: {}, gaveUp: 0 };
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

interface RequestOptions {
  body?: unknown;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  /** How long one attempt may take before it counts as a time-out (outcome unknown: retried). */
  attemptTimeoutMs?: number;
  /** How long to keep retrying in all. */
  budgetMs?: number;
}

export class GaveUpError extends Error {
  override name = 'GaveUpError';
}

function causeOf(error: unknown): string {
  const err = error as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return 'timeout';
  return err?.cause?.code ?? err?.code ?? err?.cause?.name ?? err?.name ?? 'error';
}

/** One request with retries on 5xx and transport failures; 2xx–4xx answers are returned as they are. */
async function requestWithRetry(url: string, options: RequestOptions, stats: ClientStats): Promise<Answer> {
  const deadline = Date.now() + (options.budgetMs ?? 180_000);
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  let backoff = 250;
  let lastCause = '';
  stats.requests += 1;
  for (let attempt = 0; ; attempt += 1) {
    if (attempt > 0) {
      stats.retries += 1;
      stats.retryCauses[lastCause] = (stats.retryCauses[lastCause] ?? 0) + 1;
      if (Date.now() + backoff > deadline) {
        stats.gaveUp += 1;
        throw new GaveUpError(`${method} ${url}: no definite answer before the retry budget ran out (last: ${lastCause})`);
      }
      await sleep(backoff * (0.75 + Math.random() * 0.5));
      backoff = Math.min(backoff * 2, 3_000);
    }
    try {
      const response = await fetch(url, {
        method,
        headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: AbortSignal.timeout(options.attemptTimeoutMs ?? 60_000),
      });
      const text = await response.text();
      if (response.status >= 500) {
        lastCause = String(response.status);
        continue;
      }
      let body: Json = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text for whoever reads the failure
      }
      return { status: response.status, body };
    } catch (error) {
      lastCause = causeOf(error);
    }
  }
}

/** The product's API as a client sees it, one bearer token per role. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    readonly stats: ClientStats,
  ) {}

  call(role: Role, path: string, body?: unknown, idempotencyKey?: string, budgetMs?: number): Promise<Answer> {
    return requestWithRetry(
      `${this.baseUrl}${path}`,
      {
        ...(body === undefined ? {} : { body }),
        headers: { authorization: `Bearer ${TOKENS[role]}`, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
        // An update waits for a worker; under a kill storm that can take a while. Beyond this the
        // outcome is unknown and the same request is sent again with the same key.
        attemptTimeoutMs: 90_000,
        budgetMs: budgetMs ?? 240_000,
      },
      this.stats,
    );
  }

  async view(caseId: string, role: Role = 'agent'): Promise<Json> {
    const answer = await this.call(role, `/v1/cases/${caseId}`);
    if (answer.status !== 200) throw new Error(`GET ${caseId} as ${role} → ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    return answer.body;
  }
}

/** The simulators' control API: the outside world's side door (the carrier's pushes, the warehouse, the ledger). */
export class SimulatorControl {
  constructor(
    readonly baseUrl: string,
    private readonly stats: ClientStats,
  ) {}

  async call(method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<Json> {
    const answer = await requestWithRetry(
      `${this.baseUrl}/__control${path}`,
      { method, ...(body === undefined ? {} : { body }), attemptTimeoutMs: 120_000 },
      this.stats,
    );
    if (answer.status >= 300) throw new Error(`${method} /__control${path} → ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    return answer.body;
  }
}
