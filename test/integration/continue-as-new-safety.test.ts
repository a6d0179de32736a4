import { verifyChain } from '../../store/audit-hash';
import { caseHistory } from '../../store/read-model';
import { caseActionUpdate, trackingEventSignal } from '../../workflows/case/contract';
import { executeCaseUpdate } from '../../api/case-updates';
import type { CaseWorkflowInput } from '../../workflows/case/carry-over';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';
import { decodePayloadValue } from '../helpers/payloads';
import { within, type Answer } from '../helpers/within';

/**
 * Issue 7, defects 1c, 2 and 9: continue-as-new never loses or jams anything. With a small
 * CASE_HISTORY_LIMIT, cases cut their history often while signals and updates keep arriving:
 * every event lands in the trail (contiguous seq, verified chain), an agent's resolve is never
 * left hanging, and the state carried from run to run stays bounded.
 */

let stack: TestStack;

beforeAll(async () => {
  const base = testPolicy();
  stack = await startTestStack({
    policy: testPolicy({ delayed: { ...base.delayed, urgeIntervalMs: 600_000, totalDelayMs: 3_600_000 } }),
    env: { CASE_HISTORY_LIMIT: '100' },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const view = async (caseId: string) => (await stack.api('supervisor', `/v1/cases/${caseId}`)).body;
const supervisor = { kind: 'user' as const, id: 'supervisor-1', role: 'supervisor' as const };

async function runs(caseId: string): Promise<string[]> {
  const found: string[] = [];
  for await (const execution of stack.client.workflow.list({ query: `WorkflowId="${caseId}"` })) found.push(execution.runId);
  return found;
}

/**
 * Sends one action straight to the workflow, as the API does (executeCaseUpdate: sent again under
 * the same update id while a failed workflow task turns it away); answers 200, 409 (refused as
 * InvalidState), or the error.
 */
function act(caseId: string, action: Record<string, unknown>, ms = 30_000): Promise<Answer> {
  return within(
    ms,
    executeCaseUpdate(stack.client.workflow.getHandle(caseId), caseActionUpdate, { args: [{ action: action as never, actor: supervisor }] })
      .then((answer) => ({ status: 200, body: answer }) as Answer)
      .catch(
        (error: Error & { cause?: { type?: string; message?: string } }) =>
          ({ status: error.cause?.type === 'InvalidState' ? 409 : 500, body: error.cause?.message ?? error.message }) as Answer,
      ),
  );
}

async function openHandedOverLostCase() {
  const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody({ type: 'LOST', description: '包裹遗失，无申报价值' }) });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  await eventually(
    () => view(caseId),
    (v) => v.status === 'IN_PROGRESS' && v.tier === 2,
    { what: 'handed over' },
  );
  // The hand-over is complete (the ops group told): the case now waits for a person.
  await eventually(
    async () => stack.simulators.ledger.entries({ system: 'wecom' }).filter((entry) => entry.idempotencyKey === `${caseId}:escalate:tier2:wecom`),
    (entries) => entries.length === 1,
    { what: 'hand-over notice' },
  );
  await eventually(
    () => view(caseId),
    (v) => v.timeline.at(-1)?.kind === 'notification.sent',
    { what: 'hand-over notice recorded' },
  );
  return caseId;
}

async function expectTrailIntact(caseId: string) {
  const events = await caseHistory(stack.db, caseId);
  expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
  expect(verifyChain(caseId, events)).toBeUndefined();
  return events;
}

/** The state the latest run of a case was started with (what continue-as-new carried over). */
async function carriedState(caseId: string): Promise<NonNullable<CaseWorkflowInput['resume']>['state'] | undefined> {
  const history = await stack.client.workflow.getHandle(caseId).fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  const input = await decodePayloadValue<CaseWorkflowInput>(stack.config, payload);
  return input.resume?.state;
}

test('2: tracking signals and notes racing the continue-as-new point all land in the trail, and the case goes on', async () => {
  const body = openCaseBody();
  const opened = await stack.api('agent', '/v1/cases', { body });
  const caseId = opened.body.caseId as string;
  await eventually(
    () => view(caseId),
    (v) => v.status === 'WAITING_CARRIER',
    { what: 'WAITING_CARRIER' },
  );
  const handle = stack.client.workflow.getHandle(caseId);

  // Bursts of scans and notes at once: some arrive while the run persists for the last time.
  let scans = 0;
  let notes = 0;
  // At least six bursts, and on until the history limit has cut the case at least once.
  for (let burst = 0; burst < 6 || (burst < 30 && (await runs(caseId)).length < 2); burst++) {
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 8; i++) {
      scans += 1;
      sends.push(
        handle.signal(trackingEventSignal, {
          eventId: `${caseId}-hub-${scans}`,
          provider: 'generic',
          carrier: 'SF',
          waybillNo: body.waybillNo as string,
          status: 'Exception',
          subStatus: 'processing_delay',
          occurredAt: new Date().toISOString(),
          location: `转运中心${scans}`,
        }),
      );
    }
    for (let i = 0; i < 3; i++) {
      notes += 1;
      sends.push(act(caseId, { action: 'note', text: `并发备注 ${notes}` }).then((answer) => expect(answer.status).toBe(200)));
    }
    await Promise.all(sends);
  }
  expect((await runs(caseId)).length).toBeGreaterThanOrEqual(2);

  // The case still moves: delivery resolves it and feedback closes it.
  expect((await stack.pushTracking({ eventId: `${caseId}-delivered`, waybillNo: body.waybillNo, status: 'Delivered' })).status).toBe(200);
  await eventually(
    () => view(caseId),
    (v) => v.status === 'AWAITING_FEEDBACK',
    { what: 'resolved by delivery', timeoutMs: 45_000 },
  );

  // Scans keep coming while the feedback closes the case: every one the workflow accepted — some
  // during its very last write — is in the trail, none lost with the closing run.
  const late: string[] = [];
  let streaming = true;
  const stream = (async () => {
    for (let n = 1; streaming && n <= 200; n++) {
      const eventId = `${caseId}-late-${n}`;
      const accepted = await handle
        .signal(trackingEventSignal, {
          eventId,
          provider: 'generic',
          carrier: 'SF',
          waybillNo: body.waybillNo as string,
          status: 'Delivered',
          occurredAt: new Date().toISOString(),
        })
        .then(() => true)
        .catch(() => false); // the workflow has closed: the signal was refused, not lost
      if (!accepted) return;
      late.push(eventId);
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect((await stack.api('system', `/v1/cases/${caseId}/feedback`, { body: { score: 5, channel: 'sms' } })).status).toBe(200);
  const result = await within(
    30_000,
    handle.result().then((outcome) => ({ status: 200, body: outcome })),
  );
  streaming = false;
  await stream;
  expect(result).toMatchObject({ status: 200, body: { status: 'CLOSED' } });

  const events = await eventually(
    () => caseHistory(stack.db, caseId),
    (found) => found.filter((event) => event.kind === 'tracking.event').length >= scans + 1 + late.length,
    { what: 'every accepted scan in the trail', timeoutMs: 10_000 },
  ).catch(() => caseHistory(stack.db, caseId));
  const stored = new Set(events.filter((event) => event.kind === 'tracking.event').map((event) => event.data.eventId));
  expect(late.filter((eventId) => !stored.has(eventId))).toEqual([]);
  expect(events.filter((event) => event.kind === 'tracking.event')).toHaveLength(scans + 1 + late.length);
  expect(events.filter((event) => event.kind === 'case.note_added')).toHaveLength(notes);
  await expectTrailIntact(caseId);
});

test('1c: a resolve sent while the case winds down to continue as new is refused with "try again", never left hanging', async () => {
  const caseId = await openHandedOverLostCase();
  const handle = stack.client.workflow.getHandle(caseId);
  // An assignment whose staff notice is slow (the ops bot takes 6 s): the run cannot end before it.
  stack.simulators.faults.set([{ system: 'wecom', latencyMs: 6_000 }]);
  try {
    const assigned = act(caseId, { action: 'assign', assignee: 'supervisor-9' });
    // Notes push the history past the limit: the case decides to continue as new and waits for
    // the assignment to finish.
    let note = 0;
    while ((await handle.describe()).historyLength < 110) {
      expect((await act(caseId, { action: 'note', text: `备注 ${++note}` })).status).toBe(200);
    }
    const during = await act(caseId, { action: 'resolve', outcome: 'goodwill', summary: '主管处理完毕' }, 15_000);
    expect(during).toMatchObject({ status: 409, body: expect.stringMatching(/next run/) });
    expect((await assigned).status).toBe(200);
  } finally {
    stack.simulators.faults.clear();
  }
  await eventually(
    () => runs(caseId),
    (found) => found.length >= 2,
    { what: 'the next run' },
  );
  // In the next run the same resolve is applied.
  expect((await act(caseId, { action: 'resolve', outcome: 'goodwill', summary: '主管处理完毕' })).status).toBe(200);
  await eventually(
    () => view(caseId),
    (v) => v.status === 'AWAITING_FEEDBACK',
    { what: 'AWAITING_FEEDBACK' },
  );
  expect((await stack.api('system', `/v1/cases/${caseId}/feedback`, { body: { score: 5, channel: 'sms' } })).status).toBe(200);
  const result = await within(
    30_000,
    handle.result().then((outcome) => ({ status: 200, body: outcome })),
  );
  expect(result).toMatchObject({ status: 200, body: { status: 'CLOSED' } });
  const events = await expectTrailIntact(caseId);
  expect(events.filter((event) => event.kind === 'case.resolved')).toHaveLength(1);
});

test('9: notes across many runs: the carried state keeps only the newest, says how many are elided, and the trail keeps them all', async () => {
  const caseId = await openHandedOverLostCase();
  const total = 75;
  for (let note = 1; note <= total; note++) {
    const answer = await act(caseId, { action: 'note', text: `第${note}条备注` });
    expect(answer.status).toBe(200);
  }
  expect((await runs(caseId)).length).toBeGreaterThanOrEqual(3);

  const carried = await carriedState(caseId);
  expect(carried?.notes.length).toBeLessThanOrEqual(50);
  const current = await view(caseId);
  expect(current.notes.length + (current.elided?.notes ?? 0)).toBe(total);
  expect(current.elided?.notes).toBeGreaterThan(0);
  expect(current.notes.at(-1).text).toBe(`第${total}条备注`);

  const events = await expectTrailIntact(caseId);
  expect(events.filter((event) => event.kind === 'case.note_added')).toHaveLength(total);
});

test('9: a long damage assessment is a continue-as-new point: the case cuts its history there and resolves in the next run', async () => {
  const opened = await stack.api('agent', '/v1/cases', {
    body: openCaseBody({ type: 'DAMAGED', description: '配件破损', orderValue: 40_000, items: [{ sku: 'BRK-PAD-01', qty: 1 }] }),
  });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  await eventually(
    () => view(caseId),
    (v) => v.status === 'WAITING_CUSTOMER',
    { what: 'evidence requested' },
  );
  const added = await stack.api('system', `/v1/cases/${caseId}/actions`, {
    body: { action: 'add-evidence', evidence: { kind: 'photo', description: '外箱压损', url: 'https://oss.example.com/d/1.jpg' } },
  });
  expect(added.status).toBe(200);
  await eventually(
    () => view(caseId),
    (v) => v.status === 'IN_PROGRESS',
    { what: 'assessing the damage' },
  );

  // The assessment takes a while: notes pile up in the history until the case cuts it.
  for (let note = 1; note <= 40 && (await runs(caseId)).length < 2; note++) {
    expect((await act(caseId, { action: 'note', text: `定损进行中 ${note}` })).status).toBe(200);
  }
  expect((await runs(caseId)).length).toBeGreaterThanOrEqual(2);
  expect((await view(caseId)).status).toBe('IN_PROGRESS');

  // In the next run the assessment goes on: a reship resolves the case.
  expect((await act(caseId, { action: 'reship', reason: '破损件补发' })).status).toBe(200);
  const resolved = await eventually(
    () => view(caseId),
    (v) => v.status === 'AWAITING_FEEDBACK',
    { what: 'resolved by the reship' },
  );
  expect(resolved.resolution).toMatchObject({ outcome: 'reshipped' });
  await expectTrailIntact(caseId);
});

test('9: waiting for delivery after a redirect is a continue-as-new point: scans for weeks, then delivered in a later run', async () => {
  const body = openCaseBody({
    type: 'ADDRESS_CHANGE',
    description: '客户要求改址',
    newAddress: { name: '李四', phone: '13900139000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园一路1号' },
    items: [{ sku: 'SKU-OIL', qty: 4 }],
  });
  const opened = await stack.api('agent', '/v1/cases', { body });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  await eventually(
    () => view(caseId),
    (v) => v.status === 'WAITING_CARRIER',
    { what: 'redirected, waiting for delivery' },
  );

  // The parcel scans on its way to the new address: the case cuts its history while it waits.
  const handle = stack.client.workflow.getHandle(caseId);
  const firstRun = (await handle.describe()).runId;
  for (let scan = 1; scan <= 60 && (await handle.describe()).runId === firstRun; scan++) {
    expect(
      (await stack.pushTracking({ eventId: `${caseId}-scan-${scan}`, waybillNo: body.waybillNo, status: 'InTransit', location: `中转${scan}` })).status,
    ).toBe(200);
  }
  // The cut waits for the last scans' handlers to finish.
  await eventually(
    async () => (await handle.describe()).runId,
    (runId) => runId !== firstRun,
    { what: 'the next run', timeoutMs: 20_000 },
  );
  await eventually(
    () => view(caseId),
    (v) => v.status === 'WAITING_CARRIER',
    { what: 'still waiting for delivery in the next run' },
  );

  expect((await stack.pushTracking({ eventId: `${caseId}-delivered`, waybillNo: body.waybillNo, status: 'Delivered' })).status).toBe(200);
  const resolved = await eventually(
    () => view(caseId),
    (v) => v.status === 'AWAITING_FEEDBACK',
    { what: 'resolved on delivery' },
  );
  expect(resolved.resolution).toMatchObject({ outcome: 'redirected' });
  const events = await expectTrailIntact(caseId);
  expect(events.filter((event) => event.kind === 'case.resolved')).toHaveLength(1);
});

test("9: the customer's window to choose after a failed delivery is a continue-as-new point: the choice is still offered and taken in the next run", async () => {
  const body = openCaseBody({ type: 'REFUSED', description: '派件失败，门店未营业', orderValue: 5_000 });
  const opened = await stack.api('agent', '/v1/cases', { body });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  await eventually(
    () => view(caseId),
    (v) => v.status === 'WAITING_CUSTOMER' && v.awaitingRemedy !== undefined,
    { what: 'waiting for the customer' },
  );

  for (let note = 1; note <= 40 && (await runs(caseId)).length < 2; note++) {
    expect((await act(caseId, { action: 'note', text: `联系客户中 ${note}` })).status).toBe(200);
  }
  expect((await runs(caseId)).length).toBeGreaterThanOrEqual(2);
  const carried = await view(caseId);
  expect(carried).toMatchObject({ status: 'WAITING_CUSTOMER', awaitingRemedy: { options: ['redeliver', 'redirect', 'return'] } });
  expect(
    carried.clocks
      .filter((clock: { state: string }) => clock.state === 'paused')
      .map((clock: { name: string }) => clock.name)
      .sort(),
  ).toEqual(['handling', 'resolution']);

  expect((await stack.api('system', `/v1/cases/${caseId}/actions`, { body: { action: 'choose-remedy', remedy: 'redeliver' } })).status).toBe(200);
  await eventually(
    () => view(caseId),
    (v) => v.status === 'WAITING_CARRIER',
    { what: 'redelivery booked' },
  );
  expect((await stack.pushTracking({ eventId: `${caseId}-delivered`, waybillNo: body.waybillNo, status: 'Delivered' })).status).toBe(200);
  const resolved = await eventually(
    () => view(caseId),
    (v) => v.status === 'AWAITING_FEEDBACK',
    { what: 'delivered on the second attempt' },
  );
  expect(resolved.resolution).toMatchObject({ outcome: 'redelivered' });
  await expectTrailIntact(caseId);
});
