import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { loadConfig, type AppConfig } from '../../config';
import { stackEnv } from '../../fixtures/stack-env';
import type { SimulatorServer } from '../../simulators';
import type { Db } from '../../store/database';
import type { CaseWorkerOptions } from '../../worker/create-worker';
import type { StackDatabase } from './database';
import type { StackHarness } from './harness';
import type { RunningDevServer } from './temporal';

/**
 * The whole product in one process on a stack of its own, as most benchmarks want it: a dev
 * server in memory, a fresh database (dropped at the stop), the simulators, one case worker
 * polling in this process (its version current before any case starts) and the API's routes on a
 * free port.
 */

export interface InProcessStackOptions {
  /** The run's own database name. */
  database: string;
  taskQueue: string;
  /** The API's and the worker's pool (kysely's default 10). */
  poolMax?: number;
  /** The SLA policy in place of the configured one (a bench's targets). */
  slaPolicy?: AppConfig['slaPolicy'];
  tuning?: CaseWorkerOptions['tuning'];
}

export interface InProcessStack {
  temporal: RunningDevServer;
  database: StackDatabase;
  db: Db;
  simulators: SimulatorServer;
  config: AppConfig;
  worker: Worker;
  client: Client;
  apiUrl: string;
}

export async function startInProcessStack(stack: StackHarness, options: InProcessStackOptions): Promise<InProcessStack> {
  const temporal = await stack.temporal({ mode: 'dev' });
  const database = await stack.database({ name: options.database });
  const db = stack.pool(database.url, options.poolMax ? { max: options.poolMax } : {});
  const simulators = await stack.simulators();
  const base = loadConfig(
    stackEnv({ databaseUrl: database.url, temporalAddress: temporal.address, taskQueue: options.taskQueue, simulatorsUrl: simulators.url }),
  );
  const config: AppConfig = options.slaPolicy ? { ...base, slaPolicy: options.slaPolicy } : base;
  const bundlePath = await stack.workflowBundle(join(stack.workDir('case-bench-'), 'workflows.js'));
  const worker = await stack.caseWorker({ config, db, workflowBundlePath: bundlePath, ...(options.tuning ? { tuning: options.tuning } : {}) });
  const client = await stack.client(temporal.address, config);
  const apiUrl = await stack.api({ config, db, temporal: client });
  return { temporal, database, db, simulators, config, worker, client, apiUrl };
}
