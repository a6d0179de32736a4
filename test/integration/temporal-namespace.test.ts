import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { ensureTemporalNamespace, SearchAttributeTypeMismatchError } from '../../platform/temporal-namespace';
import { SEARCH_ATTRIBUTE_REGISTRY } from '../../workflows/search-attributes';

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
