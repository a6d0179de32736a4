import { randomUUID } from 'node:crypto';
import { inappChannel, smsChannel, wecomChannel } from '../../activities/notifications/channels';
import { sendNotification, type SendNotificationInput } from '../../activities/notifications/notify';
import { sendNoticeChannels } from '../../activities/notifications/send-notice-channels';
import { startSimulators, type SimulatorServer } from '../../simulators';
import { testPolicy } from '../../fixtures/fast-policy';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { acknowledgementSms } from '../helpers/sms-notice';

/**
 * A notice goes out on all its channels in one activity (cases begun on the lean history, issue
 * 11). Each channel keeps its own key and outbox row, so what the customer receives is what one
 * activity per channel gave: a channel that fails for good is reported failed while the others
 * go out; a channel that fails for now makes Temporal retry the activity, and the retry sends
 * only what is still unsent; at the last attempt the channel still failing is reported failed,
 * never the ones already sent. Played against the real simulators and PostgreSQL.
 */

let stack: TestStack;
let sims: SimulatorServer;

beforeAll(async () => {
  stack = await startTestStack({ policy: testPolicy(), inProcessWorker: false });
  sims = await startSimulators({ port: 0 });
});
afterAll(async () => {
  await sims?.close();
  await stack?.stop();
});
beforeEach(() => sims.faults.clear());

const send = (notice: SendNotificationInput) =>
  sendNotification(
    stack.db,
    { sms: smsChannel(`${sims.url}/sms`), inapp: inappChannel(`${sims.url}/inapp`), wecom: wecomChannel(`${sims.url}/wecom`) },
    notice,
  );

/** The acknowledgement of a made-up case on SMS and in-app, each under its own key. */
function acknowledgement(): { sms: SendNotificationInput; inapp: SendNotificationInput } {
  const caseId = `CASE-NC-${randomUUID().slice(0, 8)}`;
  const sms = acknowledgementSms(caseId, `${caseId}:acknowledge:sms`);
  return { sms, inapp: { ...sms, idempotencyKey: `${caseId}:acknowledge:inapp`, channel: 'inapp' } };
}

const sends = (system: 'sms' | 'inapp', key: string) =>
  sims.ledger.entries({ system, idempotencyKey: key, includeReplays: true }).filter((entry) => entry.operation === 'send' && !entry.replay);

test('a channel that fails for good is reported failed while the others go out, without a retry', async () => {
  const { inapp } = acknowledgement();
  // No group-bot key: WeCom can never take it.
  const wecom: SendNotificationInput = { ...inapp, idempotencyKey: inapp.idempotencyKey.replace(':inapp', ':wecom'), channel: 'wecom' };
  const outcomes = await sendNoticeChannels(send, { notices: [inapp, wecom], lastAttempt: 8 }, 1);
  expect(outcomes.map((outcome) => [outcome.channel, outcome.outcome])).toEqual([
    ['inapp', 'sent'],
    ['wecom', 'failed'],
  ]);
  expect(outcomes[1]?.detail).toMatch(/group-bot key/);
  expect(sends('inapp', inapp.idempotencyKey)).toHaveLength(1);
});

test('a channel that fails for now fails the attempt; the retry sends only what is unsent', async () => {
  const { sms, inapp } = acknowledgement();
  sims.faults.set([{ system: 'sms', operation: 'send', failNext: 1 }]);
  await expect(sendNoticeChannels(send, { notices: [sms, inapp], lastAttempt: 8 }, 1)).rejects.toThrow();
  expect(sends('inapp', inapp.idempotencyKey)).toHaveLength(1);
  expect(sends('sms', sms.idempotencyKey)).toHaveLength(0);

  // Temporal's retry: SMS goes out now, in-app is answered from the outbox, not sent again.
  const outcomes = await sendNoticeChannels(send, { notices: [sms, inapp], lastAttempt: 8 }, 2);
  expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['sent', 'sent']);
  expect(sends('sms', sms.idempotencyKey)).toHaveLength(1);
  expect(sends('inapp', inapp.idempotencyKey)).toHaveLength(1);
});

test('at the last attempt a channel still failing is reported failed, and the sent one stays sent', async () => {
  const { sms, inapp } = acknowledgement();
  sims.faults.set([{ system: 'sms', operation: 'send', failureRate: 1 }]);
  const outcomes = await sendNoticeChannels(send, { notices: [sms, inapp], lastAttempt: 3 }, 3);
  expect(outcomes.map((outcome) => [outcome.channel, outcome.outcome])).toEqual([
    ['sms', 'failed'],
    ['inapp', 'sent'],
  ]);
  expect(sends('sms', sms.idempotencyKey)).toHaveLength(0);
  const rows = await stack.db
    .selectFrom('notification_outbox')
    .select(['channel', 'status'])
    .where('idempotency_key', 'in', [sms.idempotencyKey, inapp.idempotencyKey])
    .orderBy('channel')
    .execute();
  expect(rows).toEqual([
    { channel: 'inapp', status: 'sent' },
    { channel: 'sms', status: expect.not.stringMatching(/^sent$/) },
  ]);
});
