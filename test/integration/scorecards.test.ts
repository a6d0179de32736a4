import { randomUUID } from 'node:crypto';
import { startTestStack, TOKENS, type TestStack } from '../helpers/test-stack';
import { testPolicy } from '../../fixtures/fast-policy';

/**
 * The carrier and supplier scorecards against a hand-made fixture in March 2017 (no other test file
 * uses that year). Business time zone Asia/Shanghai (+08:00). The range is two local weeks,
 * Mon 2017-03-06 … Sun 2017-03-19; the policy asks for 2 weeks in a row for the backup-carrier flag,
 * so the weeks are 03-06…03-12 and 03-13…03-19. Every expected figure is worked out in the comments.
 *
 * Parcels (UTC times; h = hours of transit):
 *   SF lane A (SH-BJ)
 *     A1 shipped 03-06 02:00, delivered 03-07 02:00 (24 h), promised 03-08 → on time, week 1;
 *        a failed attempt recorded AFTER delivery does not count against it
 *     A2 shipped 03-07 00:00, delivered 03-09 00:00 (48 h), promised 03-08 → late, week 1; AttemptFail on 03-08 → not first attempt
 *     A3 shipped 03-13 00:00, delivered 03-15 12:00 (60 h), promised 03-14 → late, week 2
 *     A4 shipped 03-17 15:59, delivered 03-19 15:59 (48 h) = local 03-19 23:59 (in), promised 03-20 → on time, week 2
 *     A5 shipped 03-18 16:01 (local 03-19 00:01, in), delivered 03-19 16:01 = local 03-20 00:01 (out of the range)
 *   SF lane B (SH-GZ): B1 shipped 03-14, never delivered
 *   SF lane C (SH-CD)
 *     C1 shipped 03-06 00:00, delivered 03-08 00:00 (48 h), promised 03-09 → on time, week 1
 *     C2 shipped 03-13 00:00, delivered 03-14 00:00 (24 h), promised 03-13 12:00 → late, week 2; Exception/delivery_failed before
 *   JD lane BJ-SH (JD's own on-time target 0.5)
 *     J1 shipped 03-06 00:00, delivered 03-07 00:00 (24 h), promised 03-07 00:00 → on time (delivered at the promise), week 1
 *     J2 shipped 03-13 00:00, delivered 03-15 00:00 (48 h), promised 03-14 → late, week 2
 */

let stack: TestStack;
const run = randomUUID().slice(0, 6);
const wb = (name: string) => `SC${run}${name}`;
const H = 3_600_000;
const RANGE = 'from=2017-03-06&to=2017-03-19';

const PARCELS: Array<[string, string, string, string, string | null, string | null]> = [
  // name, carrier, lane, shipped, delivered, promised
  ['A1', 'SF', 'SH-BJ', '2017-03-06T02:00:00Z', '2017-03-07T02:00:00Z', '2017-03-08T00:00:00Z'],
  ['A2', 'SF', 'SH-BJ', '2017-03-07T00:00:00Z', '2017-03-09T00:00:00Z', '2017-03-08T00:00:00Z'],
  ['A3', 'SF', 'SH-BJ', '2017-03-13T00:00:00Z', '2017-03-15T12:00:00Z', '2017-03-14T00:00:00Z'],
  ['A4', 'SF', 'SH-BJ', '2017-03-17T15:59:00Z', '2017-03-19T15:59:00Z', '2017-03-20T00:00:00Z'],
  ['A5', 'SF', 'SH-BJ', '2017-03-18T16:01:00Z', '2017-03-19T16:01:00Z', '2017-03-19T00:00:00Z'],
  ['B1', 'SF', 'SH-GZ', '2017-03-14T00:00:00Z', null, '2017-03-16T00:00:00Z'],
  ['C1', 'SF', 'SH-CD', '2017-03-06T00:00:00Z', '2017-03-08T00:00:00Z', '2017-03-09T00:00:00Z'],
  ['C2', 'SF', 'SH-CD', '2017-03-13T00:00:00Z', '2017-03-14T00:00:00Z', '2017-03-13T12:00:00Z'],
  ['J1', 'JD', 'BJ-SH', '2017-03-06T00:00:00Z', '2017-03-07T00:00:00Z', '2017-03-07T00:00:00Z'],
  ['J2', 'JD', 'BJ-SH', '2017-03-13T00:00:00Z', '2017-03-15T00:00:00Z', '2017-03-14T00:00:00Z'],
];

