import { createHash, createHmac } from 'node:crypto';
import { DEV_WEBHOOK_SECRET } from '../../config';
import { CaseService } from '../../api/case-service';
import { ensureWatchlistSchedule } from '../../api/watchlist-schedule';
import { sweepOnce } from '../../api/webhooks/redelivery-sweeper';
import type { WatchlistPolicy } from '../../domain/watchlist';
import { OPEN_TRACKED_CASE_WORKFLOW, openerWorkflowId, type OpenTrackedCaseInput, type OpenTrackedCaseResult } from '../../workflows/tracking/contract';
import { eventually, openCaseBody, startTestStack, uniqueWaybill, type TestStack } from '../helpers/test-stack';

/**
 * Tracking in (issue 9): real-looking Kuaidi100 and AfterShip pushes against the API wired to a
 * real Temporal server, PostgreSQL and the simulators (the OMS among them). Each push is checked
 * for the canonical event it records, the answer in the provider's own format, and nothing done
 * twice; exceptions open cases by themselves, once; the watchlist opens a case nobody asked for.
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const KD100_SALT = DEV_WEBHOOK_SECRET;
const AFTERSHIP_SECRET = DEV_WEBHOOK_SECRET;

function kuaidi100Form(nu: string, state: string, scans: { context: string; ftime: string; areaName?: string }[], salt = KD100_SALT): string {
  const param = JSON.stringify({
    status: 'polling',
    billstatus: 'check',
    message: '',
    autoCheck: '0',
    comOld: '',
    comNew: '',
    lastResult: {
      message: 'ok',
      state,
      status: '200',
      condition: '00',
      ischeck: '0',
      com: 'shunfeng',
      nu,
      data: scans.map((s) => ({ ...s, time: s.ftime, status: '在途' })),
    },
  });
  const sign = createHash('md5')
    .update(param + salt)
    .digest('hex')
    .toUpperCase();
  return new URLSearchParams({ param, sign }).toString();
}

async function postKuaidi100(form: string): Promise<{ status: number; body: { result: boolean; returnCode: string; message: string } }> {
  const res = await fetch(`${stack.apiUrl}/v1/webhooks/tracking/kuaidi100`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as { result: boolean; returnCode: string; message: string } };
}

function aftershipBody(eventId: string, trackingNumber: string, tag: string, subtag: string, message = 'Shipment update'): string {
  return JSON.stringify({
    event: 'tracking_update',
    event_id: eventId,
    is_tracking_first_tag: false,
    msg: {
      id: createHash('md5').update(trackingNumber).digest('hex'),
      tracking_number: trackingNumber,
      slug: 'sf-express',
      tag,
      subtag,
      subtag_message: message,
      updated_at: new Date().toISOString(),
      checkpoints: [
        {
          slug: 'sf-express',
          checkpoint_time: new Date(Date.now() - 3_600_000).toISOString(),
          message: '已揽收',
          location: '深圳市',
          tag: 'InTransit',
          subtag: 'InTransit_002',
        },
        { slug: 'sf-express', checkpoint_time: new Date().toISOString(), message, location: '上海市', tag, subtag },
      ],
    },
    ts: Math.floor(Date.now() / 1000),
  });
}

async function postAftership(body: string, secret = AFTERSHIP_SECRET): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${stack.apiUrl}/v1/webhooks/tracking/aftership`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'aftership-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64') },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function seedOrder(orderId: string, waybillNo: string, extra: Record<string, unknown> = {}): Promise<void> {
  const res = await fetch(`${stack.simulators.url}/__control/oms/orders/${orderId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      waybillNo,
      carrier: 'SF',
      customer: { customerId: `CUST-${orderId}`, name: '王師傅汽修', phone: '13800138000' },
      store: { storeId: 'STORE-SH-01', name: '楓車汽修 徐匯店', wecomKey: 'wecom-store-sh-01' },
      items: [{ sku: 'BRAKE-PAD-01', name: '前剎車片', quantity: 2, unitPrice: 12_800 }],
      supplierId: 'SUP-DEV-1',
      ...extra,
    }),
  });
  if (res.status !== 200) throw new Error(`seeding ${orderId} failed: ${res.status} ${await res.text()}`);
}

const casesOf = (waybillNo: string) => stack.db.selectFrom('cases').selectAll().where('waybill_no', '=', waybillNo).execute();
const eventsOf = (waybillNo: string) => stack.db.selectFrom('inbound_events').selectAll().where('waybill_no', '=', waybillNo).execute();
const oneCase = (waybillNo: string) =>
  eventually(
    () => casesOf(waybillNo),
    (rows) => rows.length > 0 && rows.every((row) => row.version > 0),
    { what: `a case for ${waybillNo}` },
  );

describe('Kuaidi100 pushes', () => {
  it('a valid 破損 push records the canonical event, answers 成功, and opens one DAMAGED case with the OMS order; a resent push does nothing twice', async () => {
    const waybillNo = uniqueWaybill('SF');
    await seedOrder(`ORD-${waybillNo}`, waybillNo);
    const form = kuaidi100Form(waybillNo, '209', [
      { context: '快件外包裝破損，已聯繫寄件人', ftime: '2026-11-24 18:30:00', areaName: '上海市' },
      { context: '順豐速運 已收取快件', ftime: '2026-11-24 09:00:00', areaName: '深圳市' },
    ]);
    expect(await postKuaidi100(form)).toEqual({ status: 200, body: { result: true, returnCode: '200', message: '成功' } });

    const [event] = await eventsOf(waybillNo);
    expect(event?.payload).toMatchObject({
      provider: 'kuaidi100',
      status: 'Exception',
      subStatus: 'damaged',
      rawCode: '209',
      carrier: 'SF',
      occurredAt: '2026-11-24T10:30:00.000Z',
      location: '上海市',
      description: '快件外包裝破損，已聯繫寄件人',
    });
    const [row] = await oneCase(waybillNo);
    expect(row).toMatchObject({
      type: 'DAMAGED',
      order_id: `ORD-${waybillNo}`,
      customer_id: `CUST-ORD-${waybillNo}`,
      needs_completion: false,
      opened_from: 'tracking',
    });
    const view = await stack.api('agent', `/v1/cases/${row?.case_id ?? ''}`);
    expect(view.body).toMatchObject({ type: 'DAMAGED', needsCompletion: false, openedFrom: 'tracking', supplierId: 'SUP-DEV-1' });
    expect(String(view.body.openReason)).toMatch(/kuaidi100 code 209/);

    // Kuaidi100 resends the same push until it hears result: true.
    const again = await postKuaidi100(form);
    expect(again).toMatchObject({ status: 200, body: { result: true, returnCode: '200' } });
    expect(await eventsOf(waybillNo)).toHaveLength(1);
    expect(await casesOf(waybillNo)).toHaveLength(1);
    // The case got the event that opened it (held, then handed over by the opener).
    await eventually(
      () =>
        stack.db
          .selectFrom('inbound_deliveries')
          .select('state')
          .where('case_id', '=', row?.case_id ?? '')
          .execute(),
      (rows) => rows.length === 1 && rows[0]?.state === 'delivered',
      { what: 'the opening event delivered to the case' },
    );
  });

  it('a forged sign is refused in Kuaidi100’s format with 401, and nothing is recorded', async () => {
    const waybillNo = uniqueWaybill('SF');
    const forged = await postKuaidi100(kuaidi100Form(waybillNo, '3', [{ context: '已簽收', ftime: '2026-11-24 10:00:00' }], 'not-the-salt'));
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({ result: false, returnCode: '401' });
    expect(forged.body.message).toMatch(/簽名|sign/);
    expect(await eventsOf(waybillNo)).toHaveLength(0);
  });

  it('a malformed push is refused with 400 and a message naming what is wrong', async () => {
    const noParam = await postKuaidi100('sign=ABC');
    expect(noParam).toMatchObject({ status: 400, body: { result: false, returnCode: '400' } });
    const param = '{"lastResult": "not an object"}';
    const sign = createHash('md5')
      .update(param + KD100_SALT)
      .digest('hex')
      .toUpperCase();
    const bad = await postKuaidi100(new URLSearchParams({ param, sign }).toString());
    expect(bad).toMatchObject({ status: 400, body: { result: false } });
    expect(bad.body.message).toMatch(/lastResult/);
  });

  it('an unknown state is accepted as Exception/unknown with the raw code kept, never a 5xx', async () => {
    const waybillNo = uniqueWaybill('SF');
    const answer = await postKuaidi100(kuaidi100Form(waybillNo, '299', [{ context: '新狀態', ftime: '2026-11-24 12:00:00' }]));
    expect(answer).toEqual({ status: 200, body: { result: true, returnCode: '200', message: '成功' } });
    const [event] = await eventsOf(waybillNo);
    expect(event?.payload).toMatchObject({ status: 'Exception', subStatus: 'unknown', rawCode: '299' });
    // Someone reads it: a DELAYED case, incomplete (the OMS does not know this waybill).
    const [row] = await oneCase(waybillNo);
    expect(row).toMatchObject({ type: 'DELAYED', needs_completion: true });
  });
});

describe('AfterShip webhooks', () => {
  it('a valid Exception_013 opens a LOST case; the replayed event_id is a duplicate; a forged or malformed one is refused', async () => {
    const waybillNo = uniqueWaybill('SF');
    await seedOrder(`ORD-${waybillNo}`, waybillNo);
    const body = aftershipBody(`as-${waybillNo}-1`, waybillNo, 'Exception', 'Exception_013', 'Shipment lost');
    const first = await postAftership(body);
    expect(first).toMatchObject({
      status: 200,
      body: { received: true, duplicate: false, held: true, status: 'Exception', subStatus: 'lost', opening: 'LOST' },
    });
    const replay = await postAftership(body);
    expect(replay).toMatchObject({ status: 200, body: { received: true, duplicate: true } });

    const forged = await postAftership(aftershipBody(`as-${waybillNo}-2`, waybillNo, 'Delivered', 'Delivered_001'), 'wrong-secret-123');
    expect(forged.status).toBe(401);
    const malformed = await postAftership(JSON.stringify({ event_id: `as-${waybillNo}-3`, msg: { slug: 'sf-express' } }));
    expect(malformed.status).toBe(400);
    expect(String(malformed.body.detail)).toMatch(/tracking_number/);

    expect((await eventsOf(waybillNo)).map((e) => e.payload)).toEqual([expect.objectContaining({ rawCode: 'Exception_013', subStatus: 'lost' })]);
    const [row] = await oneCase(waybillNo);
    expect(row).toMatchObject({ type: 'LOST', priority: 'high', needs_completion: false });
    expect(await casesOf(waybillNo)).toHaveLength(1);
  });
});

describe('exceptions open cases by themselves', () => {
  it('concurrent exception pushes for one new waybill open exactly one case, in PostgreSQL and in Temporal, and it gets every event', async () => {
    const waybillNo = uniqueWaybill('SF');
    await seedOrder(`ORD-${waybillNo}`, waybillNo);
    const pushes = [
      ...[1, 2, 3].map((n) => postAftership(aftershipBody(`as-${waybillNo}-c${n}`, waybillNo, 'Exception', 'Exception_012', `破損 ${n}`))),
      ...[1, 2, 3].map((n) => postKuaidi100(kuaidi100Form(waybillNo, '209', [{ context: `破損 ${n}`, ftime: `2026-11-24 18:3${n}:00` }]))),
    ];
    const answers = await Promise.all(pushes);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);

    const [row] = await oneCase(waybillNo);
    const caseId = row?.case_id ?? '';
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await casesOf(waybillNo)).map((r) => r.case_id)).toEqual([caseId]);

    const inTemporal = async () => {
      const ids: string[] = [];
      for await (const wf of stack.client.workflow.list({ query: `WaybillNo = "${waybillNo}" AND WorkflowType = "caseWorkflow"` })) ids.push(wf.workflowId);
      return ids;
    };
    expect(await eventually(inTemporal, (ids) => ids.length > 0, { what: 'the case in Temporal visibility' })).toEqual([caseId]);
    // All six events reach the one case (the opener hands over what was held; the sweeper what came after).
    await eventually(
      () => stack.db.selectFrom('inbound_deliveries').select(['event_id', 'state']).where('case_id', '=', caseId).execute(),
      (rows) => rows.length === 6,
      { what: 'every event delivered to the one case', timeoutMs: 60_000 },
    ).catch(async (error: unknown) => {
      // Events that lost the race to the opener wait for the redelivery sweeper; run it once here.
      await sweepOnce(
        { db: stack.db, temporal: stack.client, cases: new CaseService({ db: stack.db, temporal: stack.client, config: stack.config }) },
        { graceMs: 0 },
      );
      const rows = await stack.db.selectFrom('inbound_deliveries').select('event_id').where('case_id', '=', caseId).execute();
      if (rows.length !== 6) throw error;
    });
    expect(await inTemporal()).toEqual([caseId]);
  });

  it('an OMS-unknown waybill still opens a case, marked incomplete for an agent and listed by ?incomplete=true', async () => {
    const waybillNo = uniqueWaybill('JD');
    const answer = await postAftership(aftershipBody(`as-${waybillNo}`, waybillNo, 'Exception', 'Exception_003', '收件人拒收'));
    expect(answer).toMatchObject({ status: 200, body: { opening: 'REFUSED' } });
    const [row] = await oneCase(waybillNo);
    expect(row).toMatchObject({ type: 'REFUSED', needs_completion: true, customer_id: 'UNKNOWN', order_id: `UNKNOWN-${waybillNo}` });
    const view = await stack.api('agent', `/v1/cases/${row?.case_id ?? ''}`);
    expect(view.body).toMatchObject({ needsCompletion: true, openedFrom: 'tracking' });
    const listed = await stack.api('agent', `/v1/cases?incomplete=true&q=${waybillNo}`);
    expect(listed.body.items).toEqual([expect.objectContaining({ caseId: row?.case_id, needsCompletion: true, openedFrom: 'tracking' })]);
  });

  it('events for a waybill with no case and no exception are held, and handed to the case an exception opens later', async () => {
    const waybillNo = uniqueWaybill('SF');
    await seedOrder(`ORD-${waybillNo}`, waybillNo);
    const moving = await postKuaidi100(kuaidi100Form(waybillNo, '1', [{ context: '已攬收', ftime: '2026-11-24 09:00:00' }]));
    expect(moving.body.result).toBe(true);
    const [held] = await eventsOf(waybillNo);
    expect(held).toMatchObject({ delivery_state: 'held', status: 'InfoReceived' });
    expect(await casesOf(waybillNo)).toHaveLength(0);

    await postAftership(aftershipBody(`as-${waybillNo}`, waybillNo, 'Exception', 'Exception_007', '地址錯誤'));
    const [row] = await oneCase(waybillNo);
    expect(row?.type).toBe('ADDRESS_CHANGE');
    await eventually(
      () =>
        stack.db
          .selectFrom('inbound_deliveries')
          .select(['provider', 'state'])
          .where('case_id', '=', row?.case_id ?? '')
          .orderBy('provider')
          .execute(),
      (rows) => rows.length === 2 && rows.every((r) => r.state === 'delivered'),
      { what: 'both events handed to the case' },
    );
    // The stored tracking of the waybill saw both.
    const shipment = await stack.db.selectFrom('shipments').selectAll().where('waybill_no', '=', waybillNo).executeTakeFirstOrThrow();
    expect(shipment).toMatchObject({ event_count: 2, last_status: 'Exception', last_sub_status: 'incorrect_address' });
    expect(shipment.first_scan_at).not.toBeNull();
  });
});

describe('one way to open a case', () => {
  /** Runs the tracking opener for the waybill and type, as a push or the watchlist would ask for it. */
  const openFromTracking = (waybillNo: string, type: OpenTrackedCaseInput['type']): Promise<OpenTrackedCaseResult> =>
    stack.client.workflow.execute(OPEN_TRACKED_CASE_WORKFLOW, {
      workflowId: `${openerWorkflowId(waybillNo, type)}-${Date.now()}`,
      taskQueue: stack.config.temporal.taskQueue,
      args: [{ waybillNo, type, carrier: 'SF', reason: 'test: the opener asked directly', source: 'tracking' } satisfies OpenTrackedCaseInput],
    });

  it('one rule at every door: one open case per waybill and type — the opener defers to an agent’s case of its type, and opens its own for another type, with the same row and search attributes', async () => {
    const waybillNo = uniqueWaybill('SF');
    await seedOrder(`ORD-${waybillNo}`, waybillNo, { region: '310000' });
    const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody({ type: 'DAMAGED', waybillNo, orderId: `ORD-${waybillNo}`, region: '310000' }) });
    expect(opened.status).toBe(201);
    const agentCase = opened.body.caseId as string;

    // The same waybill and type: the agent's case holds the slot, so the opener opens nothing.
    expect(await openFromTracking(waybillNo, 'DAMAGED')).toMatchObject({ caseId: agentCase, opened: false });
    // Another type: a case of its own, as an agent's second open of another type would be.
    const delayed = await openFromTracking(waybillNo, 'DELAYED');
    expect(delayed).toMatchObject({ opened: true });
    expect(delayed.caseId).not.toBe(agentCase);
    // And the API refuses a second DELAYED case for the waybill, naming the tracked one.
    const second = await stack.api('agent', '/v1/cases', { body: openCaseBody({ type: 'DELAYED', waybillNo, orderId: `ORD-${waybillNo}` }) });
    expect(second).toMatchObject({ status: 409, body: { caseId: delayed.caseId } });

    // Both doors wrote one kind of row and started the workflow with one list of search attributes.
    const rows = await casesOf(waybillNo);
    expect(rows.map((row) => row.type).sort()).toEqual(['DAMAGED', 'DELAYED']);
    const attributes = async (caseId: string) => {
      const described = await stack.client.workflow.getHandle(caseId).describe();
      return Object.keys(described.searchAttributes)
        .filter((name) => !name.startsWith('Temporal') && name !== 'BuildIds')
        .sort();
    };
    const trackedAttributes = await attributes(delayed.caseId);
    expect(trackedAttributes).toEqual(
      expect.arrayContaining([
        'AssignedTo',
        'CaseStatus',
        'Carrier',
        'EscalationTier',
        'ExceptionType',
        'OrderId',
        'Priority',
        'Region',
        'SlaBreached',
        'WaybillNo',
      ]),
    );
    expect(await attributes(agentCase)).toEqual(trackedAttributes);
  });
});

