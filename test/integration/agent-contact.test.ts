import { caseHistory } from '../../store/read-model';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * Staff's own contact with the customer through POST /v1/cases/{id}/actions: taking a case,
 * replying (sent once through the outbox, a first response), logging calls, and promises kept by
 * the clock. The stack runs with SLA_TIME_SCALE=0.001, so a promise's `by` one hour ahead falls
 * due 3.6 s later, as the policy's durations do.
 */

let stack: TestStack;
const SCALE = 0.001;

beforeAll(async () => {
  // Long targets: nothing breaches or escalates by itself while the test works the case by hand.
  const base = testPolicy();
  stack = await startTestStack({
    // A low history limit lets a case continue as new within a test (its promises must go with it).
    env: { SLA_TIME_SCALE: String(SCALE), CASE_HISTORY_LIMIT: '100' },
    policy: testPolicy({
      segmentFactor: { standard: 1, vip: 0.5, 'key-account': 0.25 },
      delayed: { ...base.delayed, urgeIntervalMs: 600_000, totalDelayMs: 3_600_000 },
      clocks: { ...base.clocks, firstResponse: { targetMs: 600_000 }, handling: { targetMs: 600_000 }, resolution: { targetMs: 1_200_000 } },
    }),
  });
});
afterAll(async () => {
  await stack?.stop();
});
afterEach(() => stack.simulators.faults.clear());

type Role = 'agent' | 'supervisor' | 'expert' | 'auditor' | 'system';
type Entry = { kind: string; data: Record<string, unknown>; actor: { id: string } };
const act = (role: Role, caseId: string, body: Record<string, unknown>) => stack.api(role, `/v1/cases/${caseId}/actions`, { body });
const view = async (caseId: string, role: Role = 'agent') => (await stack.api(role, `/v1/cases/${caseId}`)).body;
const trail = async (caseId: string): Promise<Entry[]> => (await caseHistory(stack.db, caseId)) as unknown as Entry[];
const kinds = async (caseId: string, kind: string) => (await trail(caseId)).filter((event) => event.kind === kind);
/** A time `hours` ahead as the wire carries it; the stack scales the wait by SCALE. */
const hoursAhead = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

/** Opened by `opener`: a case an agent opens starts in that agent's own hands, one the system opens in the tier-1 queue. */
async function openWaitingCase(overrides: Record<string, unknown> = {}, opener: Role = 'agent') {
  const opened = await stack.api(opener, '/v1/cases', { body: openCaseBody(overrides) });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  await eventually(
    () => view(caseId),
    (v) => v.status === 'WAITING_CARRIER' && v.notifications.some((n: { template: string }) => n.template === 'case.carrier_urged'),
    { what: 'WAITING_CARRIER, carrier urged' },
  );
  return caseId;
}

test("an agent takes a queued case; a second person is refused, a supervisor may take it over; the queue's body works", async () => {
  const caseId = await openWaitingCase({}, 'system');
  const before = await view(caseId);
  expect(before.assignee).toBe('tier1-agents');
  expect(before.assigneeKind).toBe('queue');
  expect(before.allowedActions).toContain('take');

  const taken = await act('agent', caseId, { action: 'take', reason: 'taken from the queue' });
  expect(taken.status).toBe(200);
  const agentId = taken.body.assignee as string;
  expect(agentId).not.toBe(before.assignee);
  expect(taken.body.assigneeKind).toBe('person');
  expect(taken.body.allowedActions).not.toContain('take');
  expect((await act('agent', caseId, { action: 'take' })).status).toBe(409);

  // A supervisor gives it to another person: an agent may no longer take it from them.
  expect((await act('supervisor', caseId, { action: 'assign', assignee: 'agent-wu' })).status).toBe(200);
  const refused = await act('agent', caseId, { action: 'take' });
  expect(refused.status).toBe(409);
  expect((await view(caseId)).assignee).toBe('agent-wu');
  const overridden = await act('supervisor', caseId, { action: 'take', reason: '客户投诉升级，主管接手' });
  expect(overridden.status).toBe(200);

  const takes = await kinds(caseId, 'case.taken');
  expect(takes.map((event) => event.data)).toEqual([
    { from: before.assignee, to: agentId, reason: 'taken from the queue' },
    { from: 'agent-wu', to: overridden.body.assignee, reason: '客户投诉升级，主管接手' },
  ]);
  expect(takes[0]!.actor.id).toBe(agentId);
});

