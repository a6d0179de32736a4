import { createHmac } from 'node:crypto';
import { CaseService } from '../../api/case-service';
import { signGeneric, signSupplierReply } from '../../api/webhooks/signatures';
import { startRedeliverySweeper, sweepOnce } from '../../api/webhooks/redelivery-sweeper';
import { intakeTrackingEvent } from '../../api/webhooks/tracking-intake';
import type { TrackingTargets } from '../../api/webhooks/inbound-delivery';
import type { TrackingEvent } from '../../domain/tracking';
import { eventually, openCaseBody, startTestStack, uniqueWaybill, WEBHOOK_SECRET, type TestStack } from '../helpers/test-stack';

/**
 * Webhooks lose nothing (issue 7, item 5): an event is acknowledged only once it is safe, and a
 * crash, a failing first attempt racing the sender's retry, or a partial delivery to several
 * cases never drops it; events held for a waybill reach a case opened later; each supplier signs
 * with its own secret, over its own id.
 */

const SUPPLIER_SECRETS = { 'SUP-A': 'secret-of-supplier-a-0001', 'SUP-B': 'secret-of-supplier-b-0002' };

let stack: TestStack;
let service: CaseService;
const started: string[] = [];

beforeAll(async () => {
  stack = await startTestStack({
    env: {
      SUPPLIER_WEBHOOK_SECRETS: Object.entries(SUPPLIER_SECRETS)
        .map(([id, secret]) => `${id}:${secret}`)
        .join(','),
    },
  });
  service = new CaseService({ db: stack.db, temporal: stack.client, config: stack.config, log: () => undefined });
});
afterAll(async () => {
  for (const caseId of started)
    await stack.client.workflow
      .getHandle(caseId)
      .terminate('test over')
      .catch(() => undefined);
  await stack?.stop();
});

async function openCase(overrides: Record<string, unknown> = {}): Promise<string> {
  const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody(overrides) });
  expect(opened.status).toBe(201);
  started.push(opened.body.caseId);
  return opened.body.caseId as string;
}

function trackingEvent(waybillNo: string, status = 'InTransit'): TrackingEvent {
  return {
    provider: 'generic',
    eventId: `ev-${uniqueWaybill()}`,
    waybillNo,
    carrier: 'SF',
    status,
    occurredAt: new Date().toISOString(),
  } as TrackingEvent;
}

