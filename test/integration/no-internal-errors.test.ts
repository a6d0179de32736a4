import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { openCaseBody, startTestStack, TOKENS, type TestStack } from '../helpers/test-stack';

/**
 * 503 answers and /readyz say what is unavailable, never why in internal words (addresses, gRPC
 * codes, stack text): those go to the server's log (issue 7, item 8).
 */

let stack: TestStack;
let server: Server;
let url: string;
let connection: Connection;
const logged: string[] = [];
/** The internal error texts the API logged: none may reach a client. */
const errorTexts: string[] = [];

beforeAll(async () => {
  stack = await startTestStack({ inProcessWorker: false });
  // The API with a Temporal it cannot reach.
  connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 });
  const temporal = new Client({ connection, namespace: 'default' });
  server = createServer(
    createApp({
      config: stack.config,
      db: stack.db,
      temporal,
      log: (message, error) => {
        logged.push(`${message} ${String(error)}`);
        if (error instanceof Error && error.message) errorTexts.push(error.message);
      },
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await connection.close().catch(() => undefined);
  await stack?.stop();
});

const INTERNAL = /127\.0\.0\.1|ECONNREFUSED|UNAVAILABLE|DEADLINE|\n\s+at |grpc|Error:/;

test('/readyz names the failing dependency without its error text', async () => {
  const response = await fetch(`${url}/readyz`);
  const text = await response.text();
  expect(response.status).toBe(503);
  expect(JSON.parse(text)).toMatchObject({ status: 'not ready', checks: { postgres: { ok: true }, temporal: { ok: false } } });
  expect(text).not.toMatch(INTERNAL);
  expect(logged.some((line) => line.includes('temporal'))).toBe(true);
});

test('a 503 from opening a case carries a generic detail', async () => {
  const response = await fetch(`${url}/v1/cases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKENS.agent}`, 'content-type': 'application/json' },
    body: JSON.stringify(openCaseBody()),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  expect(response.status).toBe(503);
  expect(text).not.toMatch(INTERNAL);
  expect(errorTexts.length).toBeGreaterThan(0);
  for (const internal of errorTexts) expect(text).not.toContain(internal);
});
