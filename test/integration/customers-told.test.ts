import { randomUUID } from 'node:crypto';
import { wecomBotIdOf } from '../../activities/notifications/shipment-notices';
import { CaseService } from '../../api/case-service';
import { sweepTrackingEvents } from '../../api/webhooks/inbound-delivery';
import type { Milestone } from '../../domain/milestones';
import type { NoticePolicy } from '../../domain/notice-policy';
import type { NotificationChannel } from '../../domain/types';
import { testPolicy } from '../../fixtures/fast-policy';
import {
  SHIPMENT_NOTICES_WORKFLOW_TYPE,
  WECOM_OUTBOX_WORKFLOW_TYPE,
  milestoneEventSignal,
  milestoneNoticeKey,
  shipmentNoticesQuery,
  shipmentNoticesWorkflowId,
  wecomEnqueueSignal,
  wecomOutboxQuery,
  wecomOutboxWorkflowId,
  type ShipmentNoticesInput,
  type WecomOutboxInput,
  type WecomOutboxMessage,
} from '../../workflows/notices/contract';
import { eventually, openCaseBody, startTestStack, uniqueWaybill, type TestStack } from '../helpers/test-stack';

/**
 * Customers told (issue 9 part 4): proactive milestone notices on real parts — tracking pushed
 * through the generic webhook, the shipment-notices and WeCom outbox workflows on the run's
 * Temporal server, the outbox in PostgreSQL, and the SMS, in-app, WeCom and OMS simulators. What
 * reached a provider is read from the simulators' ledger, replays included (a real provider does
 * not deduplicate: a second request would be a second message).
 */

const NOTICES: NoticePolicy = {
  wecom: { perWindow: 20, windowMs: 60_000 },
  caseGraceMs: 1_000,
  lingerAfterSignedMs: 60_000,
  idleCloseMs: 120_000,
};

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ policy: testPolicy({ notices: NOTICES }) });
});
afterAll(async () => {
  await stack?.stop();
});
afterEach(() => {
  stack.simulators.faults.clear();
});