/** Failed attempts: [parcel, carrier, status, subStatus, occurredAt]. */
const EVENTS: Array<[string, string, string, string, string]> = [
  ['A2', 'SF', 'AttemptFail', 'delivery_failed', '2017-03-08T10:00:00Z'],
  ['A1', 'SF', 'AttemptFail', 'delivery_failed', '2017-03-07T05:00:00Z'], // after its delivery
  ['C2', 'SF', 'Exception', 'delivery_failed', '2017-03-13T20:00:00Z'],
];

/**
 * Cases: SF DAMAGED K1 opened 03-05 16:30Z (local 03-06 00:30, in) on parcel A1 (lane SH-BJ), SF
 * DELAYED K2 on parcel C2 (lane SH-CD), SF DAMAGED OUT opened 03-05 15:30Z (local 03-05 23:30, out),
 * JD LOST K3 (no parcel of the table); supplier cases on OTHER (no parcels).
 */
const CASES: Array<[string, string, string, string, string | null, string?]> = [
  ['K1', 'SF', 'DAMAGED', '2017-03-05T16:30:00Z', null, 'A1'],
  ['K2', 'SF', 'DELAYED', '2017-03-10T02:00:00Z', null, 'C2'],
  ['OUT', 'SF', 'DAMAGED', '2017-03-05T15:30:00Z', null],
  ['K3', 'JD', 'LOST', '2017-03-11T02:00:00Z', null],
  ['S1', 'OTHER', 'WRONG_ITEM', '2017-03-07T02:00:00Z', 'SA'],
  ['S2', 'OTHER', 'WRONG_ITEM', '2017-03-08T02:00:00Z', 'SA'],
  ['S3', 'OTHER', 'MISSING_ITEM', '2017-03-09T02:00:00Z', 'SA'],
  ['S4', 'OTHER', 'DAMAGED', '2017-03-09T02:00:00Z', 'SB'],
  ['S5', 'OTHER', 'WRONG_ITEM', '2017-03-19T16:30:00Z', 'SB'], // local 03-20: out
];
const caseId = (name: string) => `CASE-SC-${run}-${name}`;
const supplier = (name: string) => `${name}-${run}`;

async function insertFixture(): Promise<void> {
  const { db } = stack;
  await db
    .insertInto('shipments')
    .values(
      PARCELS.map(([name, carrier, lane, shipped, delivered, promised]) => ({
        waybill_no: wb(name),
        carrier,
        lane,
        shipped_at: shipped,
        delivered_at: delivered,
        promised_at: promised,
        updated_at: shipped,
      })),
    )
    .execute();
  await db
    .insertInto('inbound_events')
    .values(
      EVENTS.map(([name, carrier, status, subStatus, occurredAt], index) => ({
        provider: 'generic',
        event_id: `SC-${run}-${index}`,
        waybill_no: wb(name),
        status,
        payload: JSON.stringify({ provider: 'generic', eventId: `SC-${run}-${index}`, waybillNo: wb(name), carrier, status, subStatus, occurredAt }),
        case_id: null,
        delivery_state: 'complete',
        updated_at: occurredAt,
      })),
    )
    .execute();
  for (const [name, carrier, type, openedAt, supplierId, parcel] of CASES) {
    await db
      .insertInto('cases')
      .values({
        case_id: caseId(name),
        type,
        status: 'CLOSED',
        priority: 'normal',
        tier: 1,
        assignee: 'agent',
        order_id: `SO-${run}-${name}`,
        waybill_no: wb(parcel ?? `X${name}`),
        carrier,
        region: null,
        customer_id: `C-${run}`,
        store_id: null,
        supplier_id: supplierId ? supplier(supplierId) : null,
        sla_due_at: null,
        sla_breached: false,
        opened_at: openedAt,
        updated_at: openedAt,
        resolved_at: null,
        closed_at: null,
        version: 1,
        snapshot: JSON.stringify({}),
        start_request: JSON.stringify({}),
        last_event_hash: null,
      })
      .execute();
  }
  const claim = (name: string, carrier: string, status: string, amount: number, recoverable: number | null, recovered: number | null) => ({
    claim_id: `CLM-SC-${run}-${name}`,
    case_id: caseId(name),
    carrier,
    type: 'DAMAGED',
    kind: 'damage',
    status,
    amount_fen: amount,
    recovery_from: recoverable === null ? null : 'carrier',
    recovery_status: recoverable === null ? null : 'RECOVERING',
    recoverable_fen: recoverable,
    recovered_fen: recovered,
    view: JSON.stringify({}),
  });
  await db
    .insertInto('claims')
    .values([
      claim('K1', 'SF', 'PAID', 10_000, 10_000, 6_000),
      claim('K2', 'SF', 'PROPOSED', 3_000, null, null),
      claim('OUT', 'SF', 'PAID', 99_000, 99_000, 0),
      claim('K3', 'JD', 'PAID', 5_000, 5_000, 5_000),
    ])
    .execute();
  const followUp = (n: number, supplierName: string, startedAt: string, responseMs: number | null, escalated: boolean) => ({
    case_id: `CASE-SC-${run}-F${n}`,
    supplier_id: supplier(supplierName),
    order_id: `SO-F${n}`,
    type: 'WRONG_ITEM',
    started_at: startedAt,
    replied_at: responseMs === null ? null : new Date(Date.parse(startedAt) + responseMs).toISOString(),
    response_ms: responseMs,
    reminders: escalated ? 2 : 0,
    escalated_to_manager: escalated,
    outcome: (responseMs === null ? 'unanswered' : 'replied') as 'unanswered' | 'replied',
    reply: null,
    updated_at: startedAt,
  });
  await db
    .insertInto('supplier_follow_ups')
    .values([
      followUp(1, 'SA', '2017-03-07T03:00:00Z', 1 * H, false),
      followUp(2, 'SA', '2017-03-08T03:00:00Z', 3 * H, true),
      followUp(3, 'SA', '2017-03-09T03:00:00Z', null, true),
      followUp(4, 'SB', '2017-03-09T03:00:00Z', 0.5 * H, false),
      followUp(5, 'SB', '2017-03-05T15:00:00Z', 9 * H, true), // local 03-05 23:00: out
    ])
    .execute();
}

