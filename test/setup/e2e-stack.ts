import { randomUUID } from 'node:crypto';
import { freePort, temporalMode } from './global-setup';

/**
 * Which launcher an end-to-end test starts, and where its Temporal server is. With the dev server
 * (default) the test's stack starts a dev server of its own on free ports, as `npm start` does.
 * With TEMPORAL_MODE=cluster the test starts `npm run start:cluster`'s launcher against the full
 * cluster the global setup brought up (server on PostgreSQL + Web UI), which it finds answering
 * and uses, as it would any cluster it did not start.
 */

export interface E2eStack {
  /** The launcher script, relative to the repository. */
  script: 'scripts/dev-stack.ts' | 'scripts/cluster-stack.ts';
  /** Environment for the launcher: where Temporal is or should be started. */
  env: Record<string, string>;
  temporalAddress: string;
  uiUrl: string;
}

export async function e2eStack(): Promise<E2eStack> {
  if (temporalMode() === 'cluster') {
    const temporalAddress = process.env.TEST_TEMPORAL_ADDRESS as string;
    const uiUrl = process.env.TEST_TEMPORAL_UI_URL as string;
    // One cluster serves every file of the run: a task queue of its own keeps each stack's worker
    // on its own cases (and its own simulators and database).
    const env = { TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_UI_URL: uiUrl, TEMPORAL_TASK_QUEUE: `cases-e2e-${randomUUID().slice(0, 8)}` };
    return { script: 'scripts/cluster-stack.ts', env, temporalAddress, uiUrl };
  }
  const [temporalPort, uiPort] = [await freePort(), await freePort()];
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  return {
    script: 'scripts/dev-stack.ts',
    env: { TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_UI_PORT: String(uiPort), TEMPORAL_DB_FILE: 'memory' },
    temporalAddress,
    uiUrl: `http://127.0.0.1:${uiPort}`,
  };
}