const CHANNELS: NotificationChannel[] = ['sms', 'inapp', 'wecom'];

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${stack.simulators.url}/__control${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Seeds the OMS with an order for the waybill: a customer with a phone, a store with its bot key. */
async function seedOrder(waybillNo: string, wecomKey = `store-bot-${randomUUID().slice(0, 8)}`): Promise<{ orderId: string; wecomKey: string }> {
  const orderId = `SO-${randomUUID().slice(0, 8)}`;
  await control('PUT', `/oms/orders/${orderId}`, {
    waybillNo,
    carrier: 'SF',
    customer: { customerId: `CUST-${orderId}`, name: '王师傅汽修', phone: '13800000001' },
    store: { storeId: `STORE-${orderId}`, name: '枫车汽修 徐汇店', wecomKey },
    items: [{ sku: 'BRAKE-PAD-01', name: '前刹车片', quantity: 2, unitPrice: 12_800 }],
    supplierId: null,
  });
  return { orderId, wecomKey };
}

/** Every request a provider got for this key, replays included. */
const providerCalls = (channel: NotificationChannel, key: string) =>
  stack.simulators.ledger.entries({ system: channel, idempotencyKey: key, includeReplays: true });

const notices = (waybillNo: string) => stack.db.selectFrom('shipment_notices').selectAll().where('waybill_no', '=', waybillNo).execute();

const push = async (waybillNo: string, fields: Record<string, unknown>, eventId = `ev-${randomUUID()}`) => {
  const answer = await stack.pushTracking({ eventId, waybillNo, carrier: 'SF', ...fields });
  expect(answer.status).toBe(200);
  return eventId;
};

test("a parcel's life from shipped to signed tells each milestone once per channel, through duplicates, retries and continue-as-new", async () => {
  const waybillNo = uniqueWaybill('SF');
  const { wecomKey } = await seedOrder(waybillNo);
  // The waybill's workflow continues as new after every two events, so its memory must carry over.
  const input: ShipmentNoticesInput = { waybillNo, policy: NOTICES, eventsPerRun: 2 };
  const first = await stack.client.workflow.start(SHIPMENT_NOTICES_WORKFLOW_TYPE, {
    workflowId: shipmentNoticesWorkflowId(waybillNo),
    taskQueue: stack.config.temporal.taskQueue,
    args: [input],
  });
  // Each provider fails its first answer (503): the retried activity must still send once.
  stack.simulators.faults.set([
    { system: 'sms', operation: 'send', failNext: 1 },
    { system: 'inapp', operation: 'send', failNext: 1 },
  ]);

  const shipped = await push(waybillNo, { status: 'InTransit', description: '顺丰已收件', location: '深圳' });
  await stack.pushTracking({ eventId: shipped, waybillNo, carrier: 'SF', status: 'InTransit', description: '顺丰已收件' }); // the sender's retry
  await push(waybillNo, { status: 'InTransit', description: '快件已到达【东莞转运中心】', location: '东莞' }); // another transit scan: no news
  await push(waybillNo, { status: 'InTransit', description: '快件已到达派件城市【上海】', location: '上海' });
  await push(waybillNo, { status: 'OutForDelivery', description: '快递员正在派件', location: '上海' });
  await push(waybillNo, { status: 'AvailableForPickup', description: '已放入丰巢快递柜', location: '上海徐汇' });
  await push(waybillNo, { status: 'Delivered', description: '已签收', location: '上海' });
  await push(waybillNo, { status: 'OutForDelivery', description: '迟到的派件扫描', location: '上海' }); // late: superseded

  const milestones: Milestone[] = ['shipped', 'in_destination_city', 'out_for_delivery', 'awaiting_pickup', 'signed'];
  const rows = await eventually(
    () => notices(waybillNo),
    (found) => found.filter((row) => row.outcome === 'sent').length === milestones.length * CHANNELS.length,
    { what: 'every milestone sent on every channel', timeoutMs: 90_000 },
  );
  for (const milestone of milestones) {
    for (const channel of CHANNELS) {
      expect(rows.find((row) => row.milestone === milestone && row.channel === channel)?.outcome).toBe('sent');
      expect(providerCalls(channel, milestoneNoticeKey(waybillNo, milestone, channel))).toHaveLength(1);
    }
  }
  // Nothing else reached the customer: 5 texts, 5 inbox messages, 5 group messages for this waybill.
  const forWaybill = (channel: NotificationChannel) =>
    stack.simulators.ledger.entries({ system: channel, includeReplays: true }).filter((entry) => entry.idempotencyKey?.startsWith(`notice:${waybillNo}:`));
  expect(CHANNELS.map((channel) => forWaybill(channel).length)).toEqual([5, 5, 5]);
  const group = (await control('GET', `/wecom/messages?key=${encodeURIComponent(wecomKey)}`)) as { messages: Array<{ msgtype: string; content: string }> };
  expect(group.messages).toHaveLength(5);
  expect(group.messages.every((message) => message.msgtype === 'markdown')).toBe(true);
  expect(group.messages[0]?.content).toContain('包裹已揽收');
  const texts = stack.simulators.ledger.entries({ system: 'sms' }).filter((entry) => entry.idempotencyKey?.startsWith(`notice:${waybillNo}:`));
  expect(texts.map((entry) => (entry.request as { body: { TemplateCode: string } }).body.TemplateCode)).toEqual([
    'SMS_MILESTONE_SHIPPED',
    'SMS_MILESTONE_DEST_CITY',
    'SMS_MILESTONE_OUT_FOR_DELIVERY',
    'SMS_MILESTONE_AWAITING_PICKUP',
    'SMS_MILESTONE_SIGNED',
  ]);

  // It did continue as new, more than once, and the latest run still remembers every milestone.
  const handle = stack.client.workflow.getHandle(shipmentNoticesWorkflowId(waybillNo));
  expect((await handle.describe()).runId).not.toBe(first.firstExecutionRunId);
  const state = await handle.query(shipmentNoticesQuery);
  // The late out-for-delivery scan repeated a milestone already told: nothing more.
  expect(state.milestones).toEqual(milestones);

  // The same milestones signalled again to a fresh run (the workflow ended, a late push) send nothing.
  await handle.terminate('test: a fresh run must not tell again');
  await push(waybillNo, { status: 'Delivered', description: '已签收（重复推送）', location: '上海' });
  await eventually(
    () => stack.client.workflow.getHandle(shipmentNoticesWorkflowId(waybillNo)).query(shipmentNoticesQuery),
    (fresh) => fresh.log.some((entry) => entry.milestone === 'signed' && entry.channel === 'wecom'),
    { what: 'the fresh run told signed again, as far as it knows' },
  );
  // The bot's outbox knew the key and dropped it; the outbox rows answered SMS and in-app.
  await eventually(
    () => stack.client.workflow.getHandle(wecomOutboxWorkflowId(wecomBotIdOf(wecomKey))).query(wecomOutboxQuery),
    (outbox) => outbox.duplicatesDropped === 1 && outbox.sentTotal === 5,
    { what: 'the outbox dropped the repeat' },
  );
  expect((await notices(waybillNo)).filter((row) => row.milestone === 'signed').map((row) => row.outcome)).toEqual(['sent', 'sent', 'sent']);
  expect(providerCalls('sms', milestoneNoticeKey(waybillNo, 'signed', 'sms'))).toHaveLength(1);
  expect(providerCalls('inapp', milestoneNoticeKey(waybillNo, 'signed', 'inapp'))).toHaveLength(1);
  expect(providerCalls('wecom', milestoneNoticeKey(waybillNo, 'signed', 'wecom'))).toHaveLength(1);
  await stack.client.workflow.getHandle(shipmentNoticesWorkflowId(waybillNo)).terminate('test over');
  await stack.client.workflow.getHandle(wecomOutboxWorkflowId(wecomBotIdOf(wecomKey))).terminate('test over');
});

test('30 messages to one WeCom group at once arrive over two windows, none lost, never over the limit', async () => {
  // The simulator keeps WeCom's 20 messages per window, on a 4 s window instead of a minute.
  const windowMs = 4_000;
  await control('PUT', '/wecom/rate-limit', { perWindow: 20, windowMs });
  try {
    const wecomKey = `busy-store-${randomUUID().slice(0, 8)}`;
    const botId = wecomBotIdOf(wecomKey);
    const waybills = Array.from({ length: 30 }, () => uniqueWaybill('JD'));
    const message = (waybillNo: string): WecomOutboxMessage => ({
      key: milestoneNoticeKey(waybillNo, 'out_for_delivery', 'wecom'),
      ownerId: shipmentNoticesWorkflowId(waybillNo),
      template: 'milestone.out_for_delivery',
      params: { waybillNo, customerName: '王师傅汽修', carrierName: '京东物流' },
      recipient: { userId: 'CUST-1', storeId: 'STORE-1', wecomKey },
      waybillNo,
      milestone: 'out_for_delivery',
    });
    // The outbox continues as new every 7 sends, with its queue and its window.
    const start: WecomOutboxInput = { botId, pace: { perWindow: 20, windowMs }, sendsPerRun: 7 };
    const signalled = waybills.map((waybillNo) =>
      stack.client.workflow.signalWithStart(WECOM_OUTBOX_WORKFLOW_TYPE, {
        workflowId: wecomOutboxWorkflowId(botId),
        taskQueue: stack.config.temporal.taskQueue,
        args: [start],
        signal: wecomEnqueueSignal,
        signalArgs: [message(waybillNo)],
      }),
    );
    await Promise.all(signalled);
    // One message enqueued twice (an activity retry after a lost answer) is sent once.
    await stack.client.workflow.getHandle(wecomOutboxWorkflowId(botId)).signal(wecomEnqueueSignal, message(waybills[0] as string));

    const delivered = await eventually(
      async () =>
        ((await control('GET', `/wecom/messages?key=${encodeURIComponent(wecomKey)}`)) as { messages: Array<{ content: string; sentAt: string }> }).messages,
      (messages) => messages.length >= 30,
      { what: '30 group messages', timeoutMs: 60_000 },
    );
    expect(delivered).toHaveLength(30);
    for (const waybillNo of waybills) expect(delivered.filter((m) => m.content.includes(waybillNo))).toHaveLength(1);
    // The provider never had to refuse one: the queue kept to the limit by itself.
    expect(((await control('GET', '/wecom/rate-limit')) as { refused: number }).refused).toBe(0);
    const times = delivered.map((m) => Date.parse(m.sentAt)).sort((a, b) => a - b);
    const mostInAnyWindow = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + windowMs).length));
    expect(mostInAnyWindow).toBeLessThanOrEqual(20);
    // 30 > 20, so the last ones went in the next window.
    expect((times[29] as number) - (times[0] as number)).toBeGreaterThanOrEqual(windowMs);

    const outbox = await eventually(
      () => stack.client.workflow.getHandle(wecomOutboxWorkflowId(botId)).query(wecomOutboxQuery),
      // The 30th send is counted before its notice row is recorded and it leaves the queue.
      (state) => state.sentTotal === 30 && state.queue.length === 0,
      { what: 'outbox settled' },
    );
    expect(outbox).toMatchObject({ queue: [], duplicatesDropped: 1 });
    expect(outbox.maxInWindow).toBeLessThanOrEqual(20);
    const rows = await stack.db.selectFrom('shipment_notices').selectAll().where('waybill_no', 'in', waybills).execute();
    expect(rows.filter((row) => row.channel === 'wecom' && row.outcome === 'sent')).toHaveLength(30);
    process.stderr.write(
      `[customers-told] WeCom burst: 30 queued + 1 duplicate, ${delivered.length} delivered, ${outbox.duplicatesDropped} dropped as duplicate, ` +
        `most in one ${windowMs} ms window ${mostInAnyWindow}, span ${(times[29] as number) - (times[0] as number)} ms, 45009 refusals 0\n`,
    );
    await stack.client.workflow.getHandle(wecomOutboxWorkflowId(botId)).terminate('test over');
  } finally {
    await control('PUT', '/wecom/rate-limit', { perWindow: 20, windowMs: 60_000 });
  }
});