/** The carrier's push of `event` through the real signed webhook. */
async function push(event: TrackingEvent) {
  const { provider: _provider, ...wire } = event;
  const raw = JSON.stringify(wire);
  const response = await fetch(`${stack.apiUrl}/v1/webhooks/tracking/generic`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': signGeneric(raw, WEBHOOK_SECRET) },
    body: raw,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** How many times the case's workflow has seen tracking events (it ignores ids it has seen). */
async function eventsSeen(caseId: string): Promise<number> {
  const view = await stack.api('agent', `/v1/cases/${caseId}`);
  return (view.body.tracking?.eventsSeen as number | undefined) ?? 0;
}

async function eventState(event: TrackingEvent): Promise<string | undefined> {
  const row = await stack.db
    .selectFrom('inbound_events')
    .select('delivery_state')
    .where('provider', '=', event.provider)
    .where('event_id', '=', event.eventId)
    .executeTakeFirst();
  return row?.delivery_state;
}

/** Delivery that fails for the cases `failFor` says, after `gate` opens (real delivery otherwise). */
function faultyTargets(failFor: (caseId: string) => boolean, gate: Promise<void> = Promise.resolve()): TrackingTargets {
  return {
    openCaseIdsForWaybill: (waybillNo) => service.openCaseIdsForWaybill(waybillNo),
    async deliverTrackingEvent(caseId, event) {
      if (!failFor(caseId)) return service.deliverTrackingEvent(caseId, event);
      await gate;
      throw new Error('14 UNAVAILABLE: Temporal unreachable');
    },
  };
}

async function recordedAsAPreviousVersionWould(event: TrackingEvent, state: 'pending' | 'held') {
  await stack.db
    .insertInto('inbound_events')
    .values({
      provider: event.provider,
      event_id: event.eventId,
      waybill_no: event.waybillNo,
      status: event.status,
      payload: JSON.stringify(event),
      case_id: null,
      delivery_state: state,
    })
    .execute();
}

describe('a crash between recording an event and delivering it', () => {
  test('the sender\'s retry of the same event id delivers it instead of being told "duplicate"', async () => {
    const waybillNo = uniqueWaybill();
    const caseId = await openCase({ waybillNo });
    const event = trackingEvent(waybillNo);
    await recordedAsAPreviousVersionWould(event, 'pending'); // the process died right after this
    const retry = await push(event);
    expect(retry).toMatchObject({ status: 200, body: { duplicate: false, deliveredTo: [caseId] } });
    await eventually(
      () => eventsSeen(caseId),
      (seen) => seen === 1,
      { what: 'the event at the case' },
    );
    expect(await eventState(event)).toBe('complete');
  });

  test('the redelivery sweeper delivers it when the sender never retries', async () => {
    const waybillNo = uniqueWaybill();
    const caseId = await openCase({ waybillNo });
    const event = trackingEvent(waybillNo);
    await recordedAsAPreviousVersionWould(event, 'pending');
    // The suites share one database, and another suite's sweeper may take the event first: what
    // matters is that a sweep, not a retry, delivers it, once.
    await sweepOnce({ db: stack.db, temporal: stack.client, cases: service }, { graceMs: 0 });
    await eventually(
      () => eventsSeen(caseId),
      (seen) => seen === 1,
      { what: 'the event at the case' },
    );
    expect(await eventState(event)).toBe('complete');
  });
});

test('the sweeper running on its interval in the API process finishes a delivery nobody retries', async () => {
  const waybillNo = uniqueWaybill();
  const caseId = await openCase({ waybillNo });
  const event = trackingEvent(waybillNo);
  await recordedAsAPreviousVersionWould(event, 'pending');
  const sweeper = startRedeliverySweeper({ db: stack.db, temporal: stack.client, cases: service, log: () => undefined }, 200, { graceMs: 0 });
  try {
    await eventually(
      () => eventsSeen(caseId),
      (seen) => seen === 1,
      { what: 'the event at the case' },
    );
    await eventually(
      () => eventState(event),
      (state) => state === 'complete',
      { what: 'the event settled' },
    );
  } finally {
    await sweeper.stop();
  }
});

test('a sender retry racing a failing first attempt delivers the event; nothing is lost', async () => {
  const waybillNo = uniqueWaybill();
  const caseId = await openCase({ waybillNo });
  const event = trackingEvent(waybillNo);
  let openGate: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    openGate = resolve;
  });
  // The first attempt records the event, then hangs on an unreachable Temporal...
  const first = intakeTrackingEvent(
    stack.db,
    faultyTargets(() => true, gate),
    event,
  ).then(
    () => 'delivered',
    () => 'failed',
  );
  await eventually(
    () => eventState(event),
    (state) => state === 'pending',
    { what: 'the first attempt to record the event' },
  );
  // ...while the sender, timing out, retries.
  const retry = await push(event);
  expect(retry).toMatchObject({ status: 200, body: { duplicate: false, deliveredTo: [caseId] } });
  openGate();
  expect(await first).toBe('failed');
  await eventually(
    () => eventsSeen(caseId),
    (seen) => seen === 1,
    { what: 'the event at the case' },
  );
  expect(await eventState(event)).toBe('complete');
});

test('a partial delivery to two cases is finished by the retry, each case getting it once', async () => {
  const waybillNo = uniqueWaybill();
  const delayed = await openCase({ waybillNo, type: 'DELAYED' });
  const lost = await openCase({ waybillNo, type: 'LOST', declaredValue: 10_000 });
  const event = trackingEvent(waybillNo);
  await expect(
    intakeTrackingEvent(
      stack.db,
      faultyTargets((caseId) => caseId === lost),
      event,
    ),
  ).rejects.toThrow(/UNAVAILABLE/);
  const deliveries = await stack.db.selectFrom('inbound_deliveries').select(['case_id', 'state']).where('event_id', '=', event.eventId).execute();
  expect(Object.fromEntries(deliveries.map((row) => [row.case_id, row.state]))).toEqual({ [delayed]: 'delivered', [lost]: 'pending' });
  expect(await eventState(event)).toBe('pending');

  const retry = await push(event);
  expect(retry.status).toBe(200);
  expect(retry.body.deliveredTo).toEqual(expect.arrayContaining([delayed, lost]));
  for (const caseId of [delayed, lost])
    await eventually(
      () => eventsSeen(caseId),
      (seen) => seen === 1,
      { what: `the event at ${caseId}` },
    );
  expect(await eventState(event)).toBe('complete');
});

