import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { caseWorkerVersion, createCaseWorker } from '../../worker/create-worker';
import { buildIdOfBundle, promoteVersion, untilCurrent, type DeploymentVersion } from '../../worker/deployment-version';
import { listVersions, renderVersions } from '../../scripts/ops/versions';
import { bundleWorkflowsAt } from '../helpers/old-workflow-code';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * A deploy under Worker Versioning, end to end: build A (the workflow code of the commit checked
 * out) runs cases; build B (the working tree's bundle) joins and is promoted; new cases start on
 * B while A's cases go on and close on A, the version they began on; then A has nothing left
 * running (`ops versions` says drained) and its worker may go. The stack's Worker Deployment and
 * task queue are its own, so files running beside it never see these versions.
 */

let stack: TestStack;
let connection: NativeConnection;
const running: Array<{ worker: Worker; done: Promise<void> }> = [];

beforeAll(async () => {
  stack = await startTestStack({ inProcessWorker: false });
  connection = await NativeConnection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS as string });
});
afterAll(async () => {
  for (const { worker } of running) if (worker.getState() === 'RUNNING') worker.shutdown();
  await Promise.all(running.map(({ done }) => done));
  await connection?.close();
  await stack?.stop();
});

/** A worker of `bundle` polling the stack's queue; nothing promotes it (WORKER_PROMOTE=manual). */
async function startWorker(bundle: string): Promise<DeploymentVersion> {
  const worker = await createCaseWorker({ config: stack.config, db: stack.db, connection, workflowBundlePath: bundle, promote: 'manual' });
  running.push({ worker, done: worker.run() });
  return caseWorkerVersion(worker).version;
}

async function promote(version: DeploymentVersion): Promise<void> {
  await promoteVersion(stack.client, version);
  await untilCurrent(stack.client, version);
}

/** The operator CLI (`npm run ops -- versions …`) as a process, pointed at this stack's deployment. */
function ops(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = join(__dirname, '..', '..', 'scripts', 'ops', 'main.ts');
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: stack.config.temporal.address,
    TEMPORAL_NAMESPACE: stack.config.temporal.namespace,
    TEMPORAL_DEPLOYMENT_NAME: stack.config.deployment.deploymentName,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [require.resolve('tsx/cli'), cli, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const view = async (caseId: string) => (await stack.api('agent', `/v1/cases/${caseId}`)).body;

async function openWaitingCase(): Promise<{ caseId: string; waybillNo: string }> {
  const body = openCaseBody({ type: 'DELAYED' });
  const opened = await stack.api('agent', '/v1/cases', { body });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  await eventually(
    () => view(caseId),
    (v) => v.status === 'WAITING_CARRIER',
    { what: `${caseId} waiting for the carrier` },
  );
  return { caseId, waybillNo: body.waybillNo as string };
}

async function deliverAndClose({ caseId, waybillNo }: { caseId: string; waybillNo: string }): Promise<void> {
  await stack.pushTracking({ eventId: `${caseId}-delivered`, waybillNo, status: 'Delivered', location: '广州白云' });
  await eventually(
    () => view(caseId),
    (v) => v.status === 'AWAITING_FEEDBACK',
    { what: `${caseId} AWAITING_FEEDBACK` },
  );
  const feedback = await stack.api('system', `/v1/cases/${caseId}/feedback`, { body: { score: 5, channel: 'sms' } });
  expect(feedback.status).toBe(200);
  expect(await stack.client.workflow.getHandle(caseId).result()).toMatchObject({ caseId, status: 'CLOSED' });
}

/** The build id a case's run is pinned to, as Temporal records it. */
async function pinnedTo(caseId: string): Promise<{ buildId?: string; behavior: unknown }> {
  const info = (await stack.client.workflow.getHandle(caseId).describe()).raw.workflowExecutionInfo?.versioningInfo;
  return { ...(info?.deploymentVersion?.buildId ? { buildId: info.deploymentVersion.buildId } : {}), behavior: info?.behavior };
}

test('cases begun on A finish on A while new cases start on B; A drains', async () => {
  const deploymentName = stack.config.deployment.deploymentName;
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: __dirname, encoding: 'utf8' }).trim();
  const bundleA = await bundleWorkflowsAt(head);
  const bundleB = process.env.TEST_WORKFLOW_BUNDLE as string;
  // Bundled differently (A without the product's failure converter), so two build ids even when
  // the commit's workflow code is the working tree's.
  expect(buildIdOfBundle(bundleA)).not.toBe(buildIdOfBundle(bundleB));

  const a = await startWorker(bundleA);
  expect(a).toEqual({ deploymentName, buildId: buildIdOfBundle(bundleA) });
  await promote(a);
  const onA = [await openWaitingCase(), await openWaitingCase()];

  // The deploy: B's workers join; an operator promotes B.
  const b = await startWorker(bundleB);
  const promoted = await ops('versions', 'promote', b.buildId);
  expect(promoted).toMatchObject({ code: 0, stdout: `${deploymentName}:${b.buildId} is current\n` });
  await untilCurrent(stack.client, b);
  const onB = [await openWaitingCase(), await openWaitingCase()];

  const pinned = 1; // VersioningBehavior.PINNED
  for (const { caseId } of onA) expect(await pinnedTo(caseId)).toEqual({ buildId: a.buildId, behavior: pinned });
  for (const { caseId } of onB) expect(await pinnedTo(caseId)).toEqual({ buildId: b.buildId, behavior: pinned });

  // While A's cases run, A is not drained and its workers must stay.
  const during = await eventually(
    () => listVersions(stack.client, deploymentName),
    (rows) => rows.find((row) => row.buildId === a.buildId)?.running === onA.length,
    { what: `${onA.length} cases running on A`, timeoutMs: 20_000 },
  );
  expect(during.find((row) => row.buildId === b.buildId)).toMatchObject({ routing: 'current', drained: false });
  expect(during.find((row) => row.buildId === a.buildId)).toMatchObject({ routing: '', drained: false });

  // A's cases take their next steps on A, the code they began on, and close there.
  for (const waiting of onA) await deliverAndClose(waiting);
  for (const { caseId } of onA) expect((await pinnedTo(caseId)).buildId).toBe(a.buildId);

  const after = await eventually(
    () => listVersions(stack.client, deploymentName),
    (rows) => rows.find((row) => row.buildId === a.buildId)?.drained === true,
    { what: 'A drained', timeoutMs: 20_000 },
  );
  expect(after.find((row) => row.buildId === a.buildId)).toMatchObject({ running: 0, drained: true });
  // B runs its own cases and every workflow started since it became current (the carrier's pushes
  // for A's waybills started their shipment-notice workflows there).
  expect(after.find((row) => row.buildId === b.buildId)).toMatchObject({ routing: 'current', drained: false });
  expect(after.find((row) => row.buildId === b.buildId)?.running).toBeGreaterThanOrEqual(onB.length);
  expect(renderVersions(deploymentName, after)).toMatch(new RegExp(`${a.buildId}.*0 \\(drained\\)`));
  const listed = await ops('versions');
  expect(listed.code).toBe(0);
  expect(listed.stdout).toMatch(new RegExp(`${b.buildId} .*current`));
  expect(listed.stdout).toMatch(new RegExp(`${a.buildId} .*0 \\(drained\\)`));

  // B's cases close on B.
  for (const waiting of onB) await deliverAndClose(waiting);
  for (const { caseId } of onB) expect((await pinnedTo(caseId)).buildId).toBe(b.buildId);
});