beforeAll(async () => {
  stack = await startTestStack({
    inProcessWorker: false,
    policy: testPolicy({
      supplier: { reminderIntervalMs: 5_000, maxReminders: 2, responseTargetMs: 2 * H },
      reports: { backupCarrierWeeks: 2, carrierTargets: { JD: { onTimeDeliveryTarget: 0.5 } } },
    }),
  });
  await insertFixture();
});
afterAll(async () => {
  await stack?.stop();
});

type Row = Record<string, unknown> & { carrier: string; lanes: Array<Record<string, unknown> & { lane: string }> };

describe('GET /v1/reports/carrier-scorecard', () => {
  it('measures delivery per carrier and lane against the targets, ranked best first', async () => {
    const { status, body } = await stack.api('supervisor', `/v1/reports/carrier-scorecard?${RANGE}`);
    expect(status).toBe(200);
    expect(body.timeZone).toBe('+08:00');
    expect(body.backupCarrier).toEqual({
      weeks: 2,
      weekRanges: [
        { from: '2017-03-06', to: '2017-03-12' },
        { from: '2017-03-13', to: '2017-03-19' },
      ],
    });
    const carriers = body.carriers as Row[];
    // JD and SF both 0.5 on time; JD's first-attempt rate 1 beats SF's 0.6667. OTHER has no parcels: last.
    expect(carriers.map((row) => [row.rank, row.carrier])).toEqual([
      [1, 'JD'],
      [2, 'SF'],
      [3, 'OTHER'],
    ]);
    const sf = carriers.find((row) => row.carrier === 'SF') as Row;
    // Shipped in range: A1–A5, B1, C1, C2 = 8. Delivered in range: A1–A4, C1, C2 = 6 (A5 is local 03-20).
    // On time: A1, A4, C1 = 3 of 6. First attempt: all but A2 and C2 = 4 of 6.
    // Transit 24, 48, 60, 48, 48, 24 h → sorted 24 24 48 48 48 60: p50 = 3rd = 48 h, p90 = 6th = 60 h.
    expect(sf).toMatchObject({
      shipped: 8,
      delivered: 6,
      deliveredWithPromise: 6,
      deliveredOnTime: 3,
      onTimeDeliveryRate: { value: 0.5, target: 0.95, met: false },
      firstAttemptDeliveries: 4,
      firstAttemptDeliveryRate: { value: 0.6667, target: 0.9, met: false },
      transitP50Ms: 48 * H,
      transitP90Ms: { value: 60 * H, target: 72 * H, met: true },
      // Cases K1 (local 03-06 00:30) and K2; OUT is local 03-05. 2 / 8 shipped; 1 DAMAGED / 8.
      cases: 2,
      exceptionRate: { value: 0.25, target: 0.02, met: false },
      damaged: 1,
      damageRate: { value: 0.125, target: 0.001, met: false },
      // K1 PAID 10 000 (6 000 of 10 000 recovered), K2 proposed; OUT's claim is out of the range.
      claims: { filed: 2, paid: 1, paidFen: 10_000, recoverableFen: 10_000, recoveredFen: 6_000, recoveryRate: { value: 0.6, target: 0.8, met: false } },
      lanesToReconsider: ['SH-BJ'],
    });
    const lane = (name: string) => sf.lanes.find((row) => row.lane === name);
    // SH-BJ: delivered A1–A4, on time A1 and A4; transit 24 48 60 48 → p50 2nd = 48 h, p90 4th = 60 h.
    // Week 1: A1 on time, A2 late = 0.5 < 0.95; week 2: A3 late, A4 on time = 0.5: missed both → flag.
    expect(lane('SH-BJ')).toMatchObject({
      shipped: 5,
      delivered: 4,
      onTimeDeliveryRate: { value: 0.5, met: false },
      firstAttemptDeliveryRate: { value: 0.75 },
      transitP50Ms: 48 * H,
      transitP90Ms: { value: 60 * H },
      // K1 (DAMAGED) is on A1: 1 case and 1 damaged of 5 shipped.
      cases: 1,
      exceptionRate: { value: 0.2, target: 0.02, met: false },
      damaged: 1,
      damageRate: { value: 0.2, met: false },
      weeksMissed: [true, true],
      considerBackupCarrier: true,
    });
    // SH-GZ: nothing delivered — no rates, no transit times (null, not 0), no flag.
    expect(lane('SH-GZ')).toMatchObject({
      shipped: 1,
      delivered: 0,
      onTimeDeliveryRate: { value: null, met: null },
      firstAttemptDeliveryRate: { value: null, met: null },
      transitP50Ms: null,
      transitP90Ms: { value: null, met: null },
      cases: 0,
      exceptionRate: { value: 0, met: true },
      weeksMissed: [null, null],
      considerBackupCarrier: false,
    });
    // SH-CD: week 1 C1 on time (1.0), week 2 C2 late (0): missed one week of two → no flag. K2 (DELAYED) is on C2: 1 of 2.
    expect(lane('SH-CD')).toMatchObject({
      cases: 1,
      exceptionRate: { value: 0.5 },
      damaged: 0,
      damageRate: { value: 0, met: true },
      delivered: 2,
      onTimeDeliveryRate: { value: 0.5 },
      firstAttemptDeliveryRate: { value: 0.5 },
      weeksMissed: [false, true],
      considerBackupCarrier: false,
    });
    // JD: its own target 0.5 (carrierTargets.JD), met by J1 (delivered exactly at the promise); claims fully recovered.
    const jd = carriers.find((row) => row.carrier === 'JD') as Row;
    expect(jd).toMatchObject({
      shipped: 2,
      delivered: 2,
      onTimeDeliveryRate: { value: 0.5, target: 0.5, met: true },
      firstAttemptDeliveryRate: { value: 1, met: true },
      cases: 1,
      exceptionRate: { value: 0.5, met: false },
      damageRate: { value: 0, met: true },
      claims: { filed: 1, paid: 1, recoveryRate: { value: 1, met: true } },
      lanesToReconsider: [],
    });
    expect(jd.lanes).toEqual([expect.objectContaining({ lane: 'BJ-SH', weeksMissed: [false, true], considerBackupCarrier: false })]);
    // OTHER: 4 supplier cases and no parcels: the rates per shipment have nothing to divide.
    expect(carriers.find((row) => row.carrier === 'OTHER')).toMatchObject({ shipped: 0, cases: 4, exceptionRate: { value: null, met: null }, lanes: [] });
  });

  it('counts a parcel delivered at 23:59 local on the last day, and one delivered at 00:01 the next day not', async () => {
    const { body } = await stack.api('auditor', '/v1/reports/carrier-scorecard?from=2017-03-19&to=2017-03-19');
    const sf = (body.carriers as Row[]).find((row) => row.carrier === 'SF') as Row;
    // Local 03-19: A4 delivered 23:59 (in), A5 shipped 00:01 (in, shipped) and delivered 03-20 00:01 (out).
    // The weeks of the flag still end with the range's week, so SH-CD (delivered earlier that week) is listed, with nothing in the range.
    expect(sf.lanes).toEqual([
      expect.objectContaining({ lane: 'SH-BJ', shipped: 1, delivered: 1, deliveredOnTime: 1, transitP50Ms: 48 * H, considerBackupCarrier: true }),
      expect.objectContaining({ lane: 'SH-CD', shipped: 0, delivered: 0, transitP50Ms: null, weeksMissed: [false, true] }),
    ]);
    const next = await stack.api('auditor', '/v1/reports/carrier-scorecard?from=2017-03-20&to=2017-03-20');
    const sfNext = (next.body.carriers as Row[]).find((row) => row.carrier === 'SF') as Row;
    // Local 03-20: A5 delivered 00:01, promised 03-19 08:00 local → late.
    // Its weeks are now 03-13…03-19 and 03-20 alone: SH-BJ missed both (A3 late; A5 late), SH-CD only the first.
    expect(sfNext.lanes).toEqual([
      expect.objectContaining({ lane: 'SH-BJ', shipped: 0, delivered: 1, deliveredOnTime: 0, transitP50Ms: 24 * H, weeksMissed: [true, true] }),
      expect.objectContaining({ lane: 'SH-CD', delivered: 0, weeksMissed: [true, null], considerBackupCarrier: false }),
    ]);
    expect(next.body.backupCarrier.weekRanges).toEqual([
      { from: '2017-03-13', to: '2017-03-19' },
      { from: '2017-03-20', to: '2017-03-20' },
    ]);
  });

  it('answers an empty range with no carriers', async () => {
    const { status, body } = await stack.api('expert', '/v1/reports/carrier-scorecard?from=2016-01-01&to=2016-01-31');
    expect(status).toBe(200);
    expect(body.carriers).toEqual([]);
  });

  it('answers CSV: a line per carrier (lane "*") and per lane', async () => {
    const response = await fetch(`${stack.apiUrl}/v1/reports/carrier-scorecard?${RANGE}`, {
      headers: { authorization: `Bearer ${TOKENS.supervisor}`, accept: 'text/csv' },
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await response.text()).trim().split('\r\n');
    const header = (lines[0] ?? '').split(',');
    expect(header).toEqual(
      expect.arrayContaining(['rank', 'carrier', 'lane', 'onTimeDeliveryRate.value', 'onTimeDeliveryRate.target', 'considerBackupCarrier']),
    );
    // JD *, BJ-SH; SF *, SH-BJ, SH-CD, SH-GZ; OTHER *.
    expect(lines).toHaveLength(1 + 7);
  });
});

describe('GET /v1/reports/supplier-scorecard', () => {
  it('counts wrong, missing and damaged parts and the reply time against the target', async () => {
    const { status, body } = await stack.api('supervisor', `/v1/reports/supplier-scorecard?${RANGE}`);
    expect(status).toBe(200);
    expect(body.unmeasured.figures).toContain('shipOnTimeRate');
    // SA: S1, S2 WRONG_ITEM, S3 MISSING_ITEM; follow-ups 1 h, 3 h, unanswered → p50 1st = 1 h, p90 2nd = 3 h > 2 h.
    // SB: S4 DAMAGED (S5 is local 03-20); follow-up 0.5 h (F5 is local 03-05).
    expect(body.suppliers).toEqual([
      {
        supplierId: supplier('SA'),
        cases: 3,
        wrongItem: 2,
        missingItem: 1,
        damaged: 0,
        followUps: 3,
        replied: 2,
        replyRate: 0.6667,
        replyP50Ms: 1 * H,
        replyP90Ms: { value: 3 * H, target: 2 * H, met: false },
        escalated: 2,
        escalationRate: 0.6667,
      },
      {
        supplierId: supplier('SB'),
        cases: 1,
        wrongItem: 0,
        missingItem: 0,
        damaged: 1,
        followUps: 1,
        replied: 1,
        replyRate: 1,
        replyP50Ms: 0.5 * H,
        replyP90Ms: { value: 0.5 * H, target: 2 * H, met: true },
        escalated: 0,
        escalationRate: 0,
      },
    ]);
  });

  it('answers an empty range with no suppliers, and agents get 403', async () => {
    const { body } = await stack.api('auditor', '/v1/reports/supplier-scorecard?from=2016-01-01&to=2016-01-31');
    expect(body.suppliers).toEqual([]);
    const refused = await stack.api('agent', `/v1/reports/supplier-scorecard?${RANGE}`);
    expect(refused.status).toBe(403);
  });
});