test('an SMS milestone at 23:00 business time is held until the quiet hours end; in-app and WeCom go at once', async () => {
  // A business calendar whose local time is 23:00 now: the offset from UTC that makes it so.
  if (new Date().getUTCSeconds() >= 50) await new Promise((resolve) => setTimeout(resolve, (61 - new Date().getUTCSeconds()) * 1_000));
  const now = new Date();
  const utcMinute = now.getUTCHours() * 60 + now.getUTCMinutes();
  let offset = (23 * 60 - utcMinute + 1440) % 1440;
  if (offset > 840) offset -= 1440;
  const quietHours = { utcOffsetMinutes: offset, startMinute: 21 * 60, endMinute: 23 * 60 + 1 };
  const quietEnd = Math.floor(now.getTime() / 60_000) * 60_000 + 60_000;

  const waybillNo = uniqueWaybill('SF');
  await seedOrder(waybillNo);
  await stack.client.workflow.start(SHIPMENT_NOTICES_WORKFLOW_TYPE, {
    workflowId: shipmentNoticesWorkflowId(waybillNo),
    taskQueue: stack.config.temporal.taskQueue,
    args: [{ waybillNo, policy: { ...NOTICES, quietHours } } satisfies ShipmentNoticesInput],
  });
  await push(waybillNo, { status: 'OutForDelivery', description: '快递员正在派件', location: '上海' });

  const held = await eventually(
    () => notices(waybillNo),
    (rows) =>
      rows.some((row) => row.channel === 'sms' && row.outcome === 'held') &&
      rows.some((row) => row.channel === 'inapp' && row.outcome === 'sent') &&
      rows.some((row) => row.channel === 'wecom'),
    { what: 'SMS held, in-app sent, WeCom queued' },
  );
  expect(held.find((row) => row.channel === 'wecom')?.outcome).toMatch(/queued|sent/);
  const smsKey = milestoneNoticeKey(waybillNo, 'out_for_delivery', 'sms');
  expect(providerCalls('sms', smsKey)).toHaveLength(0);
  expect(providerCalls('inapp', milestoneNoticeKey(waybillNo, 'out_for_delivery', 'inapp'))).toHaveLength(1);

  const sent = await eventually(
    async () => providerCalls('sms', smsKey),
    (calls) => calls.length > 0,
    { what: 'the held SMS sent when the quiet hours end', timeoutMs: 90_000 },
  );
  expect(sent).toHaveLength(1);
  // It went at the end of the quiet hours (23:01 local), not before.
  expect(Date.parse(sent[0]?.at as string)).toBeGreaterThanOrEqual(quietEnd);
  await eventually(
    () => notices(waybillNo),
    (rows) => rows.some((row) => row.channel === 'sms' && row.outcome === 'sent'),
    { what: 'SMS recorded sent' },
  );
  await stack.client.workflow.getHandle(shipmentNoticesWorkflowId(waybillNo)).terminate('test over');
});

