import { randomUUID } from 'node:crypto';
import { CLOCK_NAMES } from '../../domain/sla-policy';
import { startTestStack, TOKENS, type TestStack } from '../helpers/test-stack';

/**
 * The KPI reports against a hand-made fixture in the read model. Every expected figure below is
 * worked out by hand in the comments, from the rows inserted here. The fixture lives in March 2021
 * (business time zone Asia/Shanghai, +08:00), far from the cases other test files open today.
 *
 * Local (Shanghai) timeline of the cases:
 *   Y  2021-02-28 23:30  SF DAMAGED  customer K1 order O1   (outside 03-01: the day before)
 *   C1 2021-03-01 00:30  SF DAMAGED  K1/O1  region GD-SZ  (UTC: 02-28 16:30, in 03-01 only in local time)
 *   C2 2021-03-01 10:00  SF DELAYED  K2/O2  region BJ
 *   C3 2021-03-01 18:00  JD DELAYED  K1/O1  region BJ    priority high
 *   C4 2021-03-01 23:59  JD LOST     K3/O3  region GD-SZ
 *   W  2021-03-02 00:01  SF DAMAGED  K4/O4  region GD-SZ (UTC: 03-01 16:01, in 03-02 only in local time)
 */

let stack: TestStack;
const run = randomUUID().slice(0, 6);
const wb = (name: string) => `RPT${run}${name}`;
const id = (name: string) => `CASE-RPT-${run}-${name}`;

interface ClockSpec {
  name: string;
  state: 'running' | 'stopped';
  elapsedMs: number;
  breached?: boolean;
}

interface CaseSpec {
  name: string;
  openedAt: string;
  carrier: string;
  type: string;
  priority?: string;
  region: string;
  customer: string;
  order: string;
  status: string;
  tier?: number;
  resolved?: boolean;
  clocks: ClockSpec[];
  score?: number;
  earlierScores?: number[];
  reopens?: number;
  /** Who the case is assigned to ('agent' when the spec does not say). */
  assignee?: string;
}

const CASES: CaseSpec[] = [
  {
    name: 'Y',
    openedAt: '2021-02-28T15:30:00Z',
    carrier: 'SF',
    type: 'DAMAGED',
    region: 'GD-SZ',
    customer: 'K1',
    order: 'O1',
    status: 'CLOSED',
    resolved: true,
    score: 3,
    clocks: [{ name: 'firstResponse', state: 'stopped', elapsedMs: 999_999_999, breached: true }],
  },
  {
    name: 'C1',
    assignee: 'agent:li',
    openedAt: '2021-02-28T16:30:00Z',
    carrier: 'SF',
    type: 'DAMAGED',
    region: 'GD-SZ',
    customer: 'K1',
    order: 'O1',
    status: 'CLOSED',
    resolved: true,
    score: 5,
    clocks: [
      { name: 'firstResponse', state: 'stopped', elapsedMs: 600_000 },
      { name: 'handling', state: 'stopped', elapsedMs: 3_600_000 },
      { name: 'resolution', state: 'stopped', elapsedMs: 7_200_000 },
    ],
  },
  {
    name: 'C2',
    assignee: 'agent:wang',
    openedAt: '2021-03-01T02:00:00Z',
    carrier: 'SF',
    type: 'DELAYED',
    region: 'BJ',
    customer: 'K2',
    order: 'O2',
    status: 'WAITING_CARRIER',
    tier: 2,
    clocks: [
      { name: 'firstResponse', state: 'stopped', elapsedMs: 1_200_000 },
      { name: 'handling', state: 'stopped', elapsedMs: 9_000_000, breached: true },
      { name: 'resolution', state: 'running', elapsedMs: 10_000_000 },
    ],
  },
  {
    name: 'C3',
    assignee: 'agent:li',
    openedAt: '2021-03-01T10:00:00Z',
    carrier: 'JD',
    type: 'DELAYED',
    priority: 'high',
    region: 'BJ',
    customer: 'K1',
    order: 'O1',
    status: 'CLOSED',
    resolved: true,
    score: 4,
    earlierScores: [1],
    reopens: 1,
    clocks: [
      { name: 'firstResponse', state: 'stopped', elapsedMs: 2_400_000, breached: true },
      { name: 'handling', state: 'stopped', elapsedMs: 1_800_000 },
      { name: 'resolution', state: 'stopped', elapsedMs: 5_000_000 },
    ],
  },
  {
    name: 'C4',
    assignee: 'agent:wang',
    openedAt: '2021-03-01T15:59:00Z',
    carrier: 'JD',
    type: 'LOST',
    region: 'GD-SZ',
    customer: 'K3',
    order: 'O3',
    status: 'CLOSED',
    resolved: true,
    clocks: [
      { name: 'firstResponse', state: 'stopped', elapsedMs: 300_000 },
      { name: 'handling', state: 'stopped', elapsedMs: 100_000 },
      { name: 'resolution', state: 'stopped', elapsedMs: 8_000_000, breached: true },
    ],
  },
  {
    name: 'W',
    openedAt: '2021-03-01T16:01:00Z',
    carrier: 'SF',
    type: 'DAMAGED',
    region: 'GD-SZ',
    customer: 'K4',
    order: 'O4',
    status: 'CLOSED',
    resolved: true,
    score: 1,
    clocks: [
      { name: 'firstResponse', state: 'stopped', elapsedMs: 100_000 },
      { name: 'handling', state: 'stopped', elapsedMs: 50_000_000, breached: true },
      { name: 'resolution', state: 'stopped', elapsedMs: 60_000_000, breached: true },
    ],
  },
];

