import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import type { AppConfig } from '../../config';
import type { RateLimitSettings } from '../../config/platform';
import { signGeneric } from '../../api/webhooks/signatures';
import { startTestStack, TOKENS, WEBHOOK_SECRET, type TestStack } from '../helpers/test-stack';

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

test('per webhook provider: one provider’s signed burst is refused, another provider still answered', async () => {
  const url = await apiWithLimits({ windowMs: 15_000, perWebhookProvider: 3, perClient: 0, perPrincipal: 0 });
  // Signed, so they count; `{}` is not a valid push, so each is a 400 after the limiter let it through.
  for (let i = 0; i < 3; i += 1) expect((await pushGeneric(url, '{}', true)).status).toBe(400);
  await expectLimited(await pushGeneric(url, '{}', true), 15);
  const supplier = await fetch(`${url}/v1/webhooks/supplier/SUP-DEV-1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': 'sha256=00' },
    body: '{}',
  });
  expect(supplier.status).toBe(401);
});

function pushGeneric(url: string, body: string, signed: boolean, path = '/v1/webhooks/tracking/generic') {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': signed ? signGeneric(body, WEBHOOK_SECRET) : 'sha256=00' },
    body,
  });
}

describe('webhook limits count only what passed the signature check (issue 18, item 5)', () => {
  test('unsigned garbage never fills a provider’s bucket: a signed push still gets through', async () => {
    const url = await apiWithLimits({ windowMs: 15_000, perWebhookProvider: 3, perClient: 0, perPrincipal: 0 });
    for (let i = 0; i < 10; i += 1) expect((await pushGeneric(url, '{}', false)).status).toBe(401);
    expect((await pushGeneric(url, '{}', true)).status).toBe(400); // through the limiter, refused as invalid
  });

  test('a mixed-case path is the same provider: it shares the bucket', async () => {
    const url = await apiWithLimits({ windowMs: 15_000, perWebhookProvider: 3, perClient: 0, perPrincipal: 0 });
    for (const path of ['/v1/webhooks/tracking/generic', '/v1/webhooks/Tracking/Generic', '/v1/webhooks/TRACKING/GENERIC']) {
      expect((await pushGeneric(url, '{}', true, path)).status).toBe(400);
    }
    await expectLimited(await pushGeneric(url, '{}', true, '/v1/webhooks/tracking/GENERIC'), 15);
  });

  test('Kuaidi100’s 429 is in Kuaidi100’s answer shape', async () => {
    const url = await apiWithLimits({ windowMs: 15_000, perWebhookProvider: 2, perClient: 0, perPrincipal: 0 });
    const param = JSON.stringify({ status: 'polling' });
    const sign = createHash('md5')
      .update(param + stack.config.webhookSecrets.kuaidi100)
      .digest('hex')
      .toUpperCase();
    const push = () =>
      fetch(`${url}/v1/webhooks/tracking/kuaidi100`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ param, sign }).toString(),
      });
    for (let i = 0; i < 2; i += 1) expect((await push()).status).toBe(400);
    const limited = await push();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toEqual({ result: false, returnCode: '429', message: expect.any(String) });
  });

  test('unauthenticated pushes from one address are limited per client, however the supplier id rotates', async () => {
    const url = await apiWithLimits({ windowMs: 15_000, perWebhookProvider: 1_000, perClient: 5, perPrincipal: 0 });
    const unsigned = (i: number) =>
      fetch(`${url}/v1/webhooks/supplier/SUP-ROTATE-${i}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-signature': 'sha256=00' },
        body: '{}',
      });
    for (let i = 0; i < 5; i += 1) expect((await unsigned(i)).status).toBe(401);
    await expectLimited(await unsigned(99), 15);
  });
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