test('a reply goes to the customer once by SMS, shows in the view and trail, and is the first response', async () => {
  // The customer hears from us on their store's WeCom group, which is slow now: the
  // acknowledgement takes seconds, and firstResponse still runs when the agent replies by SMS.
  stack.simulators.faults.set([{ system: 'wecom', latencyMs: 5_000 }]);
  const customer = { id: 'C-1001', name: '张三汽修', phone: '13800138000', storeId: 'S-9', channels: ['wecom'] };
  const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody({ customer }) });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;

  const replied = await act('agent', caseId, { action: 'reply', channel: 'sms', text: '您好，已为您加急催件', scriptId: 'SCRIPT-DELAY-1' });
  expect(replied.status).toBe(200);
  expect(replied.body.replies).toEqual([
    expect.objectContaining({ channel: 'sms', text: '您好，已为您加急催件', scriptId: 'SCRIPT-DELAY-1', by: expect.any(String), outcome: 'sent' }),
  ]);
  const key = `${caseId}:reply:1:sms`;
  await eventually(
    async () => stack.simulators.ledger.entries({ system: 'sms', includeReplays: true }).filter((entry) => entry.idempotencyKey === key),
    (entries) => entries.length === 1,
    { what: 'the reply SMS, once' },
  );
  const stopped = (await kinds(caseId, 'sla.clock_stopped')).filter((event) => event.data.clock === 'firstResponse');
  expect(stopped).toEqual([expect.objectContaining({ data: expect.objectContaining({ reason: expect.stringMatching(/^replied by /) }) })]);
  expect(await kinds(caseId, 'reply.sent')).toEqual([
    expect.objectContaining({ data: expect.objectContaining({ channel: 'sms', scriptId: 'SCRIPT-DELAY-1', key }) }),
  ]);
  // Sent once: the ledger still holds one message after the case settles.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(stack.simulators.ledger.entries({ system: 'sms', includeReplays: true }).filter((entry) => entry.idempotencyKey === key)).toHaveLength(1);
});

test('a logged call shows in the view and trail; an outbound call keeps a call-back promise', async () => {
  const caseId = await openWaitingCase();
  const promised = await act('agent', caseId, {
    action: 'reply',
    channel: 'in-app',
    text: '我们今天会回电确认补发时间',
    promise: { kind: 'call-back', by: hoursAhead(10), what: '回电确认补发时间' },
  });
  expect(promised.status).toBe(200);
  expect(promised.body.promises).toEqual([expect.objectContaining({ id: 'promise-1', kind: 'call-back', status: 'open', what: '回电确认补发时间' })]);

  const inbound = await act('agent', caseId, { action: 'log-call', direction: 'inbound', outcome: 'reached', durationSeconds: 40, summary: '客户来电询问' });
  expect(inbound.status).toBe(200);
  expect(inbound.body.promises[0].status).toBe('open');

  const called = await act('agent', caseId, {
    action: 'log-call',
    direction: 'outbound',
    outcome: 'reached',
    durationSeconds: 95,
    summary: '约定明早补发',
  });
  expect(called.status).toBe(200);
  expect(called.body.calls).toEqual([
    expect.objectContaining({ direction: 'inbound', outcome: 'reached', durationSeconds: 40 }),
    expect.objectContaining({ direction: 'outbound', outcome: 'reached', durationSeconds: 95, summary: '约定明早补发' }),
  ]);
  expect(called.body.promises).toEqual([expect.objectContaining({ id: 'promise-1', status: 'kept', settledAt: expect.any(String) })]);
  expect(await kinds(caseId, 'call.logged')).toHaveLength(2);
  expect(await kinds(caseId, 'promise.kept')).toEqual([expect.objectContaining({ data: expect.objectContaining({ id: 'promise-1', kind: 'call-back' }) })]);
  expect(called.body.tier).toBe(1);
});

