import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/database';

/**
 * The dashboard's hand-made fixture in the read model (test/integration/reports-dashboard.test.ts
 * works out every figure from it; test/e2e/dashboard-browser.test.ts draws it). It lives in May of
 * a year each test file picks for itself (2021 below; the files share one database), far from
 * other test files' cases, in the business time zone +08:00; its regions are the module's own, so
 * region filters see only it. The test policy: low-score threshold 2, satisfied from 4.
 *
 * Local (Shanghai) timeline. Range 05-10..05-11; the previous period is 05-08..05-09.
 *   P1 05-08 10:00  SF DELAYED  EAST  closed 05-08, score 5, firstResponse 1.2M        (previous period)
 *   D1 05-10 09:00  SF DAMAGED  EAST  closed 05-10, score 5, fR 0.6M, handling 3.6M, resolution 7.2M
 *   D2 05-10 11:00  SF DELAYED  EAST  WAITING_CARRIER at tier 2, breached: fR 2.4M (breached), handling running (breached)
 *   D3 05-10 23:30  JD LOST     WEST  closed 05-11 00:36, score 2 (a complaint), fR 0.3M, handling 1.8M, resolution 9.0M (breached)
 *   D4 05-11 00:30  JD DELAYED  WEST  OPEN, due in 30 min (due soon), fR running
 *   D5 05-11 10:00  SF DELAYED  WEST  IN_PROGRESS, due in 10 h, fR 0.9M, score 4 after an earlier 1 (a complaint)
 *
 * Tracking events: SF D1 at 05-10 08:00 and 18:00 (10 h apart: fresh); SF S1 once on 05-10;
 * JD S2 on 05-10 12:00 and 05-11 14:00 (26 h apart: stale on 05-11).
 */

export const run = randomUUID().slice(0, 6);
export const EAST = `EAST-${run}`;
export const WEST = `WEST-${run}`;
const wb = (name: string) => `DSB${run}${name}`;
export const id = (name: string) => `CASE-DSB-${run}-${name}`;

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
  region: string;
  status: string;
  tier?: number;
  resolved?: boolean;
  closed?: boolean;
  dueAt?: string;
  clocks: ClockSpec[];
  score?: number;
  earlierScores?: number[];
}

const now = Date.now();
const CASES: CaseSpec[] = [
  {
    name: 'P1',
    openedAt: '2021-05-08T02:00:00Z',
    carrier: 'SF',
    type: 'DELAYED',
    region: EAST,
    status: 'CLOSED',
    resolved: true,
    closed: true,
    score: 5,
    clocks: [{ name: 'firstResponse', state: 'stopped', elapsedMs: 1_200_000 }],
  },
  {
    name: 'D1',
    openedAt: '2021-05-10T01:00:00Z',
    carrier: 'SF',
    type: 'DAMAGED',
    region: EAST,
    status: 'CLOSED',
    resolved: true,
    closed: true,
    score: 5,
    clocks: [
      { name: 'firstResponse', state: 'stopped', elapsedMs: 600_000 },
      { name: 'handling', state: 'stopped', elapsedMs: 3_600_000 },
      { name: 'resolution', state: 'stopped', elapsedMs: 7_200_000 },
    ],
  },
  {
    name: 'D2',
    openedAt: '2021-05-10T03:00:00Z',
    carrier: 'SF',
    type: 'DELAYED',
    region: EAST,
    status: 'WAITING_CARRIER',
    tier: 2,
    dueAt: '2021-05-10T05:00:00Z',
    clocks: [
      { name: 'firstResponse', state: 'stopped', elapsedMs: 2_400_000, breached: true },
      { name: 'handling', state: 'running', elapsedMs: 9_000_000, breached: true },
    ],
  },
  {
    name: 'D3',
    openedAt: '2021-05-10T15:30:00Z',
    carrier: 'JD',
    type: 'LOST',
    region: WEST,
    status: 'CLOSED',
    resolved: true,
    closed: true,
    score: 2,
    clocks: [
      { name: 'firstResponse', state: 'stopped', elapsedMs: 300_000 },
      { name: 'handling', state: 'stopped', elapsedMs: 1_800_000 },
      { name: 'resolution', state: 'stopped', elapsedMs: 9_000_000, breached: true },
    ],
  },
  {
    name: 'D4',
    openedAt: '2021-05-10T16:30:00Z',
    carrier: 'JD',
    type: 'DELAYED',
    region: WEST,
    status: 'OPEN',
    dueAt: new Date(now + 30 * 60_000).toISOString(),
    clocks: [{ name: 'firstResponse', state: 'running', elapsedMs: 100_000 }],
  },
  {
    name: 'D5',
    openedAt: '2021-05-11T02:00:00Z',
    carrier: 'SF',
    type: 'DELAYED',
    region: WEST,
    status: 'IN_PROGRESS',
    dueAt: new Date(now + 10 * 3_600_000).toISOString(),
    score: 4,
    earlierScores: [1],
    clocks: [{ name: 'firstResponse', state: 'stopped', elapsedMs: 900_000 }],
  },
];

