import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import type { AppConfig } from '../../config';
import { captureLog, type CapturedLog } from '../helpers/log-capture';
import { startTestStack, TOKENS, type TestStack } from '../helpers/test-stack';

/**
 * One hostile request never takes the API down (issue 18, item 1): bodies nested thousands deep,
 * sent with and without a token, to `/v1`, the codec endpoints and the webhooks, are answered with
 * a 4xx, the access log (bodies of refused requests logged) keeps writing, and the app still
 * answers `/readyz` afterwards.
 */

const UI_SECRET = 'hostile-input-test-codec-ui-secret-0123456789';

let stack: TestStack;
let server: Server;
let apiUrl: string;
let appLog: CapturedLog;
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  stack = await startTestStack({ inProcessWorker: false });
  appLog = captureLog('info');
  const config: AppConfig = {
    ...stack.config,
    platform: { ...stack.config.platform, logRequestBodies: 'all' },
    codecServer: { ...stack.config.codecServer, uiSecret: UI_SECRET },
  };
  server = createServer(createApp({ config, db: stack.db, temporal: stack.client, logger: appLog.logger }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await stack?.stop();
});

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const nestedObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

async function post(path: string, body: string, role?: keyof typeof TOKENS, contentType = 'application/json') {
  const response = await fetch(`${apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(role ? { authorization: `Bearer ${TOKENS[role]}` } : {}) },
    body,
    signal: AbortSignal.timeout(20_000),
  });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

async function expectStillReady() {
  // Give a throwing 'finish' handler (the access log) the chance to fire before probing.
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(uncaught).toEqual([]);
  const ready = await fetch(`${apiUrl}/readyz`, { signal: AbortSignal.timeout(10_000) });
  expect(ready.status).toBe(200);
}

const ROUTES = ['/v1/cases', '/v1/incidents', '/codec/decode', `/codec/ui/${UI_SECRET}/decode`];

describe.each([5_000, 100_000])('a body of %i nested arrays', (depth) => {
  test.each(ROUTES)('without a token to %s is refused and the app stays up', async (path) => {
    const answer = await post(path, nested(depth));
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    await expectStillReady();
  });

  test.each(ROUTES)('with a token to %s is refused as too deep and the app stays up', async (path) => {
    const answer = await post(path, nested(depth), 'supervisor');
    expect(answer.status).toBe(400);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.text)).toMatchObject({ status: 400, title: 'JSON nested too deeply' });
    await expectStillReady();
  });
});

test('a deeply nested object in a signed-looking webhook push is refused and the app stays up', async () => {
  for (const path of ['/v1/webhooks/tracking/generic', '/v1/webhooks/tracking/kuaidi100', '/v1/webhooks/tracking/aftership', '/v1/webhooks/supplier/SUP-1']) {
    const answer = await post(path, nestedObject(5_000));
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
  }
  await expectStillReady();
});

test('a shallow body is still parsed: depth 20 reaches the schema and is refused as invalid, not as too deep', async () => {
  const answer = await post('/v1/cases', nested(20), 'agent');
  expect(answer.status).toBe(400);
  expect(JSON.parse(answer.text)).toMatchObject({ title: 'Invalid request' });
});

test('the access log kept writing lines for the refused requests', () => {
  const lines = appLog.lines();
  expect(lines.some((line) => line.route !== undefined && (line.res as { statusCode?: number } | undefined)?.statusCode === 401)).toBe(true);
});

test('the codec UI secret in the path never reaches the access log (issue 18, item 3)', async () => {
  await post(`/codec/ui/${UI_SECRET}/decode`, JSON.stringify({ payloads: [] }));
  await post(`/codec/ui/${UI_SECRET.toUpperCase()}/encode`, '{}');
  await new Promise((resolve) => setTimeout(resolve, 50));
  const text = appLog.text();
  expect(text).toContain('/codec/ui/');
  expect(text).not.toContain(UI_SECRET);
  expect(text).not.toContain(UI_SECRET.toUpperCase());
});

test('/codec checks the token before it reads the body (issue 18, item 8)', async () => {
  // Not JSON at all: were it parsed first, the answer would be 400 Malformed JSON.
  const anonymous = await post('/codec/decode', '{"payloads": [', undefined);
  expect(anonymous.status).toBe(401);
  const wrongSecret = await post('/codec/ui/not-the-secret-0123456789abcdef0123/decode', '{"payloads": [', undefined);
  expect(wrongSecret.status).toBe(401);
  expect((await post('/codec/decode', '{"payloads": [', 'supervisor')).status).toBe(400);
});

describe('a 10 MB body', () => {
  const big = `{"text":"${'x'.repeat(10 * 1024 * 1024)}"}`;
  test.each([
    ['/v1/cases', undefined, 401],
    ['/v1/cases', 'agent', 413],
    ['/codec/decode', undefined, 401],
    ['/codec/decode', 'supervisor', 413],
    ['/v1/webhooks/tracking/generic', undefined, 413],
  ] as const)('to %s (token: %s) is refused with %i and the app stays up', async (path, role, status) => {
    const answer = await post(path, big, role).catch(() => ({ status: 0, type: '', text: '' }));
    // The server may close the connection once it has refused; either way it does not read 10 MB.
    if (answer.status !== 0) expect(answer.status).toBe(status);
    await expectStillReady();
  });
});
