import { connect, type Socket } from 'node:net';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import { createApiServer } from '../../api/http-server';
import { startTestStack, TOKENS, type TestStack } from '../helpers/test-stack';

/**
 * The hostile-input suite past bodies nested deep and 10 MB (hostile-input.test.ts): slow senders,
 * every content type and unicode edge cases, at every route family (`/v1`, `/codec`, `/docs`,
 * `/metrics`, the four webhook families), with and without a token. The server is the one
 * `api/main.ts` runs (`createApiServer`), with short send limits so the test does not wait 30 s.
 * Throughout, the process answers `/readyz`, and no answer is a 5xx.
 */

const LIMITS = { requestTimeoutMs: 2_000, headersTimeoutMs: 1_500 };

let stack: TestStack;
let server: Server;
let port: number;
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  stack = await startTestStack({ inProcessWorker: false });
  server = createApiServer(createApp({ config: stack.config, db: stack.db, temporal: stack.client }), LIMITS);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await stack?.stop();
});

const url = (path: string) => `http://127.0.0.1:${port}${path}`;

async function readyWithin(ms: number): Promise<number> {
  const started = Date.now();
  const ready = await fetch(url('/readyz'), { signal: AbortSignal.timeout(ms) });
  expect(ready.status).toBe(200);
  return Date.now() - started;
}

/** A raw connection whose bytes the test sends itself; resolves with what came back once it closes. */
function rawConnection(): { socket: Socket; closed: Promise<{ answer: string; afterMs: number }> } {
  const socket = connect(port, '127.0.0.1');
  const opened = Date.now();
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<{ answer: string; afterMs: number }>((resolve) => socket.on('close', () => resolve({ answer, afterMs: Date.now() - opened })));
  return { socket, closed };
}

/** Sends `text` a byte at a time every `everyMs`, until the socket closes. */
function trickle(socket: Socket, text: string, everyMs: number): void {
  let at = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || at >= text.length) return clearInterval(timer);
    socket.write(text[at++]!);
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}

