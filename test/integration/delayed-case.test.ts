import { verifyChain } from '../../store/audit-hash';
import { caseHistory } from '../../store/read-model';
import { recordHistory } from '../helpers/histories';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * The DELAYED playbook on real parts: Temporal dev server, PostgreSQL, simulators over HTTP.
 * Tracking events reach the API the way a carrier sends them (the simulator signs and pushes).
 */

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ policy: testPolicy() });
});
afterAll(async () => {
  await stack?.stop();
});

const push = (event: Record<string, unknown>) => stack.pushTracking(event);

async function caseStatus(caseId: string) {
  return (await stack.api('agent', `/v1/cases/${caseId}`)).body as { status: string; [key: string]: unknown };
}

test('a DELAYED case is acknowledged, urged, resolved on delivery and closed by feedback', async () => {
  const body = openCaseBody();
  const opened = await stack.api('agent', '/v1/cases', { body });
  expect(opened.status).toBe(201);
  const { caseId } = opened.body;
  expect(caseId).toMatch(/^CASE-\d{8}-/);
  expect(opened.headers.get('location')).toBe(`/v1/cases/${caseId}`);

  // The customer hears from us on SMS and in-app; the carrier is urged exactly once so far.
  const waiting = await eventually(
    () => caseStatus(caseId),
    (view) => view.status === 'WAITING_CARRIER',
    { what: 'WAITING_CARRIER' },
  );
  await eventually(
    async () => stack.simulators.ledger.entries({ system: 'carrier' }).filter((entry) => entry.idempotencyKey === `${caseId}:urge:1`),
    (entries) => entries.length === 1,
    { what: 'urge in the carrier ledger' },
  );
  const sms = stack.simulators.ledger.entries({ system: 'sms' }).filter((entry) => entry.idempotencyKey?.startsWith(caseId));
  expect(sms.map((entry) => entry.idempotencyKey)).toContain(`${caseId}:acknowledge:sms`);
  expect(stack.simulators.ledger.entries({ system: 'inapp' }).map((entry) => entry.idempotencyKey)).toContain(`${caseId}:acknowledge:inapp`);
  expect(waiting.tier).toBe(1);

  // Supervisors find it in the Temporal UI by search attribute.
  await eventually(
    async () => {
      const found: string[] = [];
      for await (const workflow of stack.client.workflow.list({ query: `WaybillNo="${body.waybillNo}" AND CaseStatus="WAITING_CARRIER"` })) {
        found.push(workflow.workflowId);
      }
      return found;
    },
    (found) => found.includes(caseId),
    { what: 'visibility by search attribute' },
  );

  // A movement scan stops the handling clock; delivery resolves the case.
  const moved = await push({ eventId: `${caseId}-e1`, waybillNo: body.waybillNo, status: 'InTransit', location: '深圳转运中心' });
  expect(moved).toMatchObject({ delivered: true, status: 200 });
  const delivered = await push({ eventId: `${caseId}-e2`, waybillNo: body.waybillNo, status: 'Delivered', location: '广州白云' });
  expect(delivered.status).toBe(200);

  const awaiting = await eventually(
    () => caseStatus(caseId),
    (view) => view.status === 'AWAITING_FEEDBACK',
    { what: 'AWAITING_FEEDBACK' },
  );
  expect(awaiting.allowedActions).toEqual(['note', 'reopen', 'feedback']);
  expect(awaiting.resolution).toMatchObject({ outcome: 'delivered' });
  const clocks = awaiting.clocks as Array<{ name: string; state: string; breached: boolean }>;
  expect(clocks.find((clock) => clock.name === 'handling')).toMatchObject({ state: 'stopped', breached: false });
  expect(stack.simulators.ledger.entries({ system: 'sms' }).map((entry) => entry.idempotencyKey)).toContain(`${caseId}:survey:sms`);

  const feedback = await stack.api('system', `/v1/cases/${caseId}/feedback`, { body: { score: 5, comment: '处理很快', channel: 'sms' } });
  expect(feedback.status).toBe(200);
  expect(feedback.body.feedback).toMatchObject({ score: 5 });

  const closed = await eventually(
    () => caseStatus(caseId),
    (view) => view.status === 'CLOSED',
    { what: 'CLOSED' },
  );
  expect(closed.allowedActions).toEqual([]);
  const result = await stack.client.workflow.getHandle(caseId).result();
  expect(result).toMatchObject({ caseId, status: 'CLOSED', resolution: 'delivered', feedbackScore: 5 });

  // The read model and the audit trail agree with the workflow, and the trail's hash chain holds.
  const row = await stack.db.selectFrom('cases').selectAll().where('case_id', '=', caseId).executeTakeFirstOrThrow();
  expect(row).toMatchObject({ status: 'CLOSED', sla_breached: false, tier: 1 });
  const events = await caseHistory(stack.db, caseId);
  expect(verifyChain(caseId, events)).toBeUndefined();
  const kinds = events.map((event) => event.kind);
  expect(kinds[0]).toBe('case.opened');
  expect(kinds).toEqual(expect.arrayContaining(['carrier.urged', 'tracking.event', 'case.resolved', 'feedback.received']));
  expect(kinds[kinds.length - 1]).toBe('case.closed');
  expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));

  // Nothing was sent twice: one ledger effect per idempotency key.
  const keys = stack.simulators.ledger
    .entries()
    .filter((entry) => entry.idempotencyKey?.startsWith(caseId))
    .map((entry) => entry.idempotencyKey);
  expect(new Set(keys).size).toBe(keys.length);
  recordHistory(stack.config.temporal.address, caseId, 'delayed-closed-by-feedback');
});

