import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSimulatorApp } from './app';
import { secretsFromEnv, type SimulationContext } from './core/context';
import { SeededFaultInjector } from './core/faults';
import { IdempotencyStore } from './core/idempotency';
import { IdSequence } from './core/ids';
import { InMemoryLedger } from './core/ledger';
import type { FaultInjector, Ledger, SimulatedSystem } from './types';

export type { LedgerEntry } from './types';

export interface StartSimulatorsOptions {
  /** 0 = ephemeral, default 0. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** PRNG seed for failure rates, default 42. */
  seed?: number;
  /** Systems that repeat the effect for a repeated idempotency key (no provider-side dedupe). Default none. */
  noDedupe?: SimulatedSystem[];
}

export interface SimulatorServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  port: number;
  /** In-process access for tests. */
  ledger: Ledger;
  /** In-process access for tests. */
  faults: FaultInjector;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Starts one HTTP server hosting every simulated system (carrier, sms, wecom, inapp, wms, payments). */
export async function startSimulators(options: StartSimulatorsOptions = {}): Promise<SimulatorServer> {
  const host = options.host ?? '127.0.0.1';
  const now = (): Date => new Date();
  const ctx: SimulationContext = {
    ledger: new InMemoryLedger(now),
    faults: new SeededFaultInjector(options.seed ?? 42),
    idempotency: new IdempotencyStore(),
    ids: new IdSequence(),
    now,
    secrets: secretsFromEnv(process.env),
    noDedupe: new Set(options.noDedupe ?? []),
  };
  const server = createServer(createSimulatorApp(ctx));
  await listen(server, options.port ?? 0, host);
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    ledger: ctx.ledger,
    faults: ctx.faults,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets would otherwise hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}
