import { ApplicationFailure } from '@temporalio/common';
import { persistCase } from '../../store/case-store';
import { createDb } from '../../store/database';
import type { CaseView } from '../../domain/case-view';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * persistCase against the real read model: a write PostgreSQL refuses for good fails at once as a
 * non-retryable StoreRejected (the workflow's contract), while a lost connection stays retryable
 * (issue 7, item 1a, store side).
 */

let stack: TestStack;
let caseId: string;
let snapshot: CaseView;

beforeAll(async () => {
  stack = await startTestStack();
  const body = openCaseBody();
  caseId = (await stack.api('agent', '/v1/cases', { body })).body.caseId;
  const row = await eventually(
    () => stack.db.selectFrom('cases').select(['snapshot', 'version']).where('case_id', '=', caseId).executeTakeFirstOrThrow(),
    (r) => r.version > 0,
    { what: 'first persisted snapshot' },
  );
  snapshot = row.snapshot as CaseView;
});
afterAll(async () => {
  await stack?.client.workflow
    .getHandle(caseId)
    .terminate('test over')
    .catch(() => undefined);
  await stack?.stop();
});

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the write to fail');
}

test('a snapshot holding a NUL is StoreRejected, non-retryable, and writes nothing', async () => {
  const poisoned: CaseView = { ...snapshot, version: snapshot.version + 1000, description: 'x\u0000y' };
  const error = await failureOf(persistCase(stack.db, { snapshot: poisoned, events: [] }));
  expect(error).toBeInstanceOf(ApplicationFailure);
  expect(error).toMatchObject({ type: 'StoreRejected', nonRetryable: true });
  const row = await stack.db.selectFrom('cases').select('version').where('case_id', '=', caseId).executeTakeFirstOrThrow();
  expect(row.version).toBeLessThan(poisoned.version);
});

test('a second open case of the same waybill and type is StoreRejected (unique index), not retried', async () => {
  const twin: CaseView = { ...snapshot, caseId: `${caseId.slice(0, -8)}ZZZZZZZZ`, version: 1 };
  const error = await failureOf(persistCase(stack.db, { snapshot: twin, events: [] }));
  expect(error).toMatchObject({ type: 'StoreRejected', nonRetryable: true });
  expect((error as ApplicationFailure).message).toMatch(/cases_one_open_per_waybill_type/);
});

test('a lost connection stays retryable', async () => {
  const unreachable = createDb('postgres://postgres@127.0.0.1:1/nowhere', { max: 1 });
  try {
    const error = await failureOf(persistCase(unreachable, { snapshot, events: [] }));
    expect(error).not.toBeInstanceOf(ApplicationFailure);
  } finally {
    await unreachable.destroy();
  }
});
