import { randomUUID } from 'node:crypto';
import { inappChannel, smsChannel, wecomChannel } from '../../activities/notifications/channels';
import { sendNotification } from '../../activities/notifications/notify';
import { CASE_WORKFLOW_TYPE, caseViewQuery, type OpenCaseInput } from '../../workflows/case/contract';
import { recordHistory } from '../helpers/histories';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';
import { acknowledgementSms } from '../helpers/sms-notice';

/**
 * Notifications once (issue 7, defect 7), against the real outbox in PostgreSQL and the SMS /
 * WeCom simulators, counting every request that reached a provider (replays included: a real
 * provider does not deduplicate, so a second request is a second message).
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
type Json = any;

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ policy: testPolicy() });
});
afterAll(async () => {
  await stack?.stop();
});
afterEach(() => {
  stack.simulators.faults.clear();
});

/** Every request the provider got for this key, replays included. */
const providerCalls = (system: 'sms' | 'wecom' | 'inapp', key: string) =>
  stack.simulators.ledger.entries({ system, idempotencyKey: key, includeReplays: true });

const view = async (caseId: string): Promise<Json> => (await stack.api('agent', `/v1/cases/${caseId}`)).body;

test('two concurrent sends of one key call the provider once; the other waits for the outbox', async () => {
  const channels = {
    sms: smsChannel(stack.config.endpoints.sms),
    inapp: inappChannel(stack.config.endpoints.inapp),
    wecom: wecomChannel(stack.config.endpoints.wecom),
  };
  const key = `CASE-RACE-${randomUUID().slice(0, 8)}:acknowledge:sms`;
  const input = acknowledgementSms('CASE-RACE', key);
  // The provider is slow: both attempts are in flight at once (a retry racing a slow first try).
  stack.simulators.faults.set([{ system: 'sms', latencyMs: 1_500 }]);
  const outcomes = await Promise.allSettled([sendNotification(stack.db, channels, input), sendNotification(stack.db, channels, input)]);

  expect(providerCalls('sms', key)).toHaveLength(1);
  const sent = outcomes.filter((outcome) => outcome.status === 'fulfilled');
  const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  expect(sent).toHaveLength(1);
  // The loser is told to retry later (a retryable failure), never to send.
  expect(refused).toHaveLength(1);
  expect(String(refused[0]?.reason?.message)).toMatch(/in flight/);

  // Its retry finds the key sent and answers from the outbox, without the provider.
  await expect(sendNotification(stack.db, channels, input)).resolves.toMatchObject({ key, outcome: 'sent' });
  expect(providerCalls('sms', key)).toHaveLength(1);
  const row = await stack.db.selectFrom('notification_outbox').selectAll().where('idempotency_key', '=', key).executeTakeFirstOrThrow();
  expect(row).toMatchObject({ status: 'sent', attempts: 1 });
});

test('a customer listing a channel twice is notified once on it', async () => {
  // The API refuses duplicate channels; a case started otherwise (an older client, a replayed
  // start request) must still send one message per channel.
  const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody() });
  expect(opened.status).toBe(201);
  const template = await stack.db.selectFrom('cases').select('start_request').where('case_id', '=', opened.body.caseId).executeTakeFirstOrThrow();
  const caseId = `CASE-DUP-${randomUUID().slice(0, 8).toUpperCase()}`;
  const base = template.start_request as unknown as OpenCaseInput;
  const input: OpenCaseInput = {
    ...base,
    caseId,
    waybillNo: `${base.waybillNo}D`,
    customer: { ...base.customer, channels: ['sms', 'sms', 'inapp', 'sms'] },
  };
  await stack.client.workflow.start(CASE_WORKFLOW_TYPE, { workflowId: caseId, taskQueue: stack.config.temporal.taskQueue, args: [input] });

  // Not opened through the API, so not in the read model's list: ask the workflow itself.
  const handle = stack.client.workflow.getHandle(caseId);
  // The first-response clock stops once every channel's acknowledgement is settled.
  const acknowledged: Json = await eventually(
    () => handle.query(caseViewQuery),
    (v) => v.clocks?.some((clock: Json) => clock.name === 'firstResponse' && clock.state === 'stopped'),
    { what: 'acknowledgement settled', timeoutMs: 60_000 },
  );
  expect(providerCalls('sms', `${caseId}:acknowledge:sms`)).toHaveLength(1);
  expect(acknowledged.notifications.filter((n: Json) => n.key === `${caseId}:acknowledge:sms`)).toHaveLength(1);
  await stack.client.workflow.getHandle(caseId).terminate('test over');
  await stack.client.workflow.getHandle(opened.body.caseId).terminate('test over');
});

test('after a reopen, the restarted clock warns again under new keys, and the warning is sent', async () => {
  // handling: 20 s in the test policy, so its 50% warning comes 10 s into each round.
  const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody() });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  const warnings = () =>
    stack.simulators.ledger
      .entries({ system: 'wecom', includeReplays: true })
      .filter((entry) => String(entry.idempotencyKey).startsWith(`${caseId}:sla-warning:handling:`) && String(entry.idempotencyKey).endsWith(':0.5:wecom'));

  await eventually(
    async () => warnings(),
    (entries) => entries.length === 1,
    { what: 'first-round warning', timeoutMs: 30_000 },
  );
  expect((await stack.api('agent', `/v1/cases/${caseId}/actions`, { body: { action: 'resolve', outcome: 'delivered', summary: '已妥投' } })).status).toBe(200);
  await eventually(
    () => view(caseId),
    (v) => v.status === 'AWAITING_FEEDBACK',
    { what: 'resolved' },
  );
  expect((await stack.api('agent', `/v1/cases/${caseId}/actions`, { body: { action: 'reopen', reason: '客户反馈仍未收到' } })).status).toBe(200);

  // The second round's warning reaches the ops group too, under a key of its own.
  const both = await eventually(
    async () => warnings(),
    (entries) => entries.length === 2,
    { what: 'second-round warning', timeoutMs: 30_000 },
  );
  expect(new Set(both.map((entry) => entry.idempotencyKey)).size).toBe(2);
  expect(both.every((entry) => entry.replay === false)).toBe(true);
  recordHistory(stack.config.temporal.address, caseId, 'sla-warning-after-reopen');
  await stack.client.workflow.getHandle(caseId).terminate('test over');
});