describe('slow senders are cut off at the request time-out, and hold nothing meanwhile', () => {
  test('a body trickled a byte at a time gets 408 and its connection closes', async () => {
    const { socket, closed } = rawConnection();
    const body = JSON.stringify({ type: 'DELAYED', description: 'x'.repeat(900) });
    socket.write(
      `POST /v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKENS.agent}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
    );
    trickle(socket, body, 100);
    // Meanwhile the API answers others at once.
    expect(await readyWithin(1_000)).toBeLessThan(1_000);
    const { answer, afterMs } = await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(afterMs).toBeLessThan(LIMITS.requestTimeoutMs + 2_000);
  });

  test('headers that never end are cut off at the headers time-out', async () => {
    const { socket, closed } = rawConnection();
    socket.write('GET /v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    trickle(socket, `X-Slow: ${'a'.repeat(500)}`, 100);
    const { afterMs } = await closed;
    expect(afterMs).toBeLessThan(LIMITS.headersTimeoutMs + 2_000);
  });

  test('fifty slow senders at once: the API still answers, and every one is closed in time', async () => {
    const senders = Array.from({ length: 50 }, (_, i) => {
      const connection = rawConnection();
      connection.socket.write(
        `POST /v1/webhooks/tracking/generic HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"n":${i},`,
      );
      trickle(connection.socket, 'x'.repeat(4_000), 50);
      return connection;
    });
    expect(await readyWithin(1_000)).toBeLessThan(1_000);
    const ends = await Promise.all(senders.map((sender) => sender.closed));
    for (const { afterMs } of ends) expect(afterMs).toBeLessThan(LIMITS.requestTimeoutMs + 2_000);
    await readyWithin(1_000);
  });
});

const CONTENT_TYPES = [
  undefined,
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/xml',
  'application/octet-stream',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/merge-patch+json',
  'garbage',
  'application/json; boundary=;;;; charset="',
];

const POST_ROUTES = [
  '/v1/cases',
  '/v1/incidents',
  '/v1/cases/CASE-20261207-ABCD1234/actions',
  '/v1/customers/CUST-1/erasure',
  '/codec/decode',
  '/codec/encode',
  '/v1/webhooks/tracking/generic',
  '/v1/webhooks/tracking/kuaidi100',
  '/v1/webhooks/tracking/aftership',
  '/v1/webhooks/supplier/SUP-0001',
];

function postWith(path: string, contentType: string | undefined, body: string | Uint8Array, token?: string) {
  const headers: Record<string, string> = {};
  if (contentType) headers['content-type'] = contentType;
  if (token) headers.authorization = `Bearer ${token}`;
  return fetch(url(path), { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
}

describe.each([
  ['without a token', undefined],
  ['with a supervisor token', TOKENS.supervisor],
])('every content type %s', (_label, token) => {
  test.each(POST_ROUTES)('to %s: a 4xx (or an answer the route gives any caller), never a 5xx', async (path) => {
    for (const contentType of CONTENT_TYPES) {
      const response = await postWith(path, contentType, '{"type":"DELAYED","param":"x","sign":"y"}', token);
      await response.arrayBuffer();
      expect({ contentType, status: response.status }).toEqual({ contentType, status: expect.any(Number) });
      expect(response.status).toBeLessThan(500);
    }
    expect(uncaught).toEqual([]);
    await readyWithin(2_000);
  });
});

/** Path segments no client should send: NUL, a lone surrogate, overlong and invalid UTF-8, control and bidi characters. */
const HOSTILE_SEGMENTS: Array<[string, string]> = [
  ['a NUL', '%00'],
  ['a lone surrogate', '%ED%A0%80'],
  ['overlong UTF-8', '%C0%AF'],
  ['bytes that are not UTF-8', '%FF%FE'],
  ['a right-to-left override', '%E2%80%AE'],
  ['emoji', '%F0%9F%92%A9%F0%9F%92%A9'],
  ['an escaped path traversal', '..%2F..%2Fetc%2Fpasswd'],
  ['an escaped percent sign', '%25'],
  ['a malformed escape', '%'],
  ['5,000 characters', 'a'.repeat(5_000)],
];

const GET_ROUTES = (segment: string) => [
  `/v1/cases/${segment}`,
  `/v1/cases/${segment}/history`,
  `/v1/cases?q=${segment}&status=${segment}`,
  `/v1/customers/${segment}/erasure`,
  `/v1/reports/${segment}`,
  `/docs/${segment}`,
  `/docs?${segment}`,
  `/metrics?${segment}`,
  `/codec/ui/${segment}/decode`,
  `/${segment}`,
];

describe('unicode and encoding edge cases in the path and the query', () => {
  test.each(HOSTILE_SEGMENTS)('%s at every route, with and without a token: never a 5xx', async (_label, segment) => {
    for (const path of GET_ROUTES(segment)) {
      for (const token of [undefined, TOKENS.supervisor]) {
        const response = await fetch(url(path), {
          headers: token ? { authorization: `Bearer ${token}` } : {},
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        expect({ path, status: response.status < 500 }).toEqual({ path, status: true });
      }
    }
    expect(uncaught).toEqual([]);
  });
});

describe('unicode edge cases in JSON bodies', () => {
  const bodies: Array<[string, string | Uint8Array]> = [
    ['a lone surrogate escaped', '{"type":"DELAYED","description":"\\ud800 alone"}'],
    ['a NUL escaped', '{"type":"DELAYED","description":"nul \\u0000 here"}'],
    ['a byte-order mark before the JSON', '\uFEFF{"type":"DELAYED"}'],
    ['invalid UTF-8 bytes', new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0xff, 0xfe, 0x22, 0x7d])],
    ['a right-to-left override in a key', '{"\u202Etype":"DELAYED"}'],
    ['a key of 100,000 characters', `{"${'k'.repeat(100_000)}":1}`],
    ['100,000 keys', `{${Array.from({ length: 100_000 }, (_, i) => `"k${i}":1`).join(',')}}`],
  ];
  test.each(bodies)('%s, to /v1 routes and the codec: refused with a 4xx, the app stays up', async (_label, body) => {
    for (const path of ['/v1/cases', '/v1/incidents', '/codec/encode']) {
      const response = await postWith(path, 'application/json', body, TOKENS.supervisor);
      await response.arrayBuffer();
      expect({ path, status: response.status >= 400 && response.status < 500 }).toEqual({ path, status: true });
    }
    expect(uncaught).toEqual([]);
    await readyWithin(2_000);
  });
});
