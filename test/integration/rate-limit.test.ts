import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import type { AppConfig } from '../../config';
import type { RateLimitSettings } from '../../config/platform';
import { startTestStack, TOKENS, type TestStack } from '../helpers/test-stack';

/**
 * A burst over a limit gets 429 problem+json with Retry-After; limits are per principal, per
 * client address and per webhook provider, so one noisy caller does not starve the others. And
 * every answer carries the security headers.
 */

let stack: TestStack;
const servers: Server[] = [];

beforeAll(async () => {
  stack = await startTestStack({ inProcessWorker: false });
});
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  await stack?.stop();
});

async function apiWithLimits(limits: Partial<RateLimitSettings>): Promise<string> {
  const config: AppConfig = { ...stack.config, platform: { ...stack.config.platform, rateLimit: { ...stack.config.platform.rateLimit, ...limits } } };
  const server = createServer(createApp({ config, db: stack.db, temporal: stack.client, log: () => undefined }));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const get = (url: string, role?: keyof typeof TOKENS) => fetch(url, { headers: role ? { authorization: `Bearer ${TOKENS[role]}` } : {} });

async function expectLimited(response: Response, windowSeconds: number) {
  expect(response.status).toBe(429);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  expect(response.headers.get('ratelimit-policy')).toMatch(/q=\d+; w=\d+/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status: 429, title: 'Too many requests', retryAfterSeconds: retryAfter });
}

test('per principal: the sixth request of a burst is refused with Retry-After; another principal is not', async () => {
  const url = await apiWithLimits({ windowMs: 30_000, perPrincipal: 5, perClient: 0, perWebhookProvider: 0 });
  for (let i = 0; i < 5; i += 1) expect((await get(`${url}/v1/cases?limit=1`, 'agent')).status).toBe(200);
  await expectLimited(await get(`${url}/v1/cases?limit=1`, 'agent'), 30);
  expect((await get(`${url}/v1/cases?limit=1`, 'auditor')).status).toBe(200);
  // Probes and scrapes are never limited.
  for (let i = 0; i < 10; i += 1) expect((await get(`${url}/healthz`)).status).toBe(200);
});

test('per client address: a burst from one address is refused whoever it authenticates as, even without a token', async () => {
  const url = await apiWithLimits({ windowMs: 20_000, perClient: 4, perPrincipal: 0, perWebhookProvider: 0 });
  const roles = ['agent', 'supervisor', 'expert', 'auditor'] as const;
  for (const role of roles) expect((await get(`${url}/v1/cases?limit=1`, role)).status).toBe(200);
  await expectLimited(await get(`${url}/v1/cases?limit=1`, 'system'), 20);
  await expectLimited(await get(`${url}/v1/cases?limit=1`), 20);
  await expectLimited(await get(`${url}/docs`), 20);
});

test('per webhook provider: one provider’s burst is refused, another provider still answered', async () => {
  const url = await apiWithLimits({ windowMs: 15_000, perWebhookProvider: 3, perClient: 0, perPrincipal: 0 });
  const pushGeneric = () =>
    fetch(`${url}/v1/webhooks/tracking/generic`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature': 'sha256=00' }, body: '{}' });
  for (let i = 0; i < 3; i += 1) expect((await pushGeneric()).status).toBe(401);
  await expectLimited(await pushGeneric(), 15);
  const supplier = await fetch(`${url}/v1/webhooks/supplier/SUP-DEV-1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': 'sha256=00' },
    body: '{}',
  });
  expect(supplier.status).toBe(401);
});

test('answers carry the security headers (helmet); the docs page may only run its own scripts', async () => {
  const api = await get(`${stack.apiUrl}/v1/cases?limit=1`, 'agent');
  expect(api.headers.get('x-content-type-options')).toBe('nosniff');
  expect(api.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  expect(api.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  expect(api.headers.get('referrer-policy')).toBe('no-referrer');
  expect(api.headers.get('x-powered-by')).toBeNull();
  const docs = await get(`${stack.apiUrl}/docs`);
  expect(docs.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/);
  const problem = await get(`${stack.apiUrl}/v1/cases`);
  expect(problem.status).toBe(401);
  expect(problem.headers.get('x-content-type-options')).toBe('nosniff');
});
