import { sql } from 'kysely';
import { verifyChain } from '../../store/audit-hash';
import { caseHistory } from '../../store/read-model';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';
import { within } from '../helpers/within';

/**
 * Issue 7, defect 1a (workflow side): a write PostgreSQL refuses for good (the store activity's
 * non-retryable `StoreRejected`) never jams the case. Here PostgreSQL itself refuses one audit
 * event (a trigger raising check_violation, as the database would for data it cannot take): the
 * action that caused it still answers, later actions answer, the refusal is visible
 * (`storeWriteRejected` in the view), and once PostgreSQL takes the data again every event lands —
 * `store.write_rejected` included — with an unbroken chain.
 *
 * Needs the store activity's classification of refused writes (helper A: SQLSTATE 22/23 →
 * StoreRejected); without it the activity retries the refused write forever.
 */

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
  await sql`CREATE OR REPLACE FUNCTION test_refuse_marked_event() RETURNS trigger AS $$
    BEGIN
      IF NEW.data->>'text' = 'REFUSE-ME' THEN
        RAISE EXCEPTION 'refused by the test' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql`.execute(stack.db);
  await sql`CREATE TRIGGER test_refuse_marked_event BEFORE INSERT ON case_events
    FOR EACH ROW EXECUTE FUNCTION test_refuse_marked_event()`.execute(stack.db);
});
afterAll(async () => {
  if (stack) {
    await sql`DROP TRIGGER IF EXISTS test_refuse_marked_event ON case_events`.execute(stack.db);
    await stack.stop();
  }
});

const view = async (caseId: string) => (await stack.api('supervisor', `/v1/cases/${caseId}`)).body;
const note = (caseId: string, text: string) => within(20_000, stack.api('agent', `/v1/cases/${caseId}/actions`, { body: { action: 'note', text } }));

test('a write PostgreSQL refuses is loud, blocks no later action, and is stored once PostgreSQL takes it', async () => {
  const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody({ type: 'LOST', description: '包裹遗失，无申报价值' }) });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  await eventually(
    () => view(caseId),
    (v) => v.status === 'IN_PROGRESS' && v.tier === 2,
    { what: 'handed over' },
  );

  expect((await note(caseId, 'REFUSE-ME')).status).toBe(200);
  // Not jammed: the next action answers too, and the case shows the refusal.
  // The read model cannot show a refusal of its own writes: the action's answer (the workflow's
  // view) does, as do the Temporal UI's current details and the worker log.
  const after = await note(caseId, '之后的备注');
  expect(after.status).toBe(200);
  const refused = after.body;
  expect(refused.storeWriteRejected).toMatchObject({ reason: expect.stringMatching(/refused by the test/) });
  expect(refused.timeline.some((entry: { kind: string }) => entry.kind === 'store.write_rejected')).toBe(true);

  // PostgreSQL takes the data again: the next write stores everything, in order.
  await sql`DROP TRIGGER test_refuse_marked_event ON case_events`.execute(stack.db);
  expect((await note(caseId, '恢复后的备注')).status).toBe(200);
  const events = await eventually(
    () => caseHistory(stack.db, caseId),
    (found) => found.some((event) => event.kind === 'case.note_added' && event.data.text === '恢复后的备注'),
    { what: 'the trail caught up' },
  );
  expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
  expect(verifyChain(caseId, events)).toBeUndefined();
  expect(events.filter((event) => event.kind === 'case.note_added').map((event) => event.data.text)).toEqual(['REFUSE-ME', '之后的备注', '恢复后的备注']);
  expect(events.filter((event) => event.kind === 'store.write_rejected')).toHaveLength(1);
  // The recovery is saved right after the write that went through.
  await eventually(
    () => view(caseId),
    (v) => v.storeWriteRejected === undefined,
    { what: 'the read model shows the recovery' },
  );

  const resolved = await within(
    20_000,
    stack.api('supervisor', `/v1/cases/${caseId}/actions`, { body: { action: 'resolve', outcome: 'goodwill', summary: '已处理' } }),
  );
  expect(resolved.status).toBe(200);
});
