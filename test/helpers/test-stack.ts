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
import { createCaseWorker } from '../../worker/create-worker';
import { caseDataConverter } from '../../codec/data-converter';
import { testPolicy } from './policy';

/**
 * Everything one integration test file needs, on real parts: the run's Temporal dev server and
 * PostgreSQL database (from global setup), its own simulators on an ephemeral port, its own task
 * queue (so files never pick up each other's cases), a worker, and the API on a real port.
 */

export const TOKENS = {
  agent: 'test-agent-token-1',
  supervisor: 'test-supervisor-token-1',
  expert: 'test-expert-token-1',
  auditor: 'test-auditor-token-1',
  system: 'test-system-token-1',
} as const;
export const WEBHOOK_SECRET = 'test-webhook-secret';
/** The key each supplier's own webhook secret is derived from (WEBHOOK_SECRET_SUPPLIER). */
export const SUPPLIER_WEBHOOK_SECRET = 'test-supplier-secret';

/** X-Signature of a supplier reply, signed as that supplier does: its own secret, its id signed too. */
export function supplierSignature(supplierId: string, raw: string, secret?: string): string {
  const own = secret ?? supplierWebhookSecret({ webhookSecrets: { generic: '', kuaidi100: '', aftership: '', supplier: SUPPLIER_WEBHOOK_SECRET }, supplierWebhookSecrets: {} }, supplierId);
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
  api(role: keyof typeof TOKENS | null, path: string, init?: { method?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
  /**
   * The carrier pushes a tracking event: the simulator signs it as the generic provider and POSTs
   * it to this stack's webhook. Answers what the webhook answered (`status`, `body`).
   */
  pushTracking(event: Record<string, unknown>): Promise<{ delivered: boolean; status: number; body: string }>;
  stop(): Promise<void>;
}

export async function startTestStack(
  options: { policy?: SlaPolicy; inProcessWorker?: boolean; env?: Record<string, string> } = {},
): Promise<TestStack> {
  const temporalAddress = requireEnv('TEST_TEMPORAL_ADDRESS');
  const databaseUrl = requireEnv('TEST_DATABASE_URL');
  installTemporalRuntime('ERROR');
  const simulators = await startSimulators({ port: 0 });
  const base = loadConfig({
    APP_PROFILE: 'dev',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: `cases-test-${randomUUID().slice(0, 8)}`,
    API_TOKENS: Object.entries(TOKENS).map(([role, token]) => `${role}:${token}`).join(','),
    WEBHOOK_SECRET_GENERIC: WEBHOOK_SECRET,
    WEBHOOK_SECRET_SUPPLIER: SUPPLIER_WEBHOOK_SECRET,
    CARRIER_API_URL: `${simulators.url}/carrier`,
    SMS_API_URL: `${simulators.url}/sms`,
    WECOM_API_URL: `${simulators.url}/wecom`,
    INAPP_API_URL: `${simulators.url}/inapp`,
    WMS_API_URL: `${simulators.url}/wms`,
    PAYMENTS_API_URL: `${simulators.url}/payments`,
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

  const clientConnection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace, dataConverter: caseDataConverter(config) });
  const server: Server = createServer(createApp({ config, db, temporal: client, log: () => undefined }));
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
    async pushTracking(event) {
      const response = await fetch(`${simulators.url}/__control/tracking-push`, {
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
    },
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

let waybillCounter = 0;
/** A waybill number unique to this test run, so the one-open-case rule never collides. */
export function uniqueWaybill(prefix = 'SF'): string {
  waybillCounter += 1;
  return `${prefix}${Date.now().toString().slice(-8)}${String(process.pid % 1000).padStart(3, '0')}${String(waybillCounter).padStart(3, '0')}`;
}

export function openCaseBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'DELAYED',
    orderId: `SO-${randomUUID().slice(0, 8)}`,
    waybillNo: uniqueWaybill(),
    carrier: 'SF',
    customer: { id: 'C-1001', name: '张三汽修', phone: '13800138000', storeId: 'S-9' },
    description: '三天无物流更新',
    priority: 'normal',
    region: '440300',
    ...overrides,
  };
}