/** Tracking events (carrier, waybill, when it occurred, UTC). */
const EVENTS: Array<[string, string, string]> = [
  ['SF', wb('C1'), '2021-03-01T00:00:00Z'], // local 03-01 08:00
  ['SF', wb('C1'), '2021-03-01T12:00:00Z'], // local 03-01 20:00: 12 h gap, fresh
  ['SF', wb('S1'), '2021-03-01T01:00:00Z'], // local 03-01 09:00
  ['SF', wb('S1'), '2021-03-02T03:00:00Z'], // local 03-02 11:00: 26 h gap, stale
  ['SF', wb('S2'), '2021-03-01T05:00:00Z'], // one event: fresh
  ['JD', wb('S3'), '2021-03-01T05:00:00Z'],
  ['SF', wb('OUT'), '2021-02-28T15:00:00Z'], // local 02-28 23:00: outside
];

async function insertFixture(): Promise<void> {
  const { db } = stack;
  for (const spec of CASES) {
    const iso = (ms: number) => new Date(ms).toISOString();
    const opened = Date.parse(spec.openedAt);
    const snapshot = {
      caseId: id(spec.name),
      type: spec.type,
      status: spec.status,
      clocks: spec.clocks.map((clock) => ({
        name: clock.name,
        state: clock.state,
        targetMs: 1_800_000,
        startedAt: spec.openedAt,
        elapsedMs: clock.elapsedMs,
        breached: clock.breached ?? false,
        warned: [],
        pauses: [],
        extensions: [],
      })),
      ...(spec.score ? { feedback: { score: spec.score, channel: 'sms', at: iso(opened + 3_600_000) } } : {}),
      ...(spec.earlierScores ? { earlierFeedback: spec.earlierScores.map((score) => ({ score, channel: 'sms', at: spec.openedAt })) } : {}),
      ...(spec.reopens ? { reopens: spec.reopens } : {}),
    };
    await db
      .insertInto('cases')
      .values({
        case_id: id(spec.name),
        type: spec.type,
        status: spec.status,
        priority: spec.priority ?? 'normal',
        tier: spec.tier ?? 1,
        assignee: spec.assignee ?? 'agent',
        order_id: `${run}-${spec.order}`,
        waybill_no: wb(spec.name),
        carrier: spec.carrier,
        region: `${spec.region}`,
        customer_id: `${run}-${spec.customer}`,
        store_id: null,
        supplier_id: null,
        sla_due_at: null,
        sla_breached: spec.clocks.some((clock) => clock.breached),
        opened_at: spec.openedAt,
        updated_at: spec.openedAt,
        resolved_at: spec.resolved ? iso(opened + 3_000_000) : null,
        closed_at: spec.status === 'CLOSED' ? iso(opened + 4_000_000) : null,
        version: 1,
        snapshot: JSON.stringify(snapshot),
        start_request: JSON.stringify({}),
        last_event_hash: null,
      })
      .execute();
  }
  const claim = (caseName: string, carrier: string, status: string, amount: number) => ({
    claim_id: `CLM-${run}-${caseName}`,
    case_id: id(caseName),
    carrier,
    type: 'DAMAGED',
    kind: 'damage',
    status,
    amount_fen: amount,
    view: JSON.stringify({}),
  });
  await db
    .insertInto('claims')
    .values([claim('C1', 'SF', 'PAID', 10_000), claim('C3', 'JD', 'REJECTED', 5_000)])
    .execute();
  await db
    .insertInto('inbound_events')
    .values(
      EVENTS.map(([carrier, waybillNo, occurredAt], index) => ({
        provider: 'generic',
        event_id: `EV-${run}-${index}`,
        waybill_no: waybillNo,
        status: 'InTransit',
        payload: JSON.stringify({ provider: 'generic', eventId: `EV-${run}-${index}`, waybillNo, carrier, status: 'InTransit', occurredAt }),
        case_id: null,
        delivery_state: 'complete',
        updated_at: occurredAt,
      })),
    )
    .execute();
  const followUp = (n: number, supplier: string, startedAt: string, responseMs: number | null, reminders: number, escalated: boolean) => ({
    case_id: `CASE-RPT-${run}-F${n}`,
    supplier_id: `${supplier}-${run}`,
    order_id: `SO-${n}`,
    type: 'WRONG_ITEM',
    started_at: startedAt,
    replied_at: responseMs === null ? null : new Date(Date.parse(startedAt) + responseMs).toISOString(),
    response_ms: responseMs,
    reminders,
    escalated_to_manager: escalated,
    outcome: (responseMs === null ? 'unanswered' : 'replied') as 'unanswered' | 'replied',
    reply: null,
    updated_at: startedAt,
  });
  await db
    .insertInto('supplier_follow_ups')
    .values([
      followUp(1, 'SUPA', '2021-03-01T01:00:00Z', 600_000, 0, false),
      followUp(2, 'SUPA', '2021-03-01T02:00:00Z', 1_800_000, 1, false),
      followUp(3, 'SUPA', '2021-03-01T03:00:00Z', null, 2, true),
      followUp(4, 'SUPB', '2021-03-01T04:00:00Z', 300_000, 0, false),
      followUp(5, 'SUPB', '2021-02-28T15:00:00Z', 60_000, 0, false), // local 02-28 23:00: outside
    ])
    .execute();
}

