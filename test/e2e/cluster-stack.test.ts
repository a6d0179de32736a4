import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { TOPOLOGY, temporalServerPorts } from '../../deploy/topology';
import { dropDatabase, LOCAL_SERVER_URL } from '../../scripts/postgres';
import { SEARCH_ATTRIBUTE_REGISTRY } from '../../workflows/search-attributes';
import { eventually } from '../helpers/test-stack';
import { freePort } from '../../fixtures/free-port';
import { temporalMode } from '../setup/global-setup';

/**
 * `npm run start:cluster` from nothing, as on a machine where no Temporal runs: the launcher
 * migrates fresh Temporal databases, starts the full server (4 history shards) and the Web UI with
 * the API's codec endpoint, creates the namespace with its search attributes, starts the product,
 * and Ctrl-C stops every process it started. (The other e2e files run their cases through this
 * launcher against the cluster of the global setup.) Runs with TEMPORAL_MODE=cluster only: the dev
 * server's runs need no Go-built server.
 */

const ROOT = resolve(__dirname, '../..');
const clusterOnly = temporalMode() === 'cluster' ? describe : describe.skip;
const suffix = `${process.pid}`;
const databases = [`cases_cl_e2e_${suffix}`, `temporal_cl_e2e_${suffix}`, `temporal_vis_cl_e2e_${suffix}`] as const;

let stack: ChildProcess | undefined;
let output = '';

afterAll(async () => {
  if (stack && stack.exitCode === null) stack.kill('SIGKILL');
  for (const database of databases) await dropDatabase(LOCAL_SERVER_URL, database).catch(() => undefined);
});

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function freeFrontendPort(): Promise<number> {
  for (;;) {
    const port = 10_300 + Math.floor(Math.random() * 21_000);
    const open = await Promise.all(Object.values(temporalServerPorts(port)).map(portOpen));
    if (!open.some(Boolean)) return port;
  }
}

clusterOnly('npm run start:cluster', () => {
  test('brings up the whole topology from nothing, and Ctrl-C stops every part', async () => {
    const [apiPort, uiPort, simulatorsPort, frontendPort] = [await freePort(), await freePort(), await freePort(), await freeFrontendPort()];
    const address = `127.0.0.1:${frontendPort}`;
    const [cases, temporal, visibility] = databases;
    stack = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/cluster-stack.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(apiPort),
        TEMPORAL_ADDRESS: address,
        TEMPORAL_UI_PORT: String(uiPort),
        SIMULATORS_PORT: String(simulatorsPort),
        DATABASE_NAME: cases,
        TEMPORAL_DB_NAME: temporal,
        TEMPORAL_VISIBILITY_DB_NAME: visibility,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'case-cluster-e2e-')),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const running = stack;
    running.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    running.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually(
      async () => output,
      (text) => text.includes('ready —') || running.exitCode !== null,
      { timeoutMs: 180_000, what: 'cluster stack ready' },
    );
    if (running.exitCode !== null) throw new Error(`the stack exited early:\n${output}`);
    expect(output).toContain(`PostgreSQL databases ${temporal} + ${visibility}`);

    // The full server, with the topology's shards, and the namespace carrying every attribute.
    const connection = await Connection.connect({ address });
    try {
      const cluster = await connection.workflowService.getClusterInfo({});
      expect(cluster.historyShardCount).toBe(TOPOLOGY.historyShards);
      const listed = await connection.operatorService.listSearchAttributes({ namespace: TOPOLOGY.namespace });
      expect(Object.keys(listed.customAttributes ?? {})).toEqual(expect.arrayContaining(Object.keys(SEARCH_ATTRIBUTE_REGISTRY)));
    } finally {
      await connection.close();
    }

    // The Web UI answers, and decodes payloads through the API's codec endpoint.
    const settings = (await (await fetch(`http://127.0.0.1:${uiPort}/api/v1/settings`)).json()) as { Codec?: { Endpoint?: string } };
    expect(settings.Codec?.Endpoint).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${apiPort}/codec/ui/[A-Za-z0-9_-]{32,}$`));
    expect((await fetch(`http://127.0.0.1:${apiPort}/readyz`)).status).toBe(200);

    running.kill('SIGINT');
    const code = await new Promise<number | null>((done) => running.once('exit', (exitCode) => done(exitCode)));
    expect(code).toBe(0);
    expect(output).toContain('[stack] stopped');
    // Nothing left listening: the server's frontend and the UI went with the launcher.
    expect(await portOpen(frontendPort)).toBe(false);
    expect(await portOpen(uiPort)).toBe(false);
  });
});
