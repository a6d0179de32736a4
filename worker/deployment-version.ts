import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_CONVERTERS } from '../codec/data-converter';

/**
 * The case worker's place in Temporal Worker Versioning. Every case worker belongs to a Worker
 * Deployment (TEMPORAL_DEPLOYMENT_NAME) under a build id derived from its workflow code, so a
 * deploy with changed workflow code is a new version: a case stays pinned to the version it began
 * on until it closes, and new cases start on the deployment's current version. Promoting a version
 * (making it current, or ramping a share of new cases to it) is an operator's step
 * (`ops versions`), or the worker's own at start when WORKER_PROMOTE=on-start.
 */

export interface DeploymentVersion {
  deploymentName: string;
  buildId: string;
}

/** A build id from the workflow bundle's code: 12 hex digits of its sha256. */
export function buildIdOf(code: string): string {
  return createHash('sha256').update(code).digest('hex').slice(0, 12);
}

/** The build id of a prebuilt bundle file. */
export function buildIdOfBundle(path: string): string {
  return buildIdOf(readFileSync(path, 'utf8'));
}

type LineLog = (line: string) => void;

/** The workflow code at `workflowsPath` bundled with the payload converters every case worker uses. */
export async function bundleCaseWorkflows(workflowsPath: string, warn: LineLog = () => undefined): Promise<string> {
  const drop = () => undefined;
  const logger = { log: drop, trace: drop, debug: drop, info: drop, warn, error: warn };
  return (await bundleWorkflowCode({ workflowsPath, ...WORKFLOW_BUNDLE_CONVERTERS, logger })).code;
}

