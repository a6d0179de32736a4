import { readFileSync } from 'node:fs';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createLogger } from '../api/logging';
import { activityDependenciesFromConfig, createActivities, type ActivityDependencies } from '../activities';
import type { Db } from '../store/database';
import type { AppConfig } from '../config';
import { caseDataConverter } from '../codec/data-converter';
import type { PromotePolicy } from '../config/worker-deployment';
import { caseWriteSinks } from './case-writes';
import { buildIdOf, bundleCaseWorkflows, promoteVersion, untilCurrent, versionString, type DeploymentVersion } from './deployment-version';

/**
 * Builds the case worker. Workflows come from a prebuilt bundle when one is given (tests bundle
 * once for the whole run) or are bundled from source. Every case worker runs under Worker
 * Versioning (worker/deployment-version.ts): a version of the configured Worker Deployment, its
 * build id the bundle's hash, each case pinned to the version it began on.
 */

export interface CaseWorkerOptions {
  config: AppConfig;
  db: Db;
  connection: NativeConnection;
  /** Override adapters (tests point them at a simulator on an ephemeral port). */
  dependencies?: Partial<ActivityDependencies>;
  workflowBundlePath?: string;
  tuning?: Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxCachedWorkflows'>;
  /** The Worker Deployment in place of the configured one (TEMPORAL_DEPLOYMENT_NAME). */
  deploymentName?: string;
  /** The build id in place of the configured (WORKER_BUILD_ID) or derived one. */
  buildId?: string;
  /** The promotion policy in place of the configured one (WORKER_PROMOTE). */
  promote?: PromotePolicy;
}

interface CaseWorkerVersion {
  version: DeploymentVersion;
  promote: PromotePolicy;
  /**
   * Resolves once the version is the deployment's current one. With `on-start` the worker makes
   * it so once it polls; with `manual` it waits for an operator. Rejects if the worker stops first.
   */
  current: Promise<void>;
}

const versions = new WeakMap<Worker, CaseWorkerVersion>();

/** The version a case worker runs as, and when it is current. */
export function caseWorkerVersion(worker: Worker): CaseWorkerVersion {
  const found = versions.get(worker);
  if (!found) throw new Error('not a case worker (createCaseWorker)');
  return found;
}

export const WORKFLOWS_PATH = require.resolve('../workflows');

export async function createCaseWorker(options: CaseWorkerOptions): Promise<Worker> {
  const dependencies = { ...activityDependenciesFromConfig(options.config, options.db), ...options.dependencies };
  const worker = options.config.worker;
  const dataConverter = caseDataConverter(options.config);
  // The in-task writes tell a case, by signal, what the store could not take.
  const client = new Client({ connection: options.connection, namespace: options.config.temporal.namespace, dataConverter });
  const logger = createLogger({ level: options.config.platform.logLevel, component: 'case-writes' });
  // The build id is the hash of the very code the worker runs: the same bundle restarts as the same
  // version, changed workflow code is a new one.
  const code = options.workflowBundlePath
    ? readFileSync(options.workflowBundlePath, 'utf8')
    : await bundleCaseWorkflows(WORKFLOWS_PATH, (line) => logger.warn({ component: 'bundler' }, line));
  const deployment = options.config.deployment;
  const version: DeploymentVersion = {
    deploymentName: options.deploymentName ?? deployment.deploymentName,
    buildId: options.buildId ?? deployment.buildId ?? buildIdOf(code),
  };
  const created = await Worker.create({
    connection: options.connection,
    namespace: options.config.temporal.namespace,
    taskQueue: options.config.temporal.taskQueue,
    workflowBundle: { code },
    // A case stays on the version it began on until it closes (PINNED); a new case starts on the
    // deployment's current version. Workflow code changes ship as new versions, not as patches.
    workerDeploymentOptions: { version, useWorkerVersioning: true, defaultVersioningBehavior: 'PINNED' },
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
  const promote = options.promote ?? deployment.promote;
  const stopped = () => !['INITIALIZED', 'RUNNING'].includes(created.getState());
  let current: Promise<void> | undefined;
  const whenCurrent = (): Promise<void> => {
    current ??= (async () => {
      if (promote === 'on-start') {
        // The server knows a version once one of its workers has polled: wait for the worker to run
        // (an unref'd timer: a worker never run does not keep its process alive).
        while (created.getState() === 'INITIALIZED') await new Promise((resolve) => setTimeout(resolve, 50).unref());
        await promoteVersion(client, version, { abandoned: stopped, timeoutMs: 120_000, taskQueue: options.config.temporal.taskQueue });
      }
      await untilCurrent(client, version, { abandoned: stopped, timeoutMs: promote === 'on-start' ? 120_000 : Number.POSITIVE_INFINITY });
    })();
    current.catch((error: unknown) => {
      if (!stopped()) logger.error({ component: 'worker', version: versionString(version), err: error }, `version ${versionString(version)} is not current`);
    });
    return current;
  };
  // With `on-start` the worker promotes itself from the start; with `manual` nothing is asked of
  // the server until someone waits for the version to be current.
  if (promote === 'on-start') void whenCurrent();
  versions.set(created, {
    version,
    promote,
    get current() {
      return whenCurrent();
    },
  });
  return created;
}

export async function connectWorker(config: AppConfig): Promise<NativeConnection> {
  return NativeConnection.connect({ address: config.temporal.address });
}
