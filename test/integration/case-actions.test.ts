import { caseHistory } from '../../store/read-model';
import { recordHistory } from '../helpers/histories';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * Agent and supervisor actions through POST /v1/cases/{id}/actions, as Temporal updates with
 * validators: what each action changes, and that a refused one changes nothing.
 */

let stack: TestStack;

beforeAll(async () => {
  // Long urge interval and targets: the case sits still while the test works it by hand.
  const base = testPolicy();
  stack = await startTestStack({
    policy: testPolicy({
      delayed: { ...base.delayed, urgeIntervalMs: 600_000, totalDelayMs: 3_600_000 },
      clocks: { ...base.clocks, handling: { targetMs: 600_000 }, resolution: { targetMs: 1_200_000 } },
    }),
  });
});
afterAll(async () => {
  await stack?.stop();
});

type Role = 'agent' | 'supervisor' | 'expert' | 'auditor' | 'system';
const act = (role: Role, caseId: string, body: Record<string, unknown>) => stack.api(role, `/v1/cases/${caseId}/actions`, { body });
const view = async (caseId: string, role: Role = 'agent') => (await stack.api(role, `/v1/cases/${caseId}`)).body;

async function openWaitingCase(overrides: Record<string, unknown> = {}) {
  const body = openCaseBody(overrides);
  const opened = await stack.api('agent', '/v1/cases', { body });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  // Settled: the carrier urged and the customer told of it, so nothing changes unless we act.
  await eventually(
    () => view(caseId),
    (v) => v.status === 'WAITING_CARRIER' && v.notifications.filter((n: { template: string }) => n.template === 'case.carrier_urged').length === 2,
    { what: 'WAITING_CARRIER, carrier urged' },
  );
  return { caseId, body };
}

async function deliver(caseId: string, waybillNo: string) {
  const pushed = await stack.pushTracking({ eventId: `${caseId}-delivered`, waybillNo, status: 'Delivered' });
  expect(pushed.status).toBe(200);
}

