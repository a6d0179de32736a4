import { CARRIERS, EXCEPTION_TYPES } from '../../domain/types';
import { dashboardResponse } from '../../api/response-schemas';
import { EAST, WEST, id, insertDashboardFixture, run } from '../helpers/dashboard-fixture';
import { startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * `GET /v1/reports/dashboard` against the hand-made fixture of test/helpers/dashboard-fixture.ts
 * (its comment has the timeline); every expected figure is worked out by hand in the comments.
 */

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ inProcessWorker: false });
  await insertDashboardFixture(stack.db);
});
afterAll(async () => {
  await stack?.stop();
});

const RANGE = 'from=2021-05-10&to=2021-05-11';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the answer is read as JSON
const kpi = (body: any, key: string) => body.kpis.find((card: { key: string }) => card.key === key);

describe('GET /v1/reports/dashboard', () => {
  it('gives each KPI with its policy target and the change against the previous period', async () => {
    const { status, body } = await stack.api('supervisor', `/v1/reports/dashboard?${RANGE}`);
    expect(status).toBe(200);
    expect(dashboardResponse.safeParse(body).success).toBe(true);
    expect(body).toMatchObject({
      report: 'dashboard',
      from: '2021-05-10',
      to: '2021-05-11',
      timeZone: '+08:00',
      previous: { from: '2021-05-08', to: '2021-05-09' },
    });
    const policy = stack.config.slaPolicy;
    // D1..D5 opened in the range; P1 in the previous period.
    expect(kpi(body, 'cases')).toMatchObject({ value: 5, previous: 1, change: 4, target: null });
    // Stopped first responses 0.3M, 0.6M, 0.9M, 2.4M: nearest-rank p50 = 0.6M; previous P1 1.2M.
    expect(kpi(body, 'firstResponseP50Ms')).toMatchObject({
      value: 600_000,
      previous: 1_200_000,
      change: -600_000,
      target: policy.clocks.firstResponse.targetMs,
      targetSource: 'clocks.firstResponse',
      met: 600_000 <= policy.clocks.firstResponse.targetMs,
    });
    // Stopped handling 1.8M (D3), 3.6M (D1) → 1.8M; stopped resolution 7.2M, 9.0M → 7.2M; P1 had neither.
    expect(kpi(body, 'handlingP50Ms')).toMatchObject({ value: 1_800_000, previous: null, change: null, target: policy.clocks.handling.targetMs });
    expect(kpi(body, 'resolutionP50Ms')).toMatchObject({ value: 7_200_000, previous: null, target: policy.clocks.resolution.targetMs });
    // 10 clocks started, 3 breached (D2 fR, D2 handling, D3 resolution); P1: 1 of 1 on time.
    expect(kpi(body, 'slaAttainment')).toMatchObject({ value: 0.7, previous: 1, change: -0.3, target: null, met: null });
    // Resolved D1, D3 of 5; P1 resolved.
    expect(kpi(body, 'resolutionRate')).toMatchObject({ value: 0.4, previous: 1, change: -0.6 });
    // Scored 5, 2, 4: satisfied 2 of 3.
    expect(kpi(body, 'csat')).toMatchObject({ value: 0.6667, previous: 1, change: -0.3333, target: null });
    // Complaints: D3 (score 2) and D5 (earlier 1) of 5 cases.
    expect(kpi(body, 'complaintRate')).toMatchObject({ value: 0.4, previous: 0, change: 0.4 });
    // Shipments seen: SF {D1, S1, D2, D5}, JD {S2, D3, D4} = 7; one DAMAGED case. Previous: P1's waybill only.
    expect(kpi(body, 'damageRate')).toMatchObject({ value: 0.1429, previous: 0, target: 0.001, targetSource: 'reports.damageRateTarget', met: false });
    expect(kpi(body, 'exceptionRate')).toMatchObject({ value: 0.7143, previous: 1 });
    // Tracked parcels D1 (fresh), S1 (fresh), S2 (26 h gap: stale); none tracked before.
    expect(kpi(body, 'trackingFreshness')).toMatchObject({ value: 0.6667, previous: null, change: null });
  });

  it('gives the daily series by local date: opened and closed by type, SLA per clock, CSAT, complaints, exception rate, freshness', async () => {
    const { body } = await stack.api('auditor', `/v1/reports/dashboard?${RANGE}`);
    const { daily } = body;
    expect(daily.days).toEqual(['2021-05-10', '2021-05-11']);
    // D4 opened 00:30 local on 05-11; D3 closed 00:36 local on 05-11.
    expect(daily.opened).toEqual([
      { type: 'DELAYED', counts: [1, 2] },
      { type: 'LOST', counts: [1, 0] },
      { type: 'DAMAGED', counts: [1, 0] },
    ]);
    expect(daily.closed).toEqual([
      { type: 'LOST', counts: [0, 1] },
      { type: 'DAMAGED', counts: [1, 0] },
    ]);
    // 05-10: fR D1 ok, D2 breached, D3 ok; handling D1 ok, D2 breached, D3 ok; resolution D1 ok, D3 breached. 05-11: fR D4, D5 ok.
    expect(daily.slaAttainment).toEqual([
      { clock: 'firstResponse', values: [0.6667, 1] },
      { clock: 'handling', values: [0.6667, null] },
      { clock: 'resolution', values: [0.5, null] },
    ]);
    // 05-10 scored 5 and 2; 05-11 scored 4. Complaints: D3 of 3 cases on 05-10; D5 of 2 on 05-11.
    expect(daily.csat).toEqual([0.5, 1]);
    expect(daily.complaintRate).toEqual([0.3333, 0.5]);
    // Per day, parcels seen: 05-10 SF {D1, S1, D2}, JD {S2, D3}; 05-11 SF {D5}, JD {S2, D4}.
    expect(daily.exceptionRate).toEqual([
      { carrier: 'JD', values: [0.5, 0.5] },
      { carrier: 'SF', values: [0.6667, 1] },
    ]);
    // 05-10: D1, S1, S2 fresh; 05-11: S2's event came 26 h after its previous one.
    expect(daily.trackingFreshness).toEqual([1, 0]);
    expect(body.options).toMatchObject({ carriers: [...CARRIERS], types: [...EXCEPTION_TYPES], teams: ['tier1', 'tier2', 'tier3'] });
    expect(body.options.regions).toEqual(expect.arrayContaining([EAST, WEST]));
  });

  it('narrows every figure by carrier, region, type and team', async () => {
    const sf = (await stack.api('expert', `/v1/reports/dashboard?${RANGE}&carrier=SF`)).body;
    expect(sf.filters).toEqual({ carrier: 'SF', region: null, type: null, team: null });
    expect(kpi(sf, 'cases').value).toBe(3);
    expect(sf.daily.opened).toEqual([
      { type: 'DELAYED', counts: [1, 1] },
      { type: 'DAMAGED', counts: [1, 0] },
    ]);
    expect(sf.daily.exceptionRate).toEqual([{ carrier: 'SF', values: [0.6667, 1] }]);
    // SF parcels tracked: D1 and S1 on 05-10, none on 05-11.
    expect(sf.daily.trackingFreshness).toEqual([1, null]);
    // Shipments SF: 4; damaged 1.
    expect(kpi(sf, 'damageRate').value).toBe(0.25);

    const west = (await stack.api('supervisor', `/v1/reports/dashboard?${RANGE}&region=${WEST}`)).body;
    expect(kpi(west, 'cases').value).toBe(3);
    expect(kpi(west, 'csat').value).toBe(0.5);
    expect(west.atRisk.cases.map((c: { caseId: string }) => c.caseId)).toEqual([id('D4')]);
    expect(west.atRisk.cases[0]).toMatchObject({ breached: false, team: 'tier1', carrier: 'JD', region: WEST });

    const east = (await stack.api('supervisor', `/v1/reports/dashboard?${RANGE}&region=${EAST}&type=DELAYED&team=tier2`)).body;
    expect(kpi(east, 'cases').value).toBe(1);
    expect(east.daily.opened).toEqual([{ type: 'DELAYED', counts: [1, 0] }]);
    expect(east.atRisk.cases).toEqual([
      expect.objectContaining({
        caseId: id('D2'),
        breached: true,
        team: 'tier2',
        status: 'WAITING_CARRIER',
        dueAt: '2021-05-10T05:00:00.000Z',
        temporalUi: expect.stringMatching(new RegExp(`/namespaces/[^/]+/workflows/${id('D2')}$`)),
      }),
    ]);
  });

  it('answers an empty range with nulls, not errors', async () => {
    const { status, body } = await stack.api('supervisor', `/v1/reports/dashboard?from=2021-05-10&to=2021-05-11&region=NOWHERE-${run}`);
    expect(status).toBe(200);
    expect(kpi(body, 'cases')).toMatchObject({ value: 0, previous: 0, change: 0 });
    expect(kpi(body, 'csat')).toMatchObject({ value: null, change: null });
    expect(body.daily.opened).toEqual([]);
    expect(body.atRisk.cases).toEqual([]);
  });

  it('refuses agents (403) and bad filters (400 naming the field)', async () => {
    expect((await stack.api('agent', `/v1/reports/dashboard?${RANGE}`)).status).toBe(403);
    expect((await stack.api(null, `/v1/reports/dashboard?${RANGE}`)).status).toBe(401);
    const bad = await stack.api('supervisor', `/v1/reports/dashboard?${RANGE}&carrier=UPS&team=night`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['$.carrier', '$.team']);
  });
});