describe('the watchlist', () => {
  it('a parcel with no first scan past the threshold gets a DELAYED case without anyone calling; one scanned in time gets none', async () => {
    const silent = uniqueWaybill('SF');
    const scanned = uniqueWaybill('SF');
    const shippedAt = new Date(Date.now() - 2 * 3_600_000).toISOString();
    await seedOrder(`ORD-${silent}`, silent, { shippedAt, lane: 'SZ-SH' });
    await seedOrder(`ORD-${scanned}`, scanned, { shippedAt, lane: 'SZ-SH' });
    await postKuaidi100(
      kuaidi100Form(scanned, '1', [
        { context: '順豐速運 已收取快件', ftime: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ') },
      ]),
    );

    // Thresholds the test can cross: a first scan is due one hour after shipping.
    const policy: WatchlistPolicy = {
      ...stack.config.watchlist,
      intervalMs: 3_600_000,
      defaults: { noFirstScanMs: 3_600_000 },
      overrides: [],
    };
    const scheduleId = `watchlist-test-${stack.config.temporal.taskQueue}`;
    expect(await ensureWatchlistSchedule(stack.client, { ...stack.config, watchlist: policy }, scheduleId)).toBe('created');
    const schedule = stack.client.schedule.getHandle(scheduleId);
    try {
      await schedule.trigger();
      const [row] = await oneCase(silent);
      expect(row).toMatchObject({ type: 'DELAYED', opened_from: 'watchlist', needs_completion: false });
      expect(row?.open_reason).toMatch(/揽收超时/);
      const run = await eventually(
        async () => (await schedule.describe()).info.recentActions.at(-1),
        (action) => action !== undefined,
        { what: 'the scheduled run' },
      );
      const result = (await stack.client.workflow.getHandle(run?.action.workflow.workflowId ?? '').result()) as { freshness: { carrier: string }[] };
      expect(result.freshness.map((f) => f.carrier)).toContain('SF');
      expect(await casesOf(scanned)).toHaveLength(0);

      // The next run does not open it again.
      await schedule.trigger();
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(await casesOf(silent)).toHaveLength(1);
      expect(await casesOf(scanned)).toHaveLength(0);
    } finally {
      await schedule.delete();
    }
  });

  it('the tracking report shows freshness per carrier and the cases opened without an agent', async () => {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const report = await stack.api('supervisor', `/v1/reports/tracking?from=${today}&to=${today}`);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ report: 'tracking', freshnessWindowHours: 24 });
    expect(report.body.freshness).toEqual(expect.arrayContaining([expect.objectContaining({ carrier: 'SF' })]));
    expect(report.body.autoOpened.length).toBeGreaterThan(0);
  });
});
