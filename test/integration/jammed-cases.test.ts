import { verifyChain } from '../../store/audit-hash';
import { caseHistory } from '../../store/read-model';
import { caseActionUpdate } from '../../workflows/case/contract';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';
import { within, type Answer } from '../helpers/within';

/**
 * Issue 7, defect 1: no case is ever jammed — not by text PostgreSQL cannot store, not by two
 * agents pressing "resolve" at once, not by a DELAYED parcel turning LOST on a waybill that
 * already has an open LOST case.
 */

let stack: TestStack;

beforeAll(async () => {
  const base = testPolicy();
  stack = await startTestStack({
    // A DELAYED parcel is declared lost after 8 s without movement; one urge only (the interval
    // is long), so the DELAYED case is quiet until then.
    policy: testPolicy({ delayed: { ...base.delayed, urgeIntervalMs: 600_000, totalDelayMs: 8_000 } }),
  });
});
afterAll(async () => {
  await stack?.stop();
});

const view = async (caseId: string) => (await stack.api('supervisor', `/v1/cases/${caseId}`)).body;

/** A LOST case with no value to pay: the playbook hands it to a supervisor, who works it by hand. */
async function openHandedOverLostCase(overrides: Record<string, unknown> = {}) {
  const body = openCaseBody({ type: 'LOST', description: '包裹遗失，无申报价值', ...overrides });
  const opened = await stack.api('agent', '/v1/cases', { body });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  await eventually(
    () => view(caseId),
    (v) => v.status === 'IN_PROGRESS' && v.tier === 2,
    { what: 'handed over to tier 2' },
  );
  return { caseId, body };
}

async function closeWithFeedback(caseId: string) {
  await eventually(
    () => view(caseId),
    (v) => v.status === 'AWAITING_FEEDBACK',
    { what: 'AWAITING_FEEDBACK' },
  );
  expect((await stack.api('system', `/v1/cases/${caseId}/feedback`, { body: { score: 5, channel: 'sms' } })).status).toBe(200);
  const result = await within(
    30_000,
    stack.client.workflow
      .getHandle(caseId)
      .result()
      .then((outcome) => ({ status: 200, body: outcome })),
  );
  expect(result).toMatchObject({ status: 200, body: { status: 'CLOSED' } });
}

async function expectTrailIntact(caseId: string) {
  const events = await caseHistory(stack.db, caseId);
  expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
  expect(verifyChain(caseId, events)).toBeUndefined();
  return events;
}

test('1a: a note with a NUL character, sent past the API, is stored with U+FFFD and recorded as such; the case keeps answering', async () => {
  const { caseId } = await openHandedOverLostCase();

  // Straight to the workflow, as a client that bypasses the API's own check would.
  const handle = stack.client.workflow.getHandle(caseId);
  const poisoned = await within(
    20_000,
    handle
      .executeUpdate(caseActionUpdate, { args: [{ action: { action: 'note', text: 'x\u0000y' }, actor: { kind: 'user', id: 'agent-7', role: 'agent' } }] })
      .then((answer) => ({ status: 200, body: answer })),
  );
  expect(poisoned.status).toBe(200);

  // Later actions answer too: nothing queues behind an unstorable write.
  const later = await within(20_000, stack.api('agent', `/v1/cases/${caseId}/actions`, { body: { action: 'note', text: '客户已回电' } }));
  expect(later.status).toBe(200);
  expect(later.body.notes.map((note: { text: string }) => note.text)).toEqual(['x\uFFFDy', '客户已回电']);

  const stored = await eventually(
    () => caseHistory(stack.db, caseId),
    (events) => events.some((event) => event.kind === 'case.note_added' && event.data.text === '客户已回电'),
    { what: 'both notes in the trail' },
  );
  const sanitised = stored.find((event) => event.kind === 'case.note_added' && event.data.text === 'x\uFFFDy');
  expect(sanitised?.data).toMatchObject({ text: 'x\uFFFDy', unstorableTextReplaced: ['text'] });

  const resolved = await within(
    20_000,
    stack.api('supervisor', `/v1/cases/${caseId}/actions`, { body: { action: 'resolve', outcome: 'goodwill', summary: '已补偿' } }),
  );
  expect(resolved.status).toBe(200);
  await closeWithFeedback(caseId);
  await expectTrailIntact(caseId);
});