test('an agent works a case: note, priority, evidence pausing the clocks, escalation; the supervisor resolves; a reopen and a second resolution close it', async () => {
  const { caseId } = await openWaitingCase();

  const noted = await act('agent', caseId, { action: 'note', text: '客户来电催促，已安抚' });
  expect(noted.status).toBe(200);
  expect(noted.body.notes).toEqual([expect.objectContaining({ text: '客户来电催促，已安抚', by: expect.stringMatching(/^agent/) })]);
  expect(noted.body.allowedActions).toEqual(expect.arrayContaining(['note', 'escalate', 'resolve']));

  // Urgent halves every running target; the change is kept as a (negative) extension.
  const before = (await view(caseId)).clocks.find((clock: { name: string }) => clock.name === 'resolution');
  const urgent = await act('agent', caseId, { action: 'set-priority', priority: 'urgent', reason: '维修厂停工待料' });
  expect(urgent.status).toBe(200);
  expect(urgent.body.priority).toBe('urgent');
  const after = urgent.body.clocks.find((clock: { name: string }) => clock.name === 'resolution');
  expect(after.targetMs).toBe(before.targetMs / 2);
  expect(after.extensions).toEqual([expect.objectContaining({ byMs: -before.targetMs / 2, reason: 'priority normal → urgent' })]);

  // Asking the customer for evidence pauses the working clocks and tells the customer.
  const requested = await act('agent', caseId, { action: 'request-evidence', what: '外包装照片' });
  expect(requested.status).toBe(200);
  expect(requested.body.status).toBe('WAITING_CUSTOMER');
  expect(requested.body.evidence.requested).toMatchObject({ what: '外包装照片' });
  const paused = requested.body.clocks.filter((clock: { state: string }) => clock.state === 'paused').map((clock: { name: string }) => clock.name);
  expect(paused.sort()).toEqual(['handling', 'resolution']);
  await eventually(
    async () => stack.simulators.ledger.entries({ system: 'sms' }).filter((entry) => entry.idempotencyKey === `${caseId}:evidence-request:1:sms`),
    (entries) => entries.length === 1,
    { what: 'evidence request SMS' },
  );
  expect((await act('agent', caseId, { action: 'request-evidence', what: 'again' })).status).toBe(409);

  const added = await act('system', caseId, {
    action: 'add-evidence',
    evidence: { kind: 'photo', description: '外箱破损', url: 'https://oss.example.com/p/1.jpg' },
  });
  expect(added.status).toBe(200);
  expect(added.body.status).toBe('WAITING_CARRIER');
  expect(added.body.evidence.requested).toBeUndefined();
  expect(added.body.clocks.filter((clock: { state: string }) => clock.state === 'paused')).toEqual([]);

  // By hand: tier 2, the supervisors' queue, and the ops group hears of it.
  const escalated = await act('agent', caseId, { action: 'escalate', reason: '客户要求主管介入' });
  expect(escalated.body).toMatchObject({ tier: 2, assignee: 'tier2-supervisors' });
  await eventually(
    async () => stack.simulators.ledger.entries({ system: 'wecom' }).filter((entry) => entry.idempotencyKey === `${caseId}:escalate:tier2:wecom`),
    (entries) => entries.length === 1,
    { what: 'escalation notice' },
  );

  // At tier 2 the agent may no longer resolve, and a refused action changes nothing.
  expect((await view(caseId, 'agent')).allowedActions).not.toContain('resolve');
  const versionBefore = (await view(caseId)).version;
  const refused = await act('agent', caseId, { action: 'resolve', outcome: 'delivered', summary: '已签收' });
  expect(refused.status).toBe(403);
  expect(refused.body.detail).toMatch(/tier 2/);
  expect((await view(caseId)).version).toBe(versionBefore);

  const resolved = await act('supervisor', caseId, { action: 'resolve', outcome: 'redelivered', summary: '承运商已安排再次派送并签收' });
  expect(resolved.status).toBe(200);
  expect(resolved.body.resolution).toMatchObject({ outcome: 'redelivered' });
  await eventually(
    () => view(caseId),
    (v) => v.status === 'AWAITING_FEEDBACK',
    { what: 'AWAITING_FEEDBACK' },
  );

  // The agent learns the part is still missing: reopen while the survey is out.
  const reopened = await act('agent', caseId, { action: 'reopen', reason: '客户反馈少一件' });
  expect(reopened.status).toBe(200);
  expect(reopened.body.status).toBe('IN_PROGRESS');
  const again = await act('supervisor', caseId, { action: 'resolve', outcome: 'reshipped', summary: '已补发缺件' });
  expect(again.status).toBe(200);
  await eventually(
    () => view(caseId),
    (v) => v.status === 'AWAITING_FEEDBACK',
    { what: 'AWAITING_FEEDBACK again' },
  );
  expect((await stack.api('system', `/v1/cases/${caseId}/feedback`, { body: { score: 5, channel: 'sms' } })).status).toBe(200);
  const result = await stack.client.workflow.getHandle(caseId).result();
  expect(result).toMatchObject({ status: 'CLOSED', resolution: 'reshipped', feedbackScore: 5 });

  const kinds = (await caseHistory(stack.db, caseId)).map((event) => event.kind);
  expect(kinds).toEqual(
    expect.arrayContaining([
      'case.note_added',
      'case.priority_changed',
      'evidence.requested',
      'sla.clock_paused',
      'evidence.added',
      'sla.clock_resumed',
      'case.escalated',
      'case.resolved',
      'case.reopened',
      'feedback.received',
      'case.closed',
    ]),
  );
  // Both survey rounds went out, each once.
  const surveys = stack.simulators.ledger
    .entries({ system: 'sms' })
    .map((entry) => entry.idempotencyKey)
    .filter((key) => key?.startsWith(`${caseId}:survey`));
  expect(surveys.sort()).toEqual([`${caseId}:survey:round2:sms`, `${caseId}:survey:sms`]);
  recordHistory(stack.config.temporal.address, caseId, 'actions-evidence-escalate-reopen');
});