test('a waybill the order system does not know is recorded, not told and not dropped silently', async () => {
  const waybillNo = uniqueWaybill('SF');
  await push(waybillNo, { status: 'InTransit', description: '顺丰已收件' });
  const rows = await eventually(
    () => notices(waybillNo),
    (found) => found.length > 0,
    { what: 'the no-customer record' },
  );
  expect(rows).toEqual([expect.objectContaining({ milestone: 'shipped', channel: 'all', outcome: 'no_customer' })]);
  for (const channel of CHANNELS) expect(providerCalls(channel, milestoneNoticeKey(waybillNo, 'shipped', channel))).toHaveLength(0);
  await stack.client.workflow.getHandle(shipmentNoticesWorkflowId(waybillNo)).terminate('test over');
});

test('an exception step is told when no case handles the waybill, and left to the case when one does', async () => {
  const alone = uniqueWaybill('SF');
  await seedOrder(alone);
  const withCase = uniqueWaybill('SF');
  await seedOrder(withCase);
  const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody({ waybillNo: withCase }) });
  expect(opened.status).toBe(201);

  // Signalled straight to the notices workflow: through the webhook, an exception may open a case
  // by itself (auto-open, branch tracking-in), and then that case speaks for it.
  await stack.client.workflow.signalWithStart(SHIPMENT_NOTICES_WORKFLOW_TYPE, {
    workflowId: shipmentNoticesWorkflowId(alone),
    taskQueue: stack.config.temporal.taskQueue,
    args: [{ waybillNo: alone, policy: NOTICES } satisfies ShipmentNoticesInput],
    signal: milestoneEventSignal,
    signalArgs: [
      { eventId: `ev-${randomUUID()}`, provider: 'generic', carrier: 'SF', status: 'Exception', subStatus: 'weather', occurredAt: new Date().toISOString() },
    ],
  });
  await push(withCase, { status: 'Exception', subStatus: 'weather', description: '暴雨天气，派送延误' });

  const told = await eventually(
    () => notices(alone),
    (rows) => rows.filter((row) => row.outcome === 'sent').length === 3,
    { what: 'the exception told on three channels' },
  );
  expect(told.every((row) => row.milestone === 'exception:weather')).toBe(true);
  const texts = providerCalls('sms', milestoneNoticeKey(alone, 'exception:weather', 'sms'));
  expect(texts).toHaveLength(1);
  expect((texts[0]?.request as { body: { TemplateCode: string } }).body.TemplateCode).toBe('SMS_MILESTONE_EXCEPTION');

  const left = await eventually(
    () => notices(withCase),
    (rows) => rows.length > 0,
    { what: 'the exception left to the case' },
  );
  expect(left).toEqual([expect.objectContaining({ milestone: 'exception:weather', channel: 'all', outcome: 'case_speaks' })]);
  for (const channel of CHANNELS) expect(providerCalls(channel, milestoneNoticeKey(withCase, 'exception:weather', channel))).toHaveLength(0);
  for (const waybillNo of [alone, withCase]) await stack.client.workflow.getHandle(shipmentNoticesWorkflowId(waybillNo)).terminate('test over');
  await stack.client.workflow.getHandle(opened.body.caseId as string).terminate('test over');
});