test('a promise not kept in time is broken: the trail says so, the case goes up a tier and its owner is told', async () => {
  const caseId = await openWaitingCase();
  const called = await act('agent', caseId, {
    action: 'log-call',
    direction: 'outbound',
    outcome: 'no-answer',
    durationSeconds: 0,
    summary: '无人接听',
    promise: { kind: 'reply', by: hoursAhead(1), what: '短信告知新的派送时间' },
  });
  expect(called.status).toBe(200);
  const broken = await eventually(
    () => view(caseId),
    (v) => v.promises?.[0]?.status === 'broken',
    { what: 'the promise broken', timeoutMs: 30_000 },
  );
  expect(broken.tier).toBe(2);
  expect(await kinds(caseId, 'promise.broken')).toEqual([expect.objectContaining({ data: expect.objectContaining({ id: 'promise-1', kind: 'reply' }) })]);
  expect(await kinds(caseId, 'case.escalated')).toEqual([
    expect.objectContaining({ data: expect.objectContaining({ reason: 'promise broken: 短信告知新的派送时间' }) }),
  ]);
  await eventually(
    async () => stack.simulators.ledger.entries({ system: 'wecom' }).filter((entry) => entry.idempotencyKey === `${caseId}:promise-broken:promise-1:wecom`),
    (entries) => entries.length === 1,
    { what: 'the owner told' },
  );
});

test('bad bodies get 400 and change nothing', async () => {
  const caseId = await openWaitingCase();
  const before = await view(caseId);
  const bad: Array<Record<string, unknown>> = [
    { action: 'take', reason: '' },
    { action: 'take', extra: 1 },
    { action: 'reply', channel: 'fax', text: '您好' },
    { action: 'reply', channel: 'sms', text: '' },
    { action: 'reply', channel: 'sms', text: 'x'.repeat(1001) },
    { action: 'reply', channel: 'sms', text: '您好', promise: { kind: 'reply', by: new Date(Date.now() - 60_000).toISOString(), what: 'x' } },
    { action: 'reply', channel: 'sms', text: '您好', promise: { kind: 'sometime', by: hoursAhead(1), what: 'x' } },
    { action: 'reply', channel: 'sms', text: '您好', promise: { kind: 'reply', by: 'tomorrow', what: 'x' } },
    { action: 'reply', channel: 'sms', text: '您好', promise: { kind: 'reply', by: hoursAhead(24 * 31), what: 'x' } },
    { action: 'log-call', direction: 'sideways', outcome: 'reached', durationSeconds: 1, summary: 'x' },
    { action: 'log-call', direction: 'outbound', outcome: 'reached', durationSeconds: 1.5, summary: 'x' },
    { action: 'log-call', direction: 'outbound', outcome: 'reached', durationSeconds: 86_401, summary: 'x' },
    { action: 'log-call', direction: 'outbound', outcome: 'reached', durationSeconds: 10 },
  ];
  for (const body of bad) {
    const answer = await act('agent', caseId, body);
    expect({ body, status: answer.status }).toEqual({ body, status: 400 });
  }
  const after = await view(caseId);
  expect(after.version).toBe(before.version);
  expect(after.assignee).toBe(before.assignee);
  expect(after.replies).toBeUndefined();
  expect(after.calls).toBeUndefined();
});

test('the OpenAPI document describes the new action bodies', async () => {
  const doc = JSON.stringify((await stack.api(null, '/v1/openapi.json')).body);
  for (const name of ['take', 'reply', 'log-call', 'set-severity', 'record-plan', 'wecom-group', 'call-back', 'wrong-number', 'major'])
    expect(doc).toContain(`"${name}"`);
});

