import { randomUUID } from 'node:crypto';
import { inappChannel, smsChannel, wecomChannel } from '../../activities/notifications/channels';
import { sendNotification, type SendNotificationInput } from '../../activities/notifications/notify';
import { startSimulators, type SimulatorServer } from '../../simulators';
import { testPolicy } from '../../fixtures/fast-policy';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { acknowledgementSms } from '../helpers/sms-notice';

/**
 * Real Aliyun SMS does not deduplicate by OutId: when it sends a message but its answer is lost
 * (the chaos run's dropped responses), a plain retry sends a second SMS to the customer. Our own
 * check covers it: a retry first asks the provider (QuerySendDetails) whether a message with this
 * OutId was already accepted, and takes a found one as sent. Played against the SMS simulator
 * without provider-side dedupe, counting every message it sent.
 */

let stack: TestStack;
let sims: SimulatorServer;

beforeAll(async () => {
  stack = await startTestStack({ policy: testPolicy(), inProcessWorker: false });
  sims = await startSimulators({ port: 0, noDedupe: ['sms', 'wecom'] });
});

const channelsOf = (server: SimulatorServer) => ({
  sms: smsChannel(`${server.url}/sms`),
  inapp: inappChannel(`${server.url}/inapp`),
  wecom: wecomChannel(`${server.url}/wecom`),
});

function staffNotice(key: string, channel: 'wecom' | 'inapp'): SendNotificationInput {
  return {
    idempotencyKey: key,
    caseId: 'CASE-LOST',
    channel,
    template: 'staff.sla_warning',
    recipient: { userId: 'agent-1', wecomKey: 'bot-key-1' },
    params: {
      caseId: 'CASE-LOST',
      type: 'DELAYED',
      priority: 'HIGH',
      tier: '1',
      assignee: 'agent-1',
      carrierName: '顺丰',
      waybillNo: 'SF1',
      clock: 'handling',
      percent: '50',
      dueText: '1小时后',
    },
  };
}

const providerSends = (system: 'wecom' | 'inapp', key: string) =>
  sims.ledger.entries({ system, idempotencyKey: key, includeReplays: true }).filter((entry) => entry.operation === 'send' && !entry.replay);
afterAll(async () => {
  await sims?.close();
  await stack?.stop();
});

test('an SMS whose answer was lost is not sent again by the retry: one message per key', async () => {
  const channels = channelsOf(sims);
  const key = `CASE-LOST-${randomUUID().slice(0, 8)}:acknowledge:sms`;
  const input = acknowledgementSms('CASE-LOST', key);
  // The provider sends, then the connection drops before its answer arrives.
  sims.faults.set([{ system: 'sms', operation: 'send', dropResponse: true }]);
  await expect(sendNotification(stack.db, channels, input)).rejects.toThrow();
  sims.faults.clear();

  // Temporal retries the activity: it must find the message, not send another.
  await expect(sendNotification(stack.db, channels, input)).resolves.toMatchObject({ key, outcome: 'sent' });
  const sent = sims.ledger.entries({ system: 'sms', idempotencyKey: key, includeReplays: true }).filter((entry) => entry.operation === 'send');
  expect(sent).toHaveLength(1);
  const row = await stack.db.selectFrom('notification_outbox').selectAll().where('idempotency_key', '=', key).executeTakeFirstOrThrow();
  expect(row).toMatchObject({ status: 'sent', attempts: 2 });
  // Aliyun's send details carry no BizId: the row names the OutId the message was found by.
  expect(row.provider_message_id).toBe(`outid:${key}`);
});

test('a WeCom notice whose answer was lost is never posted twice: the retry fails as outcome unknown', async () => {
  const key = `CASE-LOST-${randomUUID().slice(0, 8)}:sla-warning:wecom`;
  sims.faults.set([{ system: 'wecom', operation: 'send', dropResponse: true }]);
  await expect(sendNotification(stack.db, channelsOf(sims), staffNotice(key, 'wecom'))).rejects.toThrow();
  sims.faults.clear();

  // The group bot can neither be asked nor deduplicates: the retry does not post again.
  await expect(sendNotification(stack.db, channelsOf(sims), staffNotice(key, 'wecom'))).rejects.toMatchObject({
    type: 'NotificationOutcomeUnknown',
    nonRetryable: true,
  });
  expect(providerSends('wecom', key)).toHaveLength(1);
  const row = await stack.db.selectFrom('notification_outbox').selectAll().where('idempotency_key', '=', key).executeTakeFirstOrThrow();
  expect(row).toMatchObject({ status: 'sending', maybe_delivered: true, lease_owner: null });
});

test('a WeCom notice the provider answered "nothing done" (503) is posted by the retry, once', async () => {
  const key = `CASE-LOST-${randomUUID().slice(0, 8)}:sla-warning:wecom`;
  sims.faults.set([{ system: 'wecom', operation: 'send', failNext: 1 }]);
  await expect(sendNotification(stack.db, channelsOf(sims), staffNotice(key, 'wecom'))).rejects.toThrow(/503/);
  sims.faults.clear();

  await expect(sendNotification(stack.db, channelsOf(sims), staffNotice(key, 'wecom'))).resolves.toMatchObject({ key, outcome: 'sent' });
  expect(providerSends('wecom', key)).toHaveLength(1);
});

test('an in-app message whose answer was lost is sent again under the same key, and the inbox keeps one', async () => {
  const key = `CASE-LOST-${randomUUID().slice(0, 8)}:notice:inapp`;
  sims.faults.set([{ system: 'inapp', operation: 'send', dropResponse: true }]);
  await expect(sendNotification(stack.db, channelsOf(sims), staffNotice(key, 'inapp'))).rejects.toThrow();
  sims.faults.clear();

  await expect(sendNotification(stack.db, channelsOf(sims), staffNotice(key, 'inapp'))).resolves.toMatchObject({ key, outcome: 'sent' });
  expect(providerSends('inapp', key)).toHaveLength(1);
});

test('an SMS lookup that fails keeps the doubt: the retry after it asks again instead of sending', async () => {
  const channels = channelsOf(sims);
  const key = `CASE-LOST-${randomUUID().slice(0, 8)}:resolved:sms`;
  const input = acknowledgementSms('CASE-LOST', key, '13800138001');
  // Sent, answer lost; then the provider's lookup is down for one call (it answers 503).
  sims.faults.set([{ system: 'sms', operation: 'send', dropResponse: true }]);
  await expect(sendNotification(stack.db, channels, input)).rejects.toThrow();
  sims.faults.set([{ system: 'sms', operation: 'query', failNext: 1 }]);
  await expect(sendNotification(stack.db, channels, input)).rejects.toThrow(/503/);
  sims.faults.clear();

  await expect(sendNotification(stack.db, channels, input)).resolves.toMatchObject({ key, outcome: 'sent' });
  const sent = sims.ledger.entries({ system: 'sms', idempotencyKey: key, includeReplays: true }).filter((entry) => entry.operation === 'send');
  expect(sent).toHaveLength(1);
});