beforeAll(async () => {
  stack = await startTestStack({ inProcessWorker: false });
  await insertFixture();
});
afterAll(async () => {
  await stack?.stop();
});

const DAY = 'from=2021-03-01&to=2021-03-01';
const TWO_DAYS = 'from=2021-03-01&to=2021-03-02';

describe('GET /v1/reports/sla', () => {
  it('gives p50/p90/max of completed clocks and the breach rate of started ones, by local day (C1 and C4 in, Y and W out)', async () => {
    const { status, body } = await stack.api('supervisor', `/v1/reports/sla?${DAY}`);
    expect(status).toBe(200);
    expect(body.timeZone).toBe('+08:00');
    const clock = (name: string) => body.byClock.find((row: { clock: string }) => row.clock === name);
    // firstResponse: 300k, 600k, 1.2M, 2.4M (C3 breached) → p50 = 2nd = 600k, p90 = 4th, 1 of 4 breached.
    expect(clock('firstResponse')).toEqual({
      clock: 'firstResponse',
      started: 4,
      completed: 4,
      breached: 1,
      breachRate: 0.25,
      p50Ms: 600_000,
      p90Ms: 2_400_000,
      maxMs: 2_400_000,
    });
    // handling: 100k, 1.8M, 3.6M, 9M (C2 breached).
    expect(clock('handling')).toMatchObject({ started: 4, completed: 4, breached: 1, p50Ms: 1_800_000, p90Ms: 9_000_000, maxMs: 9_000_000 });
    // resolution: C2 still running (not in the times); completed 5M, 7.2M, 8M (C4 breached).
    expect(clock('resolution')).toMatchObject({ started: 4, completed: 3, breached: 1, breachRate: 0.25, p50Ms: 7_200_000, p90Ms: 8_000_000 });
    expect(clock('payout')).toEqual({ clock: 'payout', started: 0, completed: 0, breached: 0, breachRate: 0, p50Ms: 0, p90Ms: 0, maxMs: 0 });
    // By type and priority: first response of DELAYED/high is C3 alone, breached.
    expect(body.rows).toContainEqual({
      clock: 'firstResponse',
      type: 'DELAYED',
      priority: 'high',
      started: 1,
      completed: 1,
      breached: 1,
      breachRate: 1,
      p50Ms: 2_400_000,
      p90Ms: 2_400_000,
      maxMs: 2_400_000,
    });
    // DAMAGED/normal in 03-01 is C1 only (Y and W are other local days).
    expect(body.rows).toContainEqual(expect.objectContaining({ clock: 'firstResponse', type: 'DAMAGED', priority: 'normal', started: 1, p50Ms: 600_000 }));
  });

  it('answers zeros for an empty range', async () => {
    const { status, body } = await stack.api('auditor', '/v1/reports/sla?from=2020-01-01&to=2020-01-31');
    expect(status).toBe(200);
    expect(body.rows).toEqual([]);
    expect(body.byClock).toHaveLength(CLOCK_NAMES.length);
    for (const row of body.byClock) expect(row).toMatchObject({ started: 0, breachRate: 0, p50Ms: 0, p90Ms: 0, maxMs: 0 });
  });
});

