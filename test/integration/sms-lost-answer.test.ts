import { randomUUID } from 'node:crypto';
import { inappChannel, smsChannel, wecomChannel } from '../../activities/notifications/channels';
import { sendNotification, type SendNotificationInput } from '../../activities/notifications/notify';
import { startSimulators, type SimulatorServer } from '../../simulators';
import { testPolicy } from '../helpers/policy';
import { startTestStack, type TestStack } from '../helpers/test-stack';

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
  sims = await startSimulators({ port: 0, noDedupe: ['sms'] });
});
afterAll(async () => {
  await sims?.close();
  await stack?.stop();
});

test('an SMS whose answer was lost is not sent again by the retry: one message per key', async () => {
  const channels = {
    sms: smsChannel(`${sims.url}/sms`),
    inapp: inappChannel(`${sims.url}/inapp`),
    wecom: wecomChannel(`${sims.url}/wecom`),
  };
  const key = `CASE-LOST-${randomUUID().slice(0, 8)}:acknowledge:sms`;
  const input: SendNotificationInput = {
    idempotencyKey: key,
    caseId: 'CASE-LOST',
    channel: 'sms',
    template: 'case.acknowledged',
    recipient: { userId: 'C-1', phone: '13800138000' },
    params: { caseId: 'CASE-LOST', customerName: '张三汽修', orderId: 'SO-1', waybillNo: 'SF1', carrierName: '顺丰', dueText: '2小时内' },
  };
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