test('a failed delivery is answered 503, not 2xx, and stays pending', async () => {
  const waybillNo = uniqueWaybill();
  const caseId = await openCase({ waybillNo });
  const event = trackingEvent(waybillNo);
  await expect(
    intakeTrackingEvent(
      stack.db,
      faultyTargets(() => true),
      event,
    ),
  ).rejects.toThrow();
  expect(await eventState(event)).toBe('pending');
  await sweepOnce({ db: stack.db, temporal: stack.client, cases: service }, { graceMs: 0 });
  await eventually(
    () => eventsSeen(caseId),
    (seen) => seen === 1,
    { what: 'the event at the case' },
  );
});

describe('events held for a waybill without an open case', () => {
  test('are handed to a case opened later for that waybill', async () => {
    const waybillNo = uniqueWaybill();
    // Not an exception: an exception would open its own case (docs/integrations.md).
    const event = trackingEvent(waybillNo, 'OutForDelivery');
    const answer = await push(event);
    expect(answer).toMatchObject({ status: 200, body: { duplicate: false, deliveredTo: [], held: true } });
    expect(await eventState(event)).toBe('held');
    const caseId = await openCase({ waybillNo });
    await eventually(
      () => eventsSeen(caseId),
      (seen) => seen === 1,
      { what: 'the held event at the new case' },
    );
    const view = await stack.api('agent', `/v1/cases/${caseId}`);
    expect(view.body.tracking.lastStatus).toBe('OutForDelivery');
  });

  test('are handed over by the sweeper when the open was interrupted before the hand-over', async () => {
    const waybillNo = uniqueWaybill();
    const caseId = await openCase({ waybillNo });
    const event = trackingEvent(waybillNo);
    await recordedAsAPreviousVersionWould(event, 'held'); // held, and the case's hand-over never ran
    await sweepOnce({ db: stack.db, temporal: stack.client, cases: service }, { graceMs: 0 });
    await eventually(
      () => eventsSeen(caseId),
      (seen) => seen === 1,
      { what: 'the held event at the case' },
    );
  });
});

describe('supplier webhook secrets', () => {
  test('each supplier signs with its own secret, over its own id; no supplier can sign for another', async () => {
    const raw = JSON.stringify({ replyId: 'R-fixed-1', caseId: 'CASE-20200101-AAAAAAAA', action: 'message', message: '收到' });
    const send = async (urlSupplier: string, signature: string) =>
      (
        await fetch(`${stack.apiUrl}/v1/webhooks/supplier/${urlSupplier}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-signature': signature },
          body: raw,
        })
      ).status;
    // Properly signed: the signature is accepted (and the unknown case is then a 404).
    expect(await send('SUP-A', signSupplierReply('SUP-A', raw, SUPPLIER_SECRETS['SUP-A']))).toBe(404);
    // SUP-B's secret cannot sign for SUP-A, nor can SUP-A's signature be replayed on SUP-B's URL.
    expect(await send('SUP-A', signSupplierReply('SUP-A', raw, SUPPLIER_SECRETS['SUP-B']))).toBe(401);
    expect(await send('SUP-B', signSupplierReply('SUP-A', raw, SUPPLIER_SECRETS['SUP-A']))).toBe(401);
    // The old shared-secret scheme (HMAC of the body alone) no longer verifies.
    expect(await send('SUP-A', `sha256=${createHmac('sha256', SUPPLIER_SECRETS['SUP-A']).update(raw).digest('hex')}`)).toBe(401);
  });
});
