import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { installTemporalRuntime } from '../../worker/runtime';
import { createDb, type Db } from '../../store/database';
import { createApp } from '../../api/app';
import { loadConfig, supplierWebhookSecret, type AppConfig } from '../../config';
import { signSupplierReply } from '../../api/webhooks/signatures';
import type { SlaPolicy } from '../../domain/sla-policy';
import { startSimulators, type SimulatorServer } from '../../simulators';
import { caseWorkerVersion, createCaseWorker } from '../../worker/create-worker';
import { caseDataConverter } from '../../codec/data-converter';
import { testPolicy } from '../../fixtures/fast-policy';
import { SUPPLIER_WEBHOOK_SECRET, TOKENS, WEBHOOK_SECRET } from '../../fixtures/credentials';
import { stackEnv } from '../../fixtures/stack-env';

/**
 * Everything one integration test file needs, on real parts: the run's Temporal dev server and
 * PostgreSQL database (from global setup), its own simulators on an ephemeral port, its own task
 * queue (so files never pick up each other's cases), a worker, and the API on a real port.
 * Each stack's worker is a version of a Worker Deployment of the stack's own (named as its task
 * queue), current before the stack is handed out: files that run at the same time never promote
 * a version over each other's.
 */

export { TOKENS, WEBHOOK_SECRET };
export { openCaseBody, uniqueWaybill } from '../../fixtures/case-bodies';

/** X-Signature of a supplier reply, signed as that supplier does: its own secret, its id signed too. */
export function supplierSignature(supplierId: string, raw: string, secret?: string): string {
  const own =
    secret ??
    supplierWebhookSecret(
      { webhookSecrets: { generic: '', kuaidi100: '', aftership: '', supplier: SUPPLIER_WEBHOOK_SECRET }, supplierWebhookSecrets: {} },
      supplierId,
    );
  return signSupplierReply(supplierId, raw, own as string);
}

export interface TestStack {
  config: AppConfig;
  db: Db;
  client: Client;
  simulators: SimulatorServer;
  /** The in-process worker; absent when the test runs workers as processes of its own. */
  worker?: Worker;
  apiUrl: string;
  /** fetch against the API with a role's token. */
  api(
    role: keyof typeof TOKENS | null,
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
  /**
   * The carrier pushes a tracking event: the simulator signs it as the generic provider and POSTs
   * it to this stack's webhook. Answers what the webhook answered (`status`, `body`).
   */
  pushTracking(event: Record<string, unknown>): Promise<{ delivered: boolean; status: number; body: string }>;
  stop(): Promise<void>;
}

export async function startTestStack(options: { policy?: SlaPolicy; inProcessWorker?: boolean; env?: Record<string, string> } = {}): Promise<TestStack> {
  const temporalAddress = requireEnv('TEST_TEMPORAL_ADDRESS');
  const databaseUrl = requireEnv('TEST_DATABASE_URL');
  installTemporalRuntime('ERROR');
  const simulators = await startSimulators({ port: 0 });
  // A stack given a task queue of its own (a test that replaces one stack by another mid-case) joins
  // the Worker Deployment named after it too: the replacement's worker is then a version of the same
  // deployment, which the cases pinned to it need to go on.
  const taskQueue = options.env?.TEMPORAL_TASK_QUEUE ?? `cases-test-${randomUUID().slice(0, 8)}`;
  const base = loadConfig({
    ...stackEnv({ databaseUrl, temporalAddress, taskQueue, simulatorsUrl: simulators.url }),
    TEMPORAL_DEPLOYMENT_NAME: taskQueue,
    ...options.env,
  });
  const config: AppConfig = { ...base, slaPolicy: options.policy ?? testPolicy() };
  const db = createDb(databaseUrl, { max: 5 });

  const workerConnection = await NativeConnection.connect({ address: temporalAddress });
  const worker =
    options.inProcessWorker === false
      ? undefined
      : await createCaseWorker({ config, db, connection: workerConnection, workflowBundlePath: requireEnv('TEST_WORKFLOW_BUNDLE') });
  const running = worker?.run();
  // A case started before the worker's version is current would wait for one.
  if (worker) await caseWorkerVersion(worker).current;

  const clientConnection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace, dataConverter: caseDataConverter(config) });
  const server: Server = createServer(
    createApp({ config, db, temporal: client, log: process.env.TEST_API_LOG ? (message, error) => console.error(message, error) : () => undefined }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    config,
    db,
    client,
    simulators,
    ...(worker ? { worker } : {}),
    apiUrl,
    async api(role, path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (role) headers.authorization = `Bearer ${TOKENS[role]}`;
      let body: string | undefined;
      if (init.body !== undefined) {
        body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${apiUrl}${path}`, { method: init.method ?? (body ? 'POST' : 'GET'), headers, ...(body !== undefined ? { body } : {}) });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON (ndjson export): keep the text
      }
      return { status: response.status, body: parsed as any, headers: response.headers }; // eslint-disable-line @typescript-eslint/no-explicit-any -- see above
    },
    pushTracking: (event) => pushTrackingThrough(simulators.url, apiUrl, event),
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      worker?.shutdown();
      await running;
      await workerConnection.close();
      await clientConnection.close();
      await simulators.close();
      await db.destroy();
    },
  };
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run integration tests through jest (global setup provides it)`);
  return value;
}

/** Polls until `probe` returns a value that passes `accept`, or fails with the last value seen. */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 30_000, intervalMs = 200, what = 'condition' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * The carrier's signed push of a tracking event to an API's generic webhook, sent through the
 * simulators as a carrier sends it. Fails when the simulator refuses it; answers what the API said.
 */
export async function pushTrackingThrough(
  simulatorsUrl: string,
  apiUrl: string,
  event: Record<string, unknown>,
): Promise<{ delivered: boolean; status: number; body: string }> {
  const response = await fetch(`${simulatorsUrl}/__control/tracking-push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      provider: 'generic',
      targetUrl: `${apiUrl}/v1/webhooks/tracking/generic`,
      secret: WEBHOOK_SECRET,
      event: { carrier: 'SF', occurredAt: new Date().toISOString(), ...event },
    }),
  });
  if (response.status !== 200) throw new Error(`tracking push refused by the simulator: ${response.status} ${await response.text()}`);
  return (await response.json()) as { delivered: boolean; status: number; body: string };
}
