import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { caseDataConverter } from '../../codec/data-converter';
import type { AppConfig } from '../../config';
import { startSimulators, type SimulatorServer, type StartSimulatorsOptions } from '../../simulators';
import { createDb, type Db } from '../../store/database';
import { caseWorkerVersion, createCaseWorker, type CaseWorkerOptions } from '../../worker/create-worker';
import { dropDatabase } from '../postgres';
import { serveBareApi } from './bare-api';
import { startChild, type Child } from './child-process';
import { migrateDatabase, startDatabase, type DatabaseOptions, type StackDatabase } from './database';
import { Stops, type Log } from './stops';
import { startTemporal, type DevTemporalOptions, type RunningDevServer, type RunningTemporal, type TemporalOptions } from './temporal';
import { writeWorkflowBundle } from './workflow-bundle';

/**
 * One harness for every stack the project starts — the launchers, the tests' global setup and
 * each benchmark: each part comes up through one method, which registers how to take it down, and
 * `stop()` takes everything down newest first (databases dropped, files removed, servers last),
 * after a failed start too. A script composes the parts it needs and keeps only its own work.
 */

const ROOT = resolve(__dirname, '../..');

export type { Log } from './stops';

export interface WorkerProcessOptions {
  /** The worker's whole environment (the stack's, plus WORKFLOW_BUNDLE_PATH and any settings). */
  env: NodeJS.ProcessEnv;
  logFile?: string;
  stopGraceMs?: number;
}

export class StackHarness {
  private readonly stops: Stops;

  constructor(
    readonly log: Log,
    onStopFailure: (name: string, error: Error) => void = (name, error) => log(`stopping ${name} failed: ${error.message}`),
  ) {
    this.stops = new Stops(onStopFailure);
  }

  /** Registers a part started elsewhere, to be stopped with the rest. */
  started(name: string, stop: () => Promise<unknown>): void {
    this.stops.add(name, stop);
  }

  /** Stops every part, newest first; once, however often it is called. */
  stop(): Promise<void> {
    return this.stops.stopAll();
  }

  /**
   * Ctrl-C or SIGTERM stops every part before the process exits (128 + the signal's number, as a
   * shell reports it), so an interrupted run leaves no server, database or file behind.
   */
  stopOnSignals(): void {
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      process.once(signal, () => {
        this.log(`${signal}: stopping the stack`);
        void this.stop().finally(() => process.exit(code));
      });
    }
  }

  /** Runs `work` on this stack and stops the stack after it, whether it succeeded or not. */
  async run<T>(work: (stack: this) => Promise<T>): Promise<T> {
    try {
      return await work(this);
    } finally {
      await this.stop();
    }
  }

  /**
   * A Temporal server in either mode. With `dropDatabases` a cluster's two databases are the
   * stack's own: registered to be dropped before it starts, so a start that fails half-way leaves
   * none behind.
   */
  async temporal(options: DevTemporalOptions): Promise<RunningDevServer>;
  async temporal(options: TemporalOptions, lifetime?: { dropDatabases?: boolean }): Promise<RunningTemporal>;
  async temporal(options: TemporalOptions, lifetime: { dropDatabases?: boolean } = {}): Promise<RunningTemporal> {
    if (options.mode === 'cluster' && options.databases && lifetime.dropDatabases) {
      const { postgresUrl, databases } = options;
      this.started('temporal databases', () => Promise.all([dropDatabase(postgresUrl, databases.temporal), dropDatabase(postgresUrl, databases.visibility)]));
    }
    const temporal = await startTemporal(options, this.log);
    this.started(`temporal ${options.mode === 'dev' ? 'dev server' : 'cluster'}`, () => temporal.stop());
    return temporal;
  }

  /**
   * The product's database, created and migrated, dropped again at the stop unless `keep` (the
   * launchers' database outlives them). An embedded server started for it stops after the drop.
   */
  async database(options: DatabaseOptions & { keep?: boolean; migrate?: boolean }): Promise<StackDatabase> {
    const database = await startDatabase(options);
    this.started('postgres', () => database.stop());
    if (!options.keep) this.started(`database ${database.name}`, () => dropDatabase(database.serverUrl, database.name));
    if (options.migrate !== false) await migrateDatabase(database.url);
    return database;
  }

  /** A kysely pool on `url`, destroyed at the stop. */
  pool(url: string, options: { max?: number } = {}): Db {
    const db = createDb(url, options);
    this.started('db pool', () => db.destroy());
    return db;
  }

  async simulators(options: StartSimulatorsOptions = { port: 0 }): Promise<SimulatorServer> {
    const simulators = await startSimulators(options);
    this.started('simulators', () => simulators.close());
    return simulators;
  }

  /** A fresh folder under the system's temporary one; removed at the stop unless `keep` (a run's logs). */
  workDir(prefix: string, options: { keep?: boolean } = {}): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    if (!options.keep) this.started(`folder ${dir}`, async () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  /** The case workflows bundled once into `path`, for every worker of the stack. */
  workflowBundle(path: string): Promise<string> {
    return writeWorkflowBundle(path, this.log);
  }

  /** A Temporal client speaking the product's payload codec, its connection closed at the stop. */
  async client(address: string, config: Pick<AppConfig, 'payloadCodec' | 'temporal'>): Promise<Client> {
    const connection = await Connection.connect({ address });
    this.started('client connection', () => connection.close());
    return new Client({ connection, namespace: config.temporal.namespace, dataConverter: caseDataConverter(config) });
  }

  async workerConnection(address: string): Promise<NativeConnection> {
    const connection = await NativeConnection.connect({ address });
    this.started('worker connection', () => connection.close());
    return connection;
  }

  /** Starts `worker` polling; the stop shuts it down and waits until its last task is done. */
  runWorker(name: string, worker: Worker): void {
    const running = worker.run();
    this.started(name, async () => {
      worker.shutdown();
      await running;
    });
  }

  /**
   * The case worker in this process, on a connection of its own, polling, its version the
   * deployment's current one (promoted here unless `promote: 'manual'`): a case started from now on
   * runs on it.
   */
  async caseWorker(options: Omit<CaseWorkerOptions, 'connection'>): Promise<Worker> {
    const connection = await this.workerConnection(options.config.temporal.address);
    const worker = await createCaseWorker({ ...options, connection });
    this.runWorker('case worker', worker);
    if (caseWorkerVersion(worker).promote === 'on-start') await caseWorkerVersion(worker).current;
    return worker;
  }

  /**
   * The case worker as a process of its own (`worker/main.ts`), so its memory and CPU are its
   * alone. The caller waits for whatever readiness it needs (`waitUntilReady`): with WORKER_PROMOTE
   * `on-start` (the dev profile's default) its "worker polling" line comes once its version is the
   * deployment's current one, so a case started after that line runs on it.
   */
  workerProcess(options: WorkerProcessOptions): Child {
    const worker = startChild('case worker', process.execPath, ['--import', 'tsx', join(ROOT, 'worker/main.ts')], {
      cwd: ROOT,
      env: options.env,
      ...(options.logFile ? { logFile: options.logFile } : {}),
      ...(options.stopGraceMs ? { stopGraceMs: options.stopGraceMs } : {}),
    });
    this.started('case worker', () => worker.stop());
    return worker;
  }

  /** The API's routes on a free loopback port (scripts/stack/bare-api.ts); answers its URL. */
  async api(options: { config: AppConfig; db: Db; temporal: Client }, name = 'api'): Promise<string> {
    const api = await serveBareApi(options);
    this.started(name, () => api.stop());
    return api.url;
  }
}
