import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSimulators, type SimulatorServer } from '../../simulators';

export interface HttpAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON straight off the wire in many shapes; each test asserts the fields it cares about
  body: any;
}

async function answer(res: Response): Promise<HttpAnswer> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    // Not JSON: keep the text so the assertion failure shows it.
  }
  return { status: res.status, body };
}

/** A running simulator for one test file, reset to a fresh state before each test. */
export function useSimulators(): () => SimulatorServer {
  let sims: SimulatorServer | undefined;
  beforeAll(async () => {
    sims = await startSimulators({ port: 0 });
  });
  beforeEach(async () => {
    const res = await fetch(`${current().url}/__control/reset`, { method: 'POST' });
    if (res.status !== 204) throw new Error(`reset failed: ${res.status}`);
  });
  afterAll(async () => {
    await sims?.close();
  });
  const current = (): SimulatorServer => {
    if (sims === undefined) throw new Error('simulators not started');
    return sims;
  };
  return current;
}

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return answer(await fetch(url, { headers }));
}

export async function sendJson(method: 'POST' | 'PUT' | 'DELETE', url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return answer(
    await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return sendJson('POST', url, body, headers);
}

export async function postForm(url: string, fields: Record<string, string>): Promise<HttpAnswer> {
  return answer(
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    }),
  );
}

interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

export interface Receiver {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/** A tiny webhook target that keeps the raw bytes of what it was sent, so tests can recompute signatures. */
export async function startReceiver(answerWith: { status: number; body: string } = { status: 200, body: 'ok' }): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answerWith.status, { 'content-type': 'text/plain' });
      res.end(answerWith.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
