import { z } from 'zod';
import { ConfigError, formatZodIssues } from './errors';

/**
 * Operational settings of the HTTP API and the Temporal runtime: logging, rate limits and metrics
 * (README → Operations → Observability and Security). Read from the same environment as the rest
 * of the configuration and validated the same way: a bad value stops start-up naming the variable.
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Which request bodies the access log carries (always redacted): none, only refused ones, or all. */
const LOG_REQUEST_BODIES = ['none', 'rejected', 'all'] as const;
export type LogRequestBodies = (typeof LOG_REQUEST_BODIES)[number];

export interface RateLimitSettings {
  /** The window every limit below counts in (ms). */
  windowMs: number;
  /** Requests per window from one client address, before authentication; 0 switches it off. */
  perClient: number;
  /** Requests per window of one authenticated principal (its token); 0 switches it off. */
  perPrincipal: number;
  /** Webhook pushes per window from one provider (`generic`, a supplier id); 0 switches it off. */
  perWebhookProvider: number;
}

/** How long a client may take to send a request (slow senders: docs/security.md). */
export interface HttpServerSettings {
  /** HTTP_REQUEST_TIMEOUT_MS: the whole request, headers and body; then 408 and the connection closes. */
  requestTimeoutMs: number;
  /** HTTP_HEADERS_TIMEOUT_MS: the headers alone (at most the request time-out). */
  headersTimeoutMs: number;
}

export const DEFAULT_HTTP_SERVER: HttpServerSettings = { requestTimeoutMs: 30_000, headersTimeoutMs: 10_000 };

export interface PlatformSettings {
  logLevel: LogLevelName;
  http: HttpServerSettings;
  logRequestBodies: LogRequestBodies;
  rateLimit: RateLimitSettings;
  /**
   * TEMPORAL_METRICS_ADDRESS: where the Temporal runtime of this process serves the SDK's own
   * Prometheus metrics (host:port, path /metrics). Unset: the SDK exports no metrics.
   */
  temporalMetricsAddress?: string;
  /** How long the case counters read from the read model are reused between scrapes (ms). */
  metricsCacheMs: number;
  /**
   * IDEMPOTENCY_KEY_TTL_MS: how long an Idempotency-Key's record (and the answer it replays) lives;
   * 24 h by default. Afterwards the key is forgotten and its record purged (store/idempotency.ts).
   */
  idempotencyKeyTtlMs: number;
}

const DEFAULT_IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Defaults generous enough that the test suite, `npm run bench` and the chaos and incident
 * harnesses (one token and one address sending thousands of requests a minute) never meet them:
 * they are a backstop against a runaway client, to be tightened per deployment.
 */
export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  windowMs: 60_000,
  perClient: 60_000,
  perPrincipal: 30_000,
  perWebhookProvider: 30_000,
};

const count = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(0, `${name} must be 0 (off) or more`);

const platformEnv = z.object({
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` }).optional(),
  LOG_REQUEST_BODIES: z.enum(LOG_REQUEST_BODIES, { error: `LOG_REQUEST_BODIES must be one of ${LOG_REQUEST_BODIES.join(', ')}` }).default('rejected'),
  RATE_LIMIT_WINDOW_MS: count('RATE_LIMIT_WINDOW_MS').min(1_000, 'RATE_LIMIT_WINDOW_MS must be at least 1000').default(DEFAULT_RATE_LIMITS.windowMs),
  RATE_LIMIT_PER_CLIENT: count('RATE_LIMIT_PER_CLIENT').default(DEFAULT_RATE_LIMITS.perClient),
  RATE_LIMIT_PER_PRINCIPAL: count('RATE_LIMIT_PER_PRINCIPAL').default(DEFAULT_RATE_LIMITS.perPrincipal),
  RATE_LIMIT_PER_WEBHOOK_PROVIDER: count('RATE_LIMIT_PER_WEBHOOK_PROVIDER').default(DEFAULT_RATE_LIMITS.perWebhookProvider),
  TEMPORAL_METRICS_ADDRESS: z
    .string()
    .regex(/^[\w.-]+:\d{1,5}$/, 'TEMPORAL_METRICS_ADDRESS must be host:port, e.g. 127.0.0.1:9464')
    .optional(),
  HTTP_REQUEST_TIMEOUT_MS: count('HTTP_REQUEST_TIMEOUT_MS')
    .min(1_000, 'HTTP_REQUEST_TIMEOUT_MS must be at least 1000')
    .max(600_000, 'HTTP_REQUEST_TIMEOUT_MS must be at most 600000')
    .default(DEFAULT_HTTP_SERVER.requestTimeoutMs),
  HTTP_HEADERS_TIMEOUT_MS: count('HTTP_HEADERS_TIMEOUT_MS')
    .min(1_000, 'HTTP_HEADERS_TIMEOUT_MS must be at least 1000')
    .max(600_000, 'HTTP_HEADERS_TIMEOUT_MS must be at most 600000')
    .default(DEFAULT_HTTP_SERVER.headersTimeoutMs),
  METRICS_CACHE_MS: count('METRICS_CACHE_MS').max(600_000, 'METRICS_CACHE_MS must be at most 600000').default(5_000),
  IDEMPOTENCY_KEY_TTL_MS: count('IDEMPOTENCY_KEY_TTL_MS')
    .min(1_000, 'IDEMPOTENCY_KEY_TTL_MS must be at least 1000')
    .max(30 * 24 * 60 * 60 * 1000, 'IDEMPOTENCY_KEY_TTL_MS must be at most 30 days')
    .default(DEFAULT_IDEMPOTENCY_KEY_TTL_MS),
});

/** `env` holds only the variables that are set (empty values already dropped by loadConfig). */
export function loadPlatformSettings(env: Record<string, string | undefined>): PlatformSettings {
  const parsed = platformEnv.safeParse(env);
  if (!parsed.success) throw new ConfigError(`Invalid configuration:\n${formatZodIssues(parsed.error)}`);
  const e = parsed.data;
  return {
    logLevel: e.LOG_LEVEL ?? 'info',
    // Node refuses a headers time-out longer than the request's.
    http: { requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS, headersTimeoutMs: Math.min(e.HTTP_HEADERS_TIMEOUT_MS, e.HTTP_REQUEST_TIMEOUT_MS) },
    logRequestBodies: e.LOG_REQUEST_BODIES,
    rateLimit: {
      windowMs: e.RATE_LIMIT_WINDOW_MS,
      perClient: e.RATE_LIMIT_PER_CLIENT,
      perPrincipal: e.RATE_LIMIT_PER_PRINCIPAL,
      perWebhookProvider: e.RATE_LIMIT_PER_WEBHOOK_PROVIDER,
    },
    ...(e.TEMPORAL_METRICS_ADDRESS ? { temporalMetricsAddress: e.TEMPORAL_METRICS_ADDRESS } : {}),
    metricsCacheMs: e.METRICS_CACHE_MS,
    idempotencyKeyTtlMs: e.IDEMPOTENCY_KEY_TTL_MS,
  };
}