describe('GET /v1/reports/carriers', () => {
  it('scores each carrier over the range: shipments, exception rates, on-time resolution, claims, freshness, damage', async () => {
    const { status, body } = await stack.api('expert', `/v1/reports/carriers?${TWO_DAYS}`);
    expect(status).toBe(200);
    const sf = body.rows.find((row: { carrier: string }) => row.carrier === 'SF');
    // SF parcels: tracked C1, S1, S2 (OUT is before the range) ∪ cases C1, C2, W → 5; cases C1, C2, W.
    expect(sf).toMatchObject({
      shipmentsSeen: 5,
      cases: 3,
      exceptionRate: 0.6,
      resolved: 2, // C1 and W (C2 still open)
      resolvedOnTime: 1, // W's resolution clock breached
      onTimeResolutionRate: 0.5,
      claims: 1,
      claimedFen: 10_000,
      paidFen: 10_000,
      trackedParcels: 3,
      freshParcels: 2, // S1 went 26 h without an update
      trackingFreshness: 0.6667,
      damaged: 2,
      damageRatePerMille: 400,
      damageRateWithinTarget: false,
    });
    expect(sf.casesByType).toMatchObject({ DAMAGED: 2, DELAYED: 1, LOST: 0 });
    expect(sf.exceptionRateByType).toMatchObject({ DAMAGED: 0.4, DELAYED: 0.2 });
    const jd = body.rows.find((row: { carrier: string }) => row.carrier === 'JD');
    // JD: S3 ∪ C3, C4 → 3 parcels; C4's resolution breached; C3's claim rejected (counted, not claimed).
    expect(jd).toMatchObject({
      shipmentsSeen: 3,
      cases: 2,
      exceptionRate: 0.6667,
      resolved: 2,
      resolvedOnTime: 1,
      claims: 1,
      claimedFen: 0,
      paidFen: 0,
      trackedParcels: 1,
      trackingFreshness: 1,
      damaged: 0,
      damageRateWithinTarget: true,
    });
    expect(body.rows.find((row: { carrier: string }) => row.carrier === 'HUOLALA')).toMatchObject({ shipmentsSeen: 0, cases: 0, exceptionRate: 0 });
  });

  it('answers CSV with Accept: text/csv, one line per carrier', async () => {
    const response = await fetch(`${stack.apiUrl}/v1/reports/carriers?${TWO_DAYS}`, {
      headers: { authorization: 'Bearer test-supervisor-token-1', accept: 'text/csv' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines).toHaveLength(6);
    const columns = (lines[0] as string).split(',');
    expect(columns).toEqual(expect.arrayContaining(['carrier', 'shipmentsSeen', 'casesByType.DAMAGED', 'trackingFreshness']));
    const sf = (lines.find((line) => line.startsWith('SF,')) as string).split(',');
    expect(sf[columns.indexOf('cases')]).toBe('3');
    expect(sf[columns.indexOf('casesByType.DAMAGED')]).toBe('2');
  });
});

describe('GET /v1/reports/suppliers', () => {
  it('gives follow-ups, reply time p50/p90, reminders and escalations per supplier and in total', async () => {
    const { status, body } = await stack.api('supervisor', `/v1/reports/suppliers?${DAY}`);
    expect(status).toBe(200);
    const mine = body.rows.filter((row: { supplierId: string }) => row.supplierId.endsWith(run));
    expect(mine).toEqual([
      // SUPA: replies after 10 min and 30 min, one never answered after 2 reminders and an escalation.
      {
        supplierId: `SUPA-${run}`,
        followUps: 3,
        replied: 2,
        replyRate: 0.6667,
        unanswered: 1,
        open: 0,
        replyP50Ms: 600_000,
        replyP90Ms: 1_800_000,
        reminders: 3,
        followUpsNeedingReminders: 2,
        escalations: 1,
      },
      // SUPB: its 02-28 23:00 follow-up is outside the range.
      {
        supplierId: `SUPB-${run}`,
        followUps: 1,
        replied: 1,
        replyRate: 1,
        unanswered: 0,
        open: 0,
        replyP50Ms: 300_000,
        replyP90Ms: 300_000,
        reminders: 0,
        followUpsNeedingReminders: 0,
        escalations: 0,
      },
    ]);
    // Totals over 300k, 600k, 1.8M.
    expect(body.totals).toMatchObject({ followUps: 4, replied: 3, replyP50Ms: 600_000, replyP90Ms: 1_800_000, reminders: 3, escalations: 1 });
  });

  it('answers zeros for an empty range', async () => {
    const { body } = await stack.api('supervisor', '/v1/reports/suppliers?from=2020-01-01&to=2020-01-01');
    expect(body.rows).toEqual([]);
    expect(body.totals).toMatchObject({ followUps: 0, replyRate: 0, replyP50Ms: 0, escalations: 0 });
  });
});

describe('GET /v1/reports/satisfaction', () => {
  it('computes CSAT, distribution, NPS split, missing feedback, repeat contacts, FCR and low-score reopen outcomes', async () => {
    const { status, body } = await stack.api('auditor', `/v1/reports/satisfaction?${DAY}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      cases: 4,
      scored: 2, // C1 5, C3 4
      csat: 1,
      distribution: { '1': 0, '2': 0, '3': 0, '4': 1, '5': 1 },
      nps: { promoters: 1, passives: 1, detractors: 0, score: 50 },
      missingFeedback: { count: 1, closed: 3, rate: 0.3333 }, // C4 closed without a score
      // C1 (Y, same customer and order, an hour earlier) and C3 (C1 the same day) are repeats.
      repeatContact: { count: 2, rate: 0.5, withinDays: 7 },
      // Resolved: C1, C3, C4; C3 was reopened → 2 of 3.
      firstContactResolution: { count: 2, resolved: 3, rate: 0.6667 },
      // C3 scored 1, was reopened, then scored 4.
      lowScoreReopens: { count: 1, recovered: 1, stillUnsatisfied: 0, inRecovery: 0, closedWithoutScore: 0 },
    });
  });

  it('answers zeros for an empty range', async () => {
    const { status, body } = await stack.api('auditor', '/v1/reports/satisfaction?from=2020-01-01&to=2020-01-02');
    expect(status).toBe(200);
    expect(body).toMatchObject({ cases: 0, scored: 0, csat: 0, nps: { score: 0 }, repeatContact: { rate: 0 }, firstContactResolution: { rate: 0 } });
  });
});

describe('GET /v1/reports/agents', () => {
  it('scores each agent: cases, resolution, escalations, response and resolution times, FCR, reopens, CSAT', async () => {
    const { status, body } = await stack.api('supervisor', `/v1/reports/agents?${DAY}`);
    expect(status).toBe(200);
    expect(body.agents).toEqual([
      {
        // C1 and C3: both resolved at tier 1; C3 reopened once (scored 1, then 4); C1 scored 5.
        // First response 600 000 and 2 400 000 (C3 breached): the lower median is 600 000.
        // Resolution 7 200 000 and 5 000 000: the lower median is 5 000 000.
        agent: 'agent:li',
        cases: 2,
        resolved: 2,
        resolutionRate: 1,
        escalated: 0,
        firstResponseP50Ms: 600_000,
        firstResponseBreached: 1,
        resolutionP50Ms: 5_000_000,
        firstContactResolution: { count: 1, rate: 0.5 },
        reopened: 1,
        reopenRate: 0.5,
        scored: 2,
        csat: 1,
      },
      {
        // C2 (escalated to tier 2, still waiting on the carrier) and C4 (resolved, no score).
        // First response 1 200 000 and 300 000 → 300 000; resolution stopped only on C4.
        agent: 'agent:wang',
        cases: 2,
        resolved: 1,
        resolutionRate: 0.5,
        escalated: 1,
        firstResponseP50Ms: 300_000,
        firstResponseBreached: 0,
        resolutionP50Ms: 8_000_000,
        firstContactResolution: { count: 1, rate: 1 },
        reopened: 0,
        reopenRate: 0,
        scored: 0,
        csat: 0,
      },
    ]);
    // All four: first responses 300 000, 600 000, 1 200 000, 2 400 000 → 600 000; resolutions
    // 5 000 000, 7 200 000, 8 000 000 → 7 200 000; FCR C1 and C4 of 3 resolved.
    expect(body.totals).toEqual({
      cases: 4,
      resolved: 3,
      resolutionRate: 0.75,
      escalated: 1,
      firstResponseP50Ms: 600_000,
      firstResponseBreached: 1,
      resolutionP50Ms: 7_200_000,
      firstContactResolution: { count: 2, rate: 0.6667 },
      reopened: 1,
      reopenRate: 0.3333,
      scored: 2,
      csat: 1,
    });
  });

  it('answers the scorecard as CSV, one line per agent and a total line', async () => {
    const response = await fetch(`${stack.apiUrl}/v1/reports/agents?${DAY}`, { headers: { authorization: `Bearer ${TOKENS.auditor}`, accept: 'text/csv' } });
    expect(response.status).toBe(200);
    const lines = (await response.text()).trim().split(/\r?\n/);
    expect(lines[0]?.split(',').slice(0, 3)).toEqual(['agent', 'cases', 'resolved']);
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(['agent:li', 'agent:wang', '*']);
  });

  it('answers no agents and zero totals for an empty range', async () => {
    const { status, body } = await stack.api('auditor', '/v1/reports/agents?from=2020-01-01&to=2020-01-02');
    expect(status).toBe(200);
    expect(body.agents).toEqual([]);
    expect(body.totals).toMatchObject({
      cases: 0,
      resolved: 0,
      resolutionRate: 0,
      firstResponseP50Ms: 0,
      csat: 0,
      firstContactResolution: { count: 0, rate: 0 },
    });
  });

  it('is for supervisors, experts and auditors only', async () => {
    expect((await stack.api('agent', `/v1/reports/agents?${DAY}`)).status).toBe(403);
  });
});

describe('GET /v1/reports/health', () => {
  it('scores each carrier and region per local day from weighted components, with the trend', async () => {
    const { status, body } = await stack.api('supervisor', `/v1/reports/health?${TWO_DAYS}`);
    expect(status).toBe(200);
    const row = (dimension: string, key: string, date: string) =>
      body.rows.find((r: { dimension: string; key: string; date: string }) => r.dimension === dimension && r.key === key && r.date === date);
    // SF 03-01: C1, C2 of 4 parcels (C1, S1, S2, C2) → exception 0.5 → 0; handling 1 of 2 on time;
    // no complaint; CSAT 1/1; claims 1 of 2 → 0.25·0 + 0.25·0.5 + 0.15·1 + 0.2·1 + 0.15·0.5 = 0.55.
    const sf1 = row('carrier', 'SF', '2021-03-01');
    expect(sf1).toMatchObject({ cases: 2, shipmentsSeen: 4, score: 55 });
    expect(sf1.components).toMatchObject({
      exceptionRate: { value: 0.5, score: 0 },
      onTimeHandling: { value: 0.5, score: 0.5 },
      complaints: { value: 0, score: 1 },
      csat: { value: 1, score: 1 },
      claimRate: { value: 0.5, score: 0.5 },
    });
    // SF 03-02: W of 2 parcels (S1's second event, W) → 0; handling breached → 0; a complaint (1/5) → 0;
    // CSAT 0; no claim → 1: 0.15.
    expect(row('carrier', 'SF', '2021-03-02')).toMatchObject({ cases: 1, shipmentsSeen: 2, score: 15 });
    // JD 03-01: C3, C4 of 3 parcels → 0; handling 2/2; C3's earlier score 1 is a complaint (0.5);
    // CSAT 1/1; claims 1/2 → 0 + 0.25 + 0.075 + 0.2 + 0.075 = 0.6.
    expect(row('carrier', 'JD', '2021-03-01')).toMatchObject({ cases: 2, shipmentsSeen: 3, score: 60 });
    // Region BJ 03-01: C2, C3, no exception rate (parcels are not per region) → weights over 0.75:
    // (0.25·0.5 + 0.15·0.5 + 0.2·1 + 0.15·0.5) / 0.75 = 0.6333.
    const bj = row('region', 'BJ', '2021-03-01');
    expect(bj).toMatchObject({ cases: 2, score: 63.3 });
    expect(bj.components.exceptionRate).toEqual({ value: null, score: null, weight: 0.25 });
    const sfTrend = body.trend.find((t: { dimension: string; key: string }) => t.dimension === 'carrier' && t.key === 'SF');
    expect(sfTrend).toEqual({
      dimension: 'carrier',
      key: 'SF',
      first: 55,
      last: 15,
      change: -40,
      days: [
        { date: '2021-03-01', score: 55 },
        { date: '2021-03-02', score: 15 },
      ],
    });
  });

  it('answers an empty range with no rows and no trend', async () => {
    const { status, body } = await stack.api('supervisor', '/v1/reports/health?from=2020-01-01&to=2020-01-03');
    expect(status).toBe(200);
    expect(body.rows).toEqual([]);
    expect(body.trend).toEqual([]);
  });
});

describe('report requests', () => {
  it('refuses agents (403) and requests without a token (401)', async () => {
    expect((await stack.api('agent', `/v1/reports/sla?${DAY}`)).status).toBe(403);
    expect((await stack.api(null, `/v1/reports/sla?${DAY}`)).status).toBe(401);
  });

  it('answers a bad date or range with 400 problem+json naming the field', async () => {
    const bad = await stack.api('supervisor', '/v1/reports/carriers?from=2021-02-30&to=2021-03-01');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: '$.from' })]);
    const reversed = await stack.api('supervisor', '/v1/reports/health?from=2021-03-02&to=2021-03-01');
    expect(reversed.status).toBe(400);
    expect(reversed.body.errors).toEqual([expect.objectContaining({ path: '$.to' })]);
    expect((await stack.api('supervisor', '/v1/reports/sla?from=2021-03-01')).status).toBe(400);
    expect((await stack.api('supervisor', `/v1/reports/nope?${DAY}`)).status).toBe(404);
  });
});
