import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { describeDeployment, versionString } from '../../worker/deployment-version';
import { table } from './format';

/**
 * `ops versions`: the case worker's Worker Deployment as Temporal holds it — each version (build
 * id), which one is current and which ramping, and how many cases still run on each. Unlike the
 * other commands it talks to Temporal, not to the API: promoting a version is a deploy step for
 * whoever runs the workers.
 */

export interface VersionRow {
  buildId: string;
  /** `current`, `ramping 25%`, or empty. */
  routing: string;
  /** The server's status of the version: INACTIVE, CURRENT, RAMPING, DRAINING, DRAINED. */
  status: string;
  /** The server's drainage status (DRAINING, DRAINED) of a version neither current nor ramping. */
  drainage: string;
  /** Cases running on this version now (visibility). */
  running: number;
  /** No case runs on it and it is neither current nor ramping: its workers may go. */
  drained: boolean;
  createdAt: string;
}

const enumName = (names: Record<number, string>, value: unknown, prefix: string): string => {
  const name = names[Number(value ?? 0)] ?? '';
  return name.endsWith('_UNSPECIFIED') ? '' : name.replace(prefix, '');
};

const toIso = (time: { seconds?: unknown } | null | undefined): string => (time?.seconds ? new Date(Number(time.seconds) * 1000).toISOString() : '');

/** Cases running on `buildId`, as visibility counts them (the search attribute Temporal keeps per run). */
async function runningOn(client: Client, deploymentName: string, buildId: string): Promise<number> {
  const version = versionString({ deploymentName, buildId });
  const { count } = await client.workflow.count(`TemporalWorkerDeploymentVersion="${version}" AND ExecutionStatus="Running"`);
  return count;
}

/** The deployment's versions, newest first; empty when the deployment has none yet. */
export async function listVersions(client: Client, deploymentName: string): Promise<VersionRow[]> {
  const info = await describeDeployment(client, deploymentName);
  if (!info) return [];
  const routing = info.routingConfig;
  const rows = await Promise.all(
    (info.versionSummaries ?? []).map(async (summary): Promise<VersionRow> => {
      const buildId = summary.deploymentVersion?.buildId ?? String(summary.version ?? '').replace(`${deploymentName}:`, '');
      const current = routing?.currentDeploymentVersion?.buildId === buildId;
      const ramping = routing?.rampingDeploymentVersion?.buildId === buildId;
      const running = await runningOn(client, deploymentName, buildId);
      return {
        buildId,
        routing: current ? 'current' : ramping ? `ramping ${routing?.rampingVersionPercentage ?? 0}%` : '',
        status: enumName(temporal.api.enums.v1.WorkerDeploymentVersionStatus, summary.status, 'WORKER_DEPLOYMENT_VERSION_STATUS_'),
        drainage: enumName(temporal.api.enums.v1.VersionDrainageStatus, summary.drainageInfo?.status ?? summary.drainageStatus, 'VERSION_DRAINAGE_STATUS_'),
        running,
        drained: !current && !ramping && running === 0,
        createdAt: toIso(summary.createTime),
      };
    }),
  );
  return rows.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export function renderVersions(deploymentName: string, rows: readonly VersionRow[]): string {
  const shown = rows.map((row) => ({ ...row, running: row.drained ? '0 (drained)' : row.running }));
  return table(shown, ['buildId', 'routing', 'status', 'drainage', 'running', 'createdAt'], `Worker Deployment "${deploymentName}"`);
}

export interface TemporalTarget {
  address: string;
  namespace: string;
}

/** A plain client (versions carry no payloads, so no codec), closed after `work`. */
export async function withTemporal<T>(target: TemporalTarget, work: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: target.address, connectTimeout: 5_000 });
  try {
    return await work(new Client({ connection, namespace: target.namespace }));
  } finally {
    await connection.close();
  }
}