const EVENTS: Array<[string, string, string]> = [
  ['SF', wb('D1'), '2021-05-10T00:00:00Z'],
  ['SF', wb('D1'), '2021-05-10T10:00:00Z'],
  ['SF', wb('S1'), '2021-05-10T02:00:00Z'],
  ['JD', wb('S2'), '2021-05-10T04:00:00Z'],
  ['JD', wb('S2'), '2021-05-11T06:00:00Z'],
];

/** The fixture's rows, as the case workflows would have written them, moved to May of `year`. */
export async function insertDashboardFixture(db: Db, year = 2021): Promise<void> {
  const moved = (iso: string) => iso.replace(/^2021-/, `${year}-`);
  for (const original of CASES) {
    const spec = { ...original, openedAt: moved(original.openedAt), ...(original.dueAt ? { dueAt: moved(original.dueAt) } : {}) };
    const opened = Date.parse(spec.openedAt);
    const iso = (ms: number) => new Date(ms).toISOString();
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
      ...(spec.earlierScores ? { earlierFeedback: spec.earlierScores.map((score) => ({ score, channel: 'sms', at: spec.openedAt })), reopens: 1 } : {}),
    };
    await db
      .insertInto('cases')
      .values({
        case_id: id(spec.name),
        type: spec.type,
        status: spec.status,
        priority: 'normal',
        tier: spec.tier ?? 1,
        assignee: spec.tier === 2 ? 'tier2-supervisors' : 'tier1-agents',
        order_id: `${run}-O-${spec.name}`,
        waybill_no: wb(spec.name),
        carrier: spec.carrier,
        region: spec.region,
        customer_id: `${run}-K-${spec.name}`,
        store_id: null,
        supplier_id: null,
        sla_due_at: spec.dueAt ?? null,
        sla_breached: spec.clocks.some((clock) => clock.breached),
        opened_at: spec.openedAt,
        updated_at: spec.openedAt,
        resolved_at: spec.resolved ? iso(opened + 3_000_000) : null,
        closed_at: spec.closed ? iso(opened + 4_000_000) : null,
        version: 1,
        snapshot: JSON.stringify(snapshot),
        start_request: JSON.stringify({}),
        last_event_hash: null,
      })
      .execute();
  }
  await db
    .insertInto('inbound_events')
    .values(
      EVENTS.map(([carrier, waybillNo, at], index) => ({ carrier, waybillNo, occurredAt: moved(at), index })).map(
        ({ carrier, waybillNo, occurredAt, index }) => ({
          provider: 'generic',
          event_id: `EV-DSB-${run}-${index}`,
          waybill_no: waybillNo,
          status: 'InTransit',
          payload: JSON.stringify({ provider: 'generic', eventId: `EV-DSB-${run}-${index}`, waybillNo, carrier, status: 'InTransit', occurredAt }),
          case_id: null,
          delivery_state: 'complete',
          updated_at: occurredAt,
        }),
      ),
    )
    .execute();
}
