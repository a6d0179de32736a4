import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ensureTemporalNamespace, SearchAttributeTypeMismatchError } from '../../platform/temporal-namespace';
import { SEARCH_ATTRIBUTE_REGISTRY } from '../../workflows/search-attributes';
import { eventually } from '../helpers/test-stack';
import { freePort } from '../../fixtures/free-port';

/**
 * What the API and the worker do at start-up against a server the stack did not start itself: a
 * missing namespace is created with every search attribute the product writes, a second start
 * changes nothing, and an attribute registered with the wrong type stops start-up with a message
 * that names it and both types. Runs against the run's real Temporal server (dev server, or the
 * full cluster with TEMPORAL_MODE=cluster).
 */

let connection: Connection;

beforeAll(async () => {
  connection = await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS as string });
});

afterAll(async () => {
  await connection?.close();
});

const freshNamespace = () => `cases-ns-${randomUUID().slice(0, 8)}`;

test('a missing namespace is created with every search attribute, and a second start adds nothing', async () => {
  const namespace = freshNamespace();
  const first = await ensureTemporalNamespace(connection, { namespace });
  expect(first.createdNamespace).toBe(true);
  expect(first.added.sort()).toEqual(Object.keys(SEARCH_ATTRIBUTE_REGISTRY).sort());

  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  expect(Object.keys(listed.customAttributes ?? {})).toEqual(expect.arrayContaining(Object.keys(SEARCH_ATTRIBUTE_REGISTRY)));

  // Usable at once: a supervisor's query over the new attributes is accepted in the new namespace.
  const client = new Client({ connection, namespace });
  await expect(client.workflow.count(`CaseStatus = 'OPEN' AND SlaBreached = true AND EscalationTier >= 1`)).resolves.toEqual(
    expect.objectContaining({ count: 0 }),
  );

  const second = await ensureTemporalNamespace(connection, { namespace });
  expect(second).toEqual({ createdNamespace: false, added: [] });
});

test('the API and the worker starting together against a fresh namespace both succeed', async () => {
  const namespace = freshNamespace();
  const [api, worker] = await Promise.all([ensureTemporalNamespace(connection, { namespace }), ensureTemporalNamespace(connection, { namespace })]);
  expect([api.createdNamespace, worker.createdNamespace].filter(Boolean)).toHaveLength(1);
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  expect(Object.keys(listed.customAttributes ?? {})).toEqual(expect.arrayContaining(Object.keys(SEARCH_ATTRIBUTE_REGISTRY)));
});

test('an attribute registered with another type stops start-up with a message naming it and both types', async () => {
  const namespace = freshNamespace();
  // Someone registered CaseStatus as an Int before the product ever started here.
  await ensureTemporalNamespace(connection, { namespace, searchAttributes: { CaseStatus: 'Int' } });

  const failure = ensureTemporalNamespace(connection, { namespace });
  await expect(failure).rejects.toBeInstanceOf(SearchAttributeTypeMismatchError);
  await expect(failure).rejects.toThrow(/CaseStatus is registered as Int but the case orchestrator writes it as Keyword/);
  await expect(failure).rejects.toThrow(new RegExp(`namespace "${namespace}"`));

  // Nothing else was added: a stopped start-up leaves the namespace as it found it.
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  expect(Object.keys(listed.customAttributes ?? {})).toEqual(['CaseStatus']);
});

// --- the standalone processes (what a container runs) ----------------------------------------

const ROOT = resolve(__dirname, '../..');

function runEntry(entry: string, env: Record<string, string>): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), [entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      APP_PROFILE: 'dev',
      DATABASE_URL: process.env.TEST_DATABASE_URL as string,
      TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS as string,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exit };
}

test.each(['worker/main.ts', 'api/main.ts'])('%s stops at start-up with the mismatch message alone, exit code 1', async (entry) => {
  const namespace = freshNamespace();
  await ensureTemporalNamespace(connection, { namespace, searchAttributes: { SlaBreached: 'Keyword' } });
  const run = runEntry(entry, { TEMPORAL_NAMESPACE: namespace, PORT: '0' });
  expect(await run.exit).toBe(1);
  expect(run.output()).toContain(
    `Temporal namespace "${namespace}": search attribute type mismatch — SlaBreached is registered as Keyword but the case orchestrator writes it as Bool`,
  );
  expect(run.output()).not.toMatch(/\n\s+at /); // a message, not a stack trace
});

test('the standalone API creates its missing namespace and answers ready', async () => {
  const namespace = freshNamespace();
  const port = await freePort();
  const run = runEntry('api/main.ts', { TEMPORAL_NAMESPACE: namespace, PORT: String(port) });
  try {
    await eventually(
      async () => run.output(),
      (text) => text.includes('API listening') || run.child.exitCode !== null,
      { timeoutMs: 60_000, what: 'API listening' },
    );
    expect(run.output()).toMatch(new RegExp(`namespace \\\\?"${namespace}\\\\?" created`)); // a JSON log line escapes the quotes
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    const listed = await connection.operatorService.listSearchAttributes({ namespace });
    expect(Object.keys(listed.customAttributes ?? {})).toEqual(expect.arrayContaining(Object.keys(SEARCH_ATTRIBUTE_REGISTRY)));
  } finally {
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  }
});