test('an event the sender gave up on is signalled by the redelivery sweeper, and told', async () => {
  const waybillNo = uniqueWaybill('SF');
  await seedOrder(waybillNo);
  // Recorded, never delivered: the API answered 503 and the carrier never retried.
  const event = {
    eventId: `ev-${randomUUID()}`,
    provider: 'generic',
    waybillNo,
    carrier: 'SF',
    status: 'OutForDelivery',
    occurredAt: new Date().toISOString(),
  };
  await stack.db
    .insertInto('inbound_events')
    .values({
      provider: 'generic',
      event_id: event.eventId,
      waybill_no: waybillNo,
      status: event.status,
      payload: JSON.stringify(event),
      case_id: null,
      delivery_state: 'pending',
    })
    .execute();
  const swept = await sweepTrackingEvents(stack.db, new CaseService({ db: stack.db, temporal: stack.client, config: stack.config }), { graceMs: 0 });
  expect(swept.failures).toBe(0);
  const rows = await eventually(
    () => notices(waybillNo),
    (found) => found.filter((row) => row.outcome === 'sent').length === 3,
    { what: 'the swept milestone told on three channels' },
  );
  expect(rows.every((row) => row.milestone === 'out_for_delivery')).toBe(true);
  await stack.client.workflow.getHandle(shipmentNoticesWorkflowId(waybillNo)).terminate('test over');
});
