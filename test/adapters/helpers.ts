import { ApplicationFailure } from '@temporalio/common';
import { DEV_CARRIER_CREDENTIALS, type CarrierCredentials } from '../../config';
import { startSimulators, type LedgerEntry, type SimulatorServer } from '../../simulators';

/**
 * Adapter tests talk to the real simulators over HTTP, started in-process on an ephemeral port
 * once per file and reset before each test.
 */
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

/** The dev credentials, which the simulators check by default. */
export const DEV_CREDENTIALS: Required<CarrierCredentials> = {
  sf: { partnerId: DEV_CARRIER_CREDENTIALS.SF_PARTNER_ID, checkWord: DEV_CARRIER_CREDENTIALS.SF_CHECKWORD },
  jd: {
    appKey: DEV_CARRIER_CREDENTIALS.JD_APP_KEY,
    appSecret: DEV_CARRIER_CREDENTIALS.JD_APP_SECRET,
    accessToken: DEV_CARRIER_CREDENTIALS.JD_ACCESS_TOKEN,
    customerCode: DEV_CARRIER_CREDENTIALS.JD_CUSTOMER_CODE,
  },
  kuaidi100: {
    customer: DEV_CARRIER_CREDENTIALS.KUAIDI100_CUSTOMER,
    key: DEV_CARRIER_CREDENTIALS.KUAIDI100_KEY,
    secret: DEV_CARRIER_CREDENTIALS.KUAIDI100_SECRET,
  },
};

export interface PushedEvent {
  eventId: string;
  waybillNo: string;
  carrier: string;
  status: string;
  subStatus?: string;
  rawCode?: string;
  occurredAt: string;
  location?: string;
  description?: string;
}

/**
 * Tells the simulated carriers about a scan (POST /__control/tracking-push). The push target is a
 * path nobody serves: the simulator remembers the event for every carrier's tracking query whether
 * or not the push is accepted, and that is all these tests need.
 */
export async function rememberTrackingEvent(sims: SimulatorServer, event: PushedEvent): Promise<void> {
  const res = await fetch(`${sims.url}/__control/tracking-push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ provider: 'generic', targetUrl: `${sims.url}/__nowhere`, secret: 'test-secret', event }),
  });
  if (res.status !== 200) throw new Error(`tracking push failed: ${res.status} ${await res.text()}`);
}

export async function controlJson(sims: SimulatorServer, method: 'PUT' | 'POST', path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${sims.url}/__control${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path} failed: ${res.status} ${await res.text()}`);
  return res.json();
}

/** The path a ledger entry's request went to (shows which dialect served it). */
export function requestPath(entry: LedgerEntry | undefined): string {
  return (entry?.request as { path?: string } | undefined)?.path ?? '';
}

/** Runs `fn`, expecting it to throw; returns what it threw. */
export async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, nothing was thrown');
}

/** A transient failure: a plain Error Temporal retries, not a non-retryable ApplicationFailure. */
export function expectRetryable(error: unknown): void {
  expect(error).toBeInstanceOf(Error);
  if (error instanceof ApplicationFailure) expect(error.nonRetryable).toBe(false);
}

export function expectNonRetryable(error: unknown, type?: string): ApplicationFailure {
  expect(error).toBeInstanceOf(ApplicationFailure);
  const failure = error as ApplicationFailure;
  expect(failure.nonRetryable).toBe(true);
  if (type !== undefined) expect(failure.type).toBe(type);
  return failure;
}