test('1b: of several resolves and a cancel sent at once, one takes effect, the others are refused, and the case is never stuck', async () => {
  const { caseId } = await openHandedOverLostCase();
  const handle = stack.client.workflow.getHandle(caseId);
  const supervisor = { kind: 'user' as const, id: 'supervisor-1', role: 'supervisor' as const };
  // All at once, so they reach the workflow together while the first is still pending.
  const send = (action: Record<string, unknown>) =>
    within(
      30_000,
      handle
        .executeUpdate(caseActionUpdate, { args: [{ action: action as never, actor: supervisor }] })
        .then((answer) => ({ status: 200, body: answer }) as Answer)
        .catch(
          (error: Error & { cause?: { type?: string; message?: string } }) =>
            ({ status: error.cause?.type === 'InvalidState' ? 409 : 500, body: error.cause?.message ?? error.message }) as Answer,
        ),
    );
  const answers = await Promise.all([
    send({ action: 'resolve', outcome: 'goodwill', summary: '第一次结案' }),
    send({ action: 'resolve', outcome: 'goodwill', summary: '第二次结案' }),
    send({ action: 'cancel', reason: '重复工单' }),
    send({ action: 'resolve', outcome: 'goodwill', summary: '第三次结案' }),
  ]);
  const statuses = answers.map((answer) => answer.status);
  expect(statuses.filter((status) => status === 200)).toHaveLength(1);
  expect(statuses.filter((status) => status === 409)).toHaveLength(3);

  const settled = await eventually(
    () => view(caseId),
    (v) => v.status === 'AWAITING_FEEDBACK' || v.status === 'CANCELLED',
    { what: 'resolved or cancelled' },
  );
  if (settled.status === 'AWAITING_FEEDBACK') await closeWithFeedback(caseId);
  else expect(await handle.result()).toMatchObject({ status: 'CANCELLED' });
  const events = await expectTrailIntact(caseId);
  expect(events.filter((event) => event.kind === 'case.resolved' || event.kind === 'case.cancelled')).toHaveLength(1);
});

test('1d: a DELAYED parcel past its total delay on a waybill with an open LOST case hands over and names the LOST case; nothing jams', async () => {
  const lost = await openHandedOverLostCase();
  const delayedOpened = await stack.api('agent', '/v1/cases', {
    body: openCaseBody({ type: 'DELAYED', waybillNo: lost.body.waybillNo, orderId: lost.body.orderId }),
  });
  expect(delayedOpened.status).toBe(201);
  const delayedId = delayedOpened.body.caseId as string;

  // No movement for the total delay (8 s): the conversion to LOST is refused and a person decides.
  const handedOver = await eventually(
    () => view(delayedId),
    (v) => v.status === 'IN_PROGRESS' && v.timeline.some((entry: { kind: string }) => entry.kind === 'case.conversion_refused'),
    { what: 'conversion refused, handed over', timeoutMs: 45_000 },
  );
  expect(handedOver.type).toBe('DELAYED');
  expect(handedOver.tier).toBe(2);

  // The read model has both cases, open, each under its own type; the refusal names the LOST case.
  const rows = await eventually(
    () =>
      stack.db
        .selectFrom('cases')
        .select(['case_id', 'type', 'status'])
        .where('waybill_no', '=', lost.body.waybillNo as string)
        .orderBy('case_id')
        .execute(),
    (found) => found.find((row) => row.case_id === delayedId)?.status === 'IN_PROGRESS',
    { what: 'read model caught up' },
  );
  expect(rows).toEqual(
    expect.arrayContaining([
      { case_id: lost.caseId, type: 'LOST', status: 'IN_PROGRESS' },
      { case_id: delayedId, type: 'DELAYED', status: 'IN_PROGRESS' },
    ]),
  );
  const events = await expectTrailIntact(delayedId);
  expect(events.find((event) => event.kind === 'case.conversion_refused')?.data).toMatchObject({ openCaseId: lost.caseId, to: 'LOST' });
  expect(events.some((event) => event.kind === 'case.converted')).toBe(false);

  // The DELAYED case still answers and closes normally.
  const resolved = await within(
    20_000,
    stack.api('supervisor', `/v1/cases/${delayedId}/actions`, { body: { action: 'resolve', outcome: 'merged', summary: '并入遗失工单处理' } }),
  );
  expect(resolved.status).toBe(200);
  await closeWithFeedback(delayedId);
});