test('a major complaint goes to tier 2 with a plan clock and a shorter resolution target; the plan stops the clock', async () => {
  const opened = await stack.api('system', '/v1/cases', { body: openCaseBody({ severity: 'major' }) });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  const major = await eventually(
    () => view(caseId),
    (v) => v.tier === 2 && v.clocks.some((clock: { name: string }) => clock.name === 'plan'),
    { what: 'tier 2 with a plan clock' },
  );
  expect(major.severity).toBe('major');
  expect(major.assignee).toBe('tier2-supervisors');
  const clock = (name: string) => major.clocks.find((entry: { name: string }) => entry.name === name);
  expect(clock('plan')).toMatchObject({ state: 'running', targetMs: 20_000 });
  // The policy's major resolution target (30 s in the test policy) replaces the usual one.
  expect(clock('resolution').targetMs).toBe(30_000);
  await eventually(
    async () => stack.simulators.ledger.entries({ system: 'wecom' }).filter((entry) => entry.idempotencyKey === `${caseId}:major:tier2:wecom`),
    (entries) => entries.length === 1,
    { what: "tier 2's queue told" },
  );
  expect((await act('agent', caseId, { action: 'record-plan', plan: '今日补发' })).status).toBe(403);

  const planned = await act('supervisor', caseId, { action: 'record-plan', plan: '今日补发配件，赔付运费，18:00 前回电客户' });
  expect(planned.status).toBe(200);
  expect(planned.body.plan).toMatchObject({ text: '今日补发配件，赔付运费，18:00 前回电客户', by: expect.any(String) });
  expect(planned.body.clocks.find((entry: { name: string }) => entry.name === 'plan').state).toBe('stopped');
  expect(await kinds(caseId, 'case.plan_recorded')).toHaveLength(1);
});

test('set-severity makes a case major; a general case opened without a severity says so', async () => {
  const caseId = await openWaitingCase({}, 'system');
  expect((await view(caseId)).severity).toBe('general');
  expect((await act('agent', caseId, { action: 'set-severity', severity: 'major', reason: '客户投诉到平台' })).status).toBe(403);
  const raised = await act('supervisor', caseId, { action: 'set-severity', severity: 'major', reason: '客户投诉到平台' });
  expect(raised.status).toBe(200);
  expect(raised.body).toMatchObject({ severity: 'major', tier: 2 });
  expect(raised.body.clocks.find((entry: { name: string }) => entry.name === 'plan').state).toBe('running');
  expect(await kinds(caseId, 'case.severity_changed')).toEqual([expect.objectContaining({ data: { from: 'general', to: 'major', reason: '客户投诉到平台' } })]);
  expect((await act('supervisor', caseId, { action: 'set-severity', severity: 'major', reason: 'again' })).status).toBe(409);
  expect((await stack.api('system', '/v1/cases', { body: openCaseBody({ severity: 'catastrophic' }) })).status).toBe(400);
  expect((await act('supervisor', caseId, { action: 'record-plan', plan: '' })).status).toBe(400);
});

async function runs(caseId: string): Promise<string[]> {
  const found: string[] = [];
  for await (const execution of stack.client.workflow.list({ query: `WorkflowId="${caseId}"` })) found.push(execution.runId);
  return found;
}

