import { ConfigError, loadConfig } from '../../config';
import { DEFAULT_HTTP_SERVER, DEFAULT_RATE_LIMITS } from '../../config/platform';

/** Logging, rate-limit and metrics settings: defaults, overrides, and a clear error on a bad value. */

const dev = (env: Record<string, string> = {}) => loadConfig({ APP_PROFILE: 'dev', ...env });

describe('platform settings', () => {
  it('defaults: info logs, refused bodies logged, generous limits, no SDK metrics export', () => {
    expect(dev().platform).toEqual({
      logLevel: 'info',
      http: DEFAULT_HTTP_SERVER,
      logRequestBodies: 'rejected',
      rateLimit: DEFAULT_RATE_LIMITS,
      metricsCacheMs: 5_000,
      idempotencyKeyTtlMs: 86_400_000,
    });
    // A backstop, not a quota: the bench opens ~140 cases/s from one token and one address.
    expect(DEFAULT_RATE_LIMITS.perPrincipal / (DEFAULT_RATE_LIMITS.windowMs / 1000)).toBeGreaterThanOrEqual(500);
  });

  it('takes every setting from the environment', () => {
    const { platform } = dev({
      LOG_LEVEL: 'debug',
      LOG_REQUEST_BODIES: 'all',
      RATE_LIMIT_WINDOW_MS: '10000',
      RATE_LIMIT_PER_CLIENT: '0',
      RATE_LIMIT_PER_PRINCIPAL: '100',
      RATE_LIMIT_PER_WEBHOOK_PROVIDER: '50',
      TEMPORAL_METRICS_ADDRESS: '127.0.0.1:9464',
      METRICS_CACHE_MS: '0',
      IDEMPOTENCY_KEY_TTL_MS: '3600000',
      HTTP_REQUEST_TIMEOUT_MS: '5000',
      HTTP_HEADERS_TIMEOUT_MS: '20000',
    });
    expect(platform).toEqual({
      logLevel: 'debug',
      // The headers' time-out is capped at the request's.
      http: { requestTimeoutMs: 5_000, headersTimeoutMs: 5_000 },
      logRequestBodies: 'all',
      rateLimit: { windowMs: 10_000, perClient: 0, perPrincipal: 100, perWebhookProvider: 50 },
      temporalMetricsAddress: '127.0.0.1:9464',
      metricsCacheMs: 0,
      idempotencyKeyTtlMs: 3_600_000,
    });
  });

  it.each([
    ['LOG_LEVEL', 'loud'],
    ['LOG_REQUEST_BODIES', 'some'],
    ['RATE_LIMIT_PER_PRINCIPAL', '-1'],
    ['RATE_LIMIT_PER_CLIENT', 'many'],
    ['RATE_LIMIT_WINDOW_MS', '10'],
    ['IDEMPOTENCY_KEY_TTL_MS', '10'],
    ['HTTP_REQUEST_TIMEOUT_MS', '0'],
    ['HTTP_HEADERS_TIMEOUT_MS', 'soon'],
    ['TEMPORAL_METRICS_ADDRESS', 'http://127.0.0.1:9464/metrics'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => dev({ [name]: value })).toThrow(ConfigError);
    expect(() => dev({ [name]: value })).toThrow(name);
  });
});