test('an urgent case left alone breaches its handling clock and escalates to a supervisor', async () => {
  const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody({ priority: 'urgent' }) });
  expect(opened.status).toBe(201);
  const { caseId } = opened.body;

  // Urgent halves the 20 s handling target: the breach comes after ~10 s.
  const breached = await eventually(
    () => caseStatus(caseId),
    (view) => view.slaBreached === true,
    { what: 'breach', timeoutMs: 40_000 },
  );
  expect(breached.tier).toBe(2);
  expect(breached.assignee).toBe('tier2-supervisors');
  const handling = (breached.clocks as Array<{ name: string; breached: boolean; warned: number[] }>).find((clock) => clock.name === 'handling');
  expect(handling).toMatchObject({ breached: true, warned: [0.5, 0.75] });

  // The operations group heard about the escalation on WeCom.
  await eventually(
    async () => stack.simulators.ledger.entries({ system: 'wecom' }).filter((entry) => entry.idempotencyKey === `${caseId}:escalate:tier2:wecom`),
    (entries) => entries.length === 1,
    { what: 'escalation notice' },
  );

  // The supervisor finds it in the Temporal UI by the breach attributes.
  await eventually(
    async () => {
      const found: string[] = [];
      for await (const workflow of stack.client.workflow.list({ query: `SlaBreached=true AND EscalationTier=2 AND CaseStatus="WAITING_CARRIER"` })) {
        found.push(workflow.workflowId);
      }
      return found;
    },
    (found) => found.includes(caseId),
    { what: 'breached case in visibility' },
  );

  const listed = await stack.api('supervisor', '/v1/cases?breached=true&tier=2');
  expect(listed.status).toBe(200);
  expect(listed.body.items.map((item: { caseId: string }) => item.caseId)).toContain(caseId);

  const history = await stack.api('auditor', `/v1/cases/${caseId}/history`);
  const kinds = history.body.events.map((event: { kind: string }) => event.kind);
  expect(kinds).toEqual(expect.arrayContaining(['sla.warning', 'sla.breached', 'case.escalated']));
  await stack.client.workflow.getHandle(caseId).terminate('test over');
  recordHistory(stack.config.temporal.address, caseId, 'delayed-breach-escalated');
});

test('a case whose customer never answers the survey closes when the feedback window ends', async () => {
  const short = testPolicy({ feedback: { windowMs: 3_000, remindersMs: [1_000], lowScoreThreshold: 2, maxReopens: 1 } });
  const quiet = await startTestStack({ policy: short });
  try {
    const body = openCaseBody();
    const opened = await quiet.api('agent', '/v1/cases', { body });
    const { caseId } = opened.body;
    await eventually(
      async () => (await quiet.api('agent', `/v1/cases/${caseId}`)).body.status,
      (s) => s === 'WAITING_CARRIER',
    );
    const pushed = await quiet.pushTracking({ eventId: `${caseId}-d`, waybillNo: body.waybillNo, status: 'Delivered' });
    expect(pushed.status).toBe(200);
    const result = await quiet.client.workflow.getHandle(caseId).result();
    expect(result).toMatchObject({ status: 'CLOSED', resolution: 'delivered' });
    expect(result.feedbackScore).toBeUndefined();
    const kinds = (await caseHistory(quiet.db, caseId)).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['feedback.missing', 'case.closed']));
    expect(quiet.simulators.ledger.entries({ system: 'sms' }).map((entry) => entry.idempotencyKey)).toContain(`${caseId}:survey-reminder:1:sms`);
    recordHistory(quiet.config.temporal.address, caseId, 'delayed-no-feedback');
  } finally {
    await quiet.stop();
  }
});
