import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createLogger } from '../api/logging';
import { activityDependenciesFromConfig, createActivities, type ActivityDependencies } from '../activities';
import type { Db } from '../store/database';
import type { AppConfig } from '../config';
import { caseDataConverter } from '../codec/data-converter';
import { caseWriteSinks } from './case-writes';

/**
 * Builds the case worker. Workflows come from a prebuilt bundle when one is given (tests bundle
 * once for the whole run) or are bundled from source.
 */

export interface CaseWorkerOptions {
  config: AppConfig;
  db: Db;
  connection: NativeConnection;
  /** Override adapters (tests point them at a simulator on an ephemeral port). */
  dependencies?: Partial<ActivityDependencies>;
  workflowBundlePath?: string;
  tuning?: Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxCachedWorkflows'>;
}

export const WORKFLOWS_PATH = require.resolve('../workflows');

export async function createCaseWorker(options: CaseWorkerOptions): Promise<Worker> {
  const dependencies = { ...activityDependenciesFromConfig(options.config, options.db), ...options.dependencies };
  const worker = options.config.worker;
  const dataConverter = caseDataConverter(options.config);
  // The in-task writes tell a case, by signal, what the store could not take.
  const client = new Client({ connection: options.connection, namespace: options.config.temporal.namespace, dataConverter });
  const logger = createLogger({ level: options.config.platform.logLevel, component: 'case-writes' });
  return Worker.create({
    connection: options.connection,
    namespace: options.config.temporal.namespace,
    taskQueue: options.config.temporal.taskQueue,
    ...(options.workflowBundlePath ? { workflowBundle: { codePath: options.workflowBundlePath } } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities(dependencies),
    sinks: caseWriteSinks({ db: options.db, client: client.workflow, logger }),
    // Encrypts every payload the worker writes and decrypts what clients wrote (codec/).
    dataConverter,
    // Cache, concurrency and pollers from WORKER_* (config/worker-settings.ts, where each default's
    // reason is): long-running cases mostly sleep, so the cache is bounded by memory, not by cases.
    maxCachedWorkflows: worker.maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: worker.maxConcurrentWorkflowTaskExecutions,
    maxConcurrentActivityTaskExecutions: worker.maxConcurrentActivityTaskExecutions,
    maxConcurrentWorkflowTaskPolls: worker.maxConcurrentWorkflowTaskPolls,
    maxConcurrentActivityTaskPolls: worker.maxConcurrentActivityTaskPolls,
    // A worker that dies (SIGKILL, OOM, a lost host) leaves the next task of every case it had
    // cached on its own sticky queue until this time-out; the default 10 s is most of the chaos
    // run's 15 s recovery goal. A live worker takes its sticky tasks in milliseconds.
    stickyQueueScheduleToStartTimeout: worker.stickyQueueScheduleToStartTimeoutMs,
    ...options.tuning,
  });
}

export async function connectWorker(config: AppConfig): Promise<NativeConnection> {
  return NativeConnection.connect({ address: config.temporal.address });
}
