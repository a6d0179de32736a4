import { randomUUID } from 'node:crypto';
import { freePort } from '../../fixtures/free-port';
import { temporalMode } from './global-setup';

/**
 * Which launcher an end-to-end test starts, and where its Temporal server is. With the dev server
 * (default) the test's stack starts a dev server of its own on free ports, as `npm start` does.
 * With TEMPORAL_MODE=cluster the test starts `npm run start:cluster`'s launcher against the full
 * server the global setup brought up (on PostgreSQL, 4 shards), which it finds answering and
 * uses, as it would any cluster it did not start, with a Web UI of its own.
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
  const uiPort = await freePort();
  if (temporalMode() === 'cluster') {
    const temporalAddress = process.env.TEST_TEMPORAL_ADDRESS as string;
    // One cluster serves every file of the run: a task queue of its own keeps each stack's worker
    // on its own cases (and its own simulators and database); the launcher starts a Web UI of its
    // own for it, decoding through its own API.
    const env = { TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_UI_PORT: String(uiPort), TEMPORAL_TASK_QUEUE: `cases-e2e-${randomUUID().slice(0, 8)}` };
    return { script: 'scripts/cluster-stack.ts', env, temporalAddress, uiUrl: `http://127.0.0.1:${uiPort}` };
  }
  const temporalPort = await freePort();
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  return {
    script: 'scripts/dev-stack.ts',
    env: { TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_UI_PORT: String(uiPort), TEMPORAL_DB_FILE: 'memory' },
    temporalAddress,
    uiUrl: `http://127.0.0.1:${uiPort}`,
  };
}