test('a low satisfaction score reopens the case at tier 2, and the second answer closes it', async () => {
  const { caseId, body } = await openWaitingCase();
  await deliver(caseId, body.waybillNo as string);
  await eventually(
    () => view(caseId),
    (v) => v.status === 'AWAITING_FEEDBACK',
    { what: 'AWAITING_FEEDBACK' },
  );

  expect((await stack.api('system', `/v1/cases/${caseId}/feedback`, { body: { score: 1, comment: '太慢了', channel: 'sms' } })).status).toBe(200);
  const recovering = await eventually(
    () => view(caseId),
    (v) => v.status === 'IN_PROGRESS',
    { what: 'reopened' },
  );
  expect(recovering).toMatchObject({ tier: 2, assignee: 'tier2-supervisors', reopens: 1 });
  expect(recovering.earlierFeedback).toEqual([expect.objectContaining({ score: 1 })]);
  expect(recovering.feedback).toBeUndefined();
  await eventually(
    async () => stack.simulators.ledger.entries({ system: 'wecom' }).filter((entry) => entry.idempotencyKey === `${caseId}:reopened:1:wecom`),
    (entries) => entries.length === 1,
    { what: 'reopen notice to the supervisors' },
  );

  expect((await act('supervisor', caseId, { action: 'resolve', outcome: 'goodwill', summary: '主管回访致歉并赠送优惠券' })).status).toBe(200);
  await eventually(
    () => view(caseId),
    (v) => v.status === 'AWAITING_FEEDBACK',
    { what: 'second survey' },
  );
  expect((await stack.api('system', `/v1/cases/${caseId}/feedback`, { body: { score: 4, channel: 'sms' } })).status).toBe(200);
  const result = await stack.client.workflow.getHandle(caseId).result();
  expect(result).toMatchObject({ status: 'CLOSED', resolution: 'goodwill', feedbackScore: 4 });
  recordHistory(stack.config.temporal.address, caseId, 'low-score-reopen');
});

test('a supervisor cancels a case: no survey, the workflow ends, and later actions are refused', async () => {
  const { caseId } = await openWaitingCase();
  expect((await act('agent', caseId, { action: 'cancel', reason: '重复建单' })).status).toBe(403);
  const cancelled = await act('supervisor', caseId, { action: 'cancel', reason: '重复建单' });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.status).toBe('CANCELLED');
  expect(cancelled.body.allowedActions).toEqual([]);
  expect(await stack.client.workflow.getHandle(caseId).result()).toMatchObject({ status: 'CANCELLED' });
  expect((await act('supervisor', caseId, { action: 'note', text: 'late' })).status).toBe(409);
  expect(stack.simulators.ledger.entries({ system: 'sms' }).map((entry) => entry.idempotencyKey)).not.toContain(`${caseId}:survey:sms`);
});

test('a supervisor extends an SLA deadline with a reason; the clock keeps the history; an agent may not', async () => {
  const { caseId } = await openWaitingCase();
  const before = (await view(caseId)).clocks.find((clock: { name: string }) => clock.name === 'handling');
  expect((await act('agent', caseId, { action: 'extend-sla', clock: 'handling', by: '1h', reason: '暴雨红色预警' })).status).toBe(403);
  expect((await act('supervisor', caseId, { action: 'extend-sla', clock: 'handling', by: 'soon', reason: 'x' })).status).toBe(400);
  expect((await act('supervisor', caseId, { action: 'extend-sla', clock: 'firstResponse', by: '1h', reason: 'x' })).status).toBe(409);

  const extended = await act('supervisor', caseId, { action: 'extend-sla', clock: 'handling', by: '1h', reason: '暴雨红色预警' });
  expect(extended.status).toBe(200);
  const after = extended.body.clocks.find((clock: { name: string }) => clock.name === 'handling');
  expect(after.targetMs).toBe(before.targetMs + 3_600_000);
  expect(Date.parse(after.dueAt) - Date.parse(before.dueAt)).toBe(3_600_000);
  expect(after.extensions).toEqual([expect.objectContaining({ byMs: 3_600_000, reason: '暴雨红色预警' })]);
  await stack.client.workflow.getHandle(caseId).terminate('test over');
});

test('bad action requests get a clear 4xx and change nothing', async () => {
  const { caseId } = await openWaitingCase();
  const version = (await view(caseId)).version;

  const unknown = await act('agent', caseId, { action: 'teleport' });
  expect(unknown.status).toBe(400);
  expect(JSON.stringify(unknown.body.errors)).toMatch(/action must be one of/);
  const missing = await act('agent', caseId, { action: 'escalate' });
  expect(missing.status).toBe(400);
  expect(missing.body.errors).toEqual([expect.objectContaining({ path: expect.stringContaining('reason') })]);
  expect((await act('auditor', caseId, { action: 'note', text: 'x' })).status).toBe(403);
  expect((await act('agent', caseId, { action: 'reopen', reason: 'not resolved yet' })).status).toBe(409);
  expect((await act('agent', caseId, { action: 'set-priority', priority: 'normal' })).status).toBe(409);
  expect((await stack.api('agent', '/v1/cases/CASE-20260101-NOPE0000/actions', { body: { action: 'note', text: 'x' } })).status).toBe(404);

  expect((await view(caseId)).version).toBe(version);
  await stack.client.workflow.getHandle(caseId).terminate('test over');
});