/** The version's canonical string, as the server and the search attribute spell it: `<deployment>:<buildId>`. */
export function versionString(version: DeploymentVersion): string {
  return `${version.deploymentName}:${version.buildId}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryOptions {
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
  /** Stop retrying early when this answers true (the worker shut down). */
  abandoned?: () => boolean;
  identity?: string;
}

/**
 * Errors worth waiting out: the server does not know the version yet (it registers a version once
 * one of its workers has polled), or another change of the deployment is under way.
 */
function transient(error: unknown): boolean {
  if (error instanceof NotReady) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /not ?found|not registered|does not exist|no pollers|conflict|in progress|concurrent|try again|unavailable|deadline|resource ?exhausted|failed.?precondition/i.test(
    message,
  );
}

async function retrying<T>(what: string, call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (let delay = 100; ; delay = Math.min(delay * 2, 1_000)) {
    try {
      return await call();
    } catch (error) {
      if (options.abandoned?.()) throw new Error(`${what}: given up, the worker stopped`, { cause: error });
      if (!transient(error) || Date.now() + delay > deadline) throw error;
    }
    await sleep(delay);
  }
}

/**
 * Whether every task queue the version has registered is registered for both workflow and
 * activity tasks (a case worker polls both), and `taskQueue`, when given, among them. The server
 * registers a task queue type with the version at the first poll of that type; a version promoted
 * before its activity pollers are registered would send its cases' activities nowhere.
 */
async function fullyRegistered(client: Client, version: DeploymentVersion, taskQueue?: string): Promise<string | undefined> {
  const { workerDeploymentVersionInfo: info } = await client.workflowService.describeWorkerDeploymentVersion({
    namespace: client.options.namespace,
    deploymentVersion: version,
  });
  const types = new Map<string, Set<number>>();
  for (const queue of info?.taskQueueInfos ?? []) {
    const name = queue.name ?? '';
    types.set(name, (types.get(name) ?? new Set()).add(Number(queue.type ?? 0)));
  }
  if (taskQueue && !types.has(taskQueue)) return `task queue ${taskQueue} not registered yet`;
  if (!types.size) return 'no task queue registered yet';
  // 1 = TASK_QUEUE_TYPE_WORKFLOW, 2 = TASK_QUEUE_TYPE_ACTIVITY.
  const partial = [...types].filter(([, registered]) => !registered.has(1) || !registered.has(2)).map(([name]) => name);
  return partial.length ? `task queue ${partial.join(', ')} not registered for both workflow and activity tasks yet` : undefined;
}

class NotReady extends Error {}

/**
 * Makes `version` the deployment's current version: new cases start on it, and cases pinned to
 * other versions stay where they are. Waits while the server does not know the version or its
 * task queues yet (`taskQueue`: the one the caller's worker polls). Promoting the current version
 * again changes nothing.
 */
export async function promoteVersion(client: Client, version: DeploymentVersion, options: RetryOptions & { taskQueue?: string } = {}): Promise<void> {
  const namespace = client.options.namespace;
  await retrying(
    `making ${versionString(version)} current`,
    async () => {
      const info = await describeDeployment(client, version.deploymentName);
      if (info?.routingConfig?.currentDeploymentVersion?.buildId === version.buildId) return;
      const missing = await fullyRegistered(client, version, options.taskQueue);
      if (missing) throw new NotReady(`${versionString(version)}: ${missing}`);
      await client.workflowService.setWorkerDeploymentCurrentVersion({
        namespace,
        deploymentName: version.deploymentName,
        buildId: version.buildId,
        identity: options.identity ?? client.options.identity,
      });
    },
    options,
  );
}

/**
 * Sends `percent` of new cases to `version` while the current version takes the rest; 0 stops
 * the ramp (the version stays registered).
 */
export async function rampVersion(client: Client, version: DeploymentVersion, percent: number, options: RetryOptions = {}): Promise<void> {
  if (!(percent >= 0 && percent <= 100)) throw new Error(`a ramp is a percentage from 0 to 100, not ${percent}`);
  await retrying(
    `ramping ${versionString(version)} to ${percent} %`,
    async () => {
      const missing = percent > 0 ? await fullyRegistered(client, version) : undefined;
      if (missing) throw new NotReady(`${versionString(version)}: ${missing}`);
      await client.workflowService.setWorkerDeploymentRampingVersion({
        namespace: client.options.namespace,
        deploymentName: version.deploymentName,
        buildId: version.buildId,
        percentage: percent,
        identity: options.identity ?? client.options.identity,
      });
    },
    options,
  );
}

type DeploymentInfo = NonNullable<Awaited<ReturnType<Client['workflowService']['describeWorkerDeployment']>>['workerDeploymentInfo']>;

/** The deployment as the server describes it; undefined while it has none of that name. */
export async function describeDeployment(client: Client, deploymentName: string): Promise<DeploymentInfo | undefined> {
  try {
    const response = await client.workflowService.describeWorkerDeployment({ namespace: client.options.namespace, deploymentName });
    return response.workerDeploymentInfo ?? undefined;
  } catch (error) {
    if (/not ?found/i.test(error instanceof Error ? error.message : String(error))) return undefined;
    throw error;
  }
}

/**
 * Resolves once `version` is the deployment's current version and the server has finished handing
 * that to the version's task queues: from then on a case started goes to this version's workers.
 * Every harness waits for this before it starts a case (a case started while the deployment has no
 * current version waits, unversioned, for one).
 */
export async function untilCurrent(client: Client, version: DeploymentVersion, options: RetryOptions = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let last = 'no deployment yet';
  for (;;) {
    const info = await describeDeployment(client, version.deploymentName).catch((error: unknown) => {
      last = (error as Error).message;
      return undefined;
    });
    if (info) {
      const current = info.routingConfig?.currentDeploymentVersion?.buildId;
      // 1 = IN_PROGRESS (RoutingConfigUpdateState): the task queues do not all know it yet.
      const propagating = Number(info.routingConfigUpdateState ?? 0) === 1;
      if (current === version.buildId && !propagating) return;
      last = `current version ${current ? versionString({ deploymentName: version.deploymentName, buildId: current }) : 'none'}${propagating ? ', still propagating' : ''}`;
    }
    if (options.abandoned?.()) throw new Error(`waiting for ${versionString(version)} to be current: given up, the worker stopped`);
    if (Date.now() > deadline) throw new Error(`${versionString(version)} did not become current within ${options.timeoutMs ?? 60_000} ms (${last})`);
    await sleep(200);
  }
}