test('open promises survive continue-as-new: the next run re-arms their timers; the resolution keeps a resolution promise', async () => {
  const body = openCaseBody();
  const opened = await stack.api('system', '/v1/cases', { body });
  const caseId = opened.body.caseId as string;
  await eventually(
    () => view(caseId),
    (v) => v.status === 'WAITING_CARRIER',
    { what: 'WAITING_CARRIER' },
  );
  const reply = { kind: 'reply', by: hoursAhead(6), what: '短信告知补发单号' };
  expect((await act('agent', caseId, { action: 'reply', channel: 'in-app', text: '我们会尽快告知补发单号', promise: reply })).status).toBe(200);
  const resolution = { kind: 'resolution', by: hoursAhead(20), what: '今天内解决' };
  expect(
    (
      await act('agent', caseId, {
        action: 'log-call',
        direction: 'inbound',
        outcome: 'reached',
        durationSeconds: 30,
        summary: '客户催促',
        promise: resolution,
      })
    ).status,
  ).toBe(200);

  // Scans that are not movement: each one is a signal, until the case outgrows its run.
  for (let scan = 1; scan <= 30; scan++) {
    const pushed = await stack.pushTracking({
      eventId: `${caseId}-hub-${scan}`,
      waybillNo: body.waybillNo,
      status: 'Exception',
      subStatus: 'processing_delay',
    });
    expect(pushed.status).toBe(200);
  }
  await eventually(
    () => runs(caseId),
    (found) => found.length >= 2,
    { what: 'a second run', timeoutMs: 20_000 },
  );
  const carried = await view(caseId);
  expect(carried.promises.map((promise: { id: string; status: string }) => [promise.id, promise.status])).toEqual([
    ['promise-1', 'open'],
    ['promise-2', 'open'],
  ]);
  expect(carried.replies).toHaveLength(1);
  expect(carried.calls).toHaveLength(1);

  // The reply promise's timer fires in the new run.
  const broken = await eventually(
    () => view(caseId),
    (v) => v.promises[0].status === 'broken',
    { what: 'the reply promise broken in the new run', timeoutMs: 30_000 },
  );
  expect(broken.tier).toBe(2);
  expect(broken.promises[1].status).toBe('open');

  const resolved = await act('supervisor', caseId, { action: 'resolve', outcome: 'delivered', summary: '已补发' });
  expect(resolved.status).toBe(200);
  expect(resolved.body.promises[1]).toMatchObject({ id: 'promise-2', status: 'kept' });
  expect(await kinds(caseId, 'promise.kept')).toEqual([expect.objectContaining({ data: expect.objectContaining({ id: 'promise-2', kind: 'resolution' }) })]);
}, 90_000);

test("a customer's segment scales the case's SLA targets by the policy's factor", async () => {
  const customer = { id: 'C-2001', name: '李四汽配', phone: '13900139000', storeId: 'S-7' };
  const targets = async (segment?: string) => {
    const opened = await stack.api('system', '/v1/cases', { body: openCaseBody({ customer: { ...customer, ...(segment ? { segment } : {}) } }) });
    expect(opened.status).toBe(201);
    const shown = await eventually(
      () => view(opened.body.caseId as string),
      (v) => v.clocks.length >= 3,
      { what: 'clocks started' },
    );
    return Object.fromEntries(shown.clocks.map((clock: { name: string; targetMs: number }) => [clock.name, clock.targetMs]));
  };
  const standard = await targets();
  const keyAccount = await targets('key-account');
  expect(keyAccount.handling).toBe(standard.handling / 4);
  expect(keyAccount.resolution).toBe(standard.resolution / 4);
  expect((await targets('vip')).resolution).toBe(standard.resolution / 2);
  expect((await stack.api('system', '/v1/cases', { body: openCaseBody({ customer: { ...customer, segment: 'platinum' } }) })).status).toBe(400);
});

test('an outbound call that reached the customer is the first response; one that did not is not', async () => {
  // The customer hears from us only on their store's WeCom group, which is slow now: the
  // acknowledgement takes seconds, and firstResponse still runs while the agent calls.
  stack.simulators.faults.set([{ system: 'wecom', latencyMs: 5_000 }]);
  const customer = { id: 'C-1001', name: '张三汽修', phone: '13800138000', storeId: 'S-9', channels: ['wecom'] };
  const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody({ customer }) });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  const missed = await act('agent', caseId, { action: 'log-call', direction: 'outbound', outcome: 'no-answer', durationSeconds: 0, summary: '无人接听' });
  expect(missed.body.clocks.find((clock: { name: string }) => clock.name === 'firstResponse').state).toBe('running');
  const reached = await act('agent', caseId, { action: 'log-call', direction: 'outbound', outcome: 'reached', durationSeconds: 60, summary: '已告知处理进度' });
  expect(reached.status).toBe(200);
  const stopped = (await kinds(caseId, 'sla.clock_stopped')).filter((event) => event.data.clock === 'firstResponse');
  expect(stopped).toEqual([expect.objectContaining({ data: expect.objectContaining({ reason: expect.stringMatching(/^customer reached by /) }) })]);
});
