import { join } from 'node:path';
import { freePort } from '../../fixtures/free-port';
import { ensureTemporalCli, startDevServer, type DevServer, type DevServerOptions } from '../temporal-cli';
import { startCluster, type ClusterOptions } from '../temporal-server';
import { freeClusterPort } from './cluster-port';
import { killOnExit } from './kill-on-exit';
import type { Log } from './stops';

/**
 * A Temporal server for a stack, in either of the two modes the project runs: `dev`, the CLI's
 * dev server (in memory or on a SQLite file; headless unless given a UI port), or `cluster`, the
 * full server on PostgreSQL as production runs it. Ports default to free ones, so any number of
 * stacks run side by side.
 */

export type TemporalMode = 'dev' | 'cluster';

export type DevTemporalOptions = { mode: 'dev'; port?: number; cliPath?: string } & Omit<DevServerOptions, 'cliPath' | 'port'>;
/** The cluster's two databases live on `postgresUrl`; whoever owns them drops them. */
type ClusterTemporalOptions = { mode: 'cluster'; address?: string } & Omit<ClusterOptions, 'address'>;
export type TemporalOptions = DevTemporalOptions | ClusterTemporalOptions;

export interface RunningTemporal {
  mode: TemporalMode;
  address: string;
  uiUrl?: string;
  /** The CLI the dev server came from (benchmarks also use it to show histories). */
  cliPath?: string;
  stop(): Promise<void>;
}

/** A dev server always says which CLI it came from. */
export type RunningDevServer = RunningTemporal & { mode: 'dev'; cliPath: string };

export async function startTemporal(options: DevTemporalOptions, log: Log): Promise<RunningDevServer>;
export async function startTemporal(options: TemporalOptions, log: Log): Promise<RunningTemporal>;
export async function startTemporal(options: TemporalOptions, log: Log): Promise<RunningTemporal> {
  if (options.mode === 'cluster') {
    const { mode, address, ...cluster } = options;
    const running = await startCluster({ log, ...cluster, address: address ?? `127.0.0.1:${await freeClusterPort()}` });
    return { mode, address: running.address, ...(running.uiUrl ? { uiUrl: running.uiUrl } : {}), stop: () => running.stop() };
  }
  const { mode, port, cliPath, ...dev } = options;
  const cli = cliPath ?? ensureTemporalCli(log);
  const server = await startDevServer({ ...dev, cliPath: cli, port: port ?? (await freePort()) });
  killOnExit(server.process);
  return { mode, address: server.address, ...(server.uiUrl ? { uiUrl: server.uiUrl } : {}), cliPath: cli, stop: () => server.stop() };
}

/**
 * A dev server that can be stopped and started again on the same port and SQLite file, so a
 * restart keeps every case: what a fault run does to Temporal on purpose.
 */
export class RestartableDevServer {
  private server: DevServer | undefined;
  readonly cliPath: string;
  readonly dbFile: string;

  constructor(
    readonly port: number,
    dir: string,
    private readonly logTo: NodeJS.WritableStream,
  ) {
    this.cliPath = ensureTemporalCli();
    this.dbFile = join(dir, 'temporal.db');
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = await startDevServer({ cliPath: this.cliPath, port: this.port, dbFile: this.dbFile, logTo: this.logTo, startTimeoutMs: 90_000 });
    killOnExit(this.server.process);
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }
}
