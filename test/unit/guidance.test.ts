import fc from 'fast-check';
import { buildGuidance, referenceArticles } from '../../api/guidance/guidance';
import { GUIDANCE_STEPS, guidanceStep, localTime } from '../../api/guidance/steps';
import { placeholdersOf } from '../../api/knowledge/article';
import { readArticleFiles } from '../../api/knowledge/files';
import { CASE_ACTION_NAMES } from '../../domain/case-actions';
import type { CaseView, ClockView } from '../../domain/case-view';
import { CASE_STATUSES, EXCEPTION_TYPES, type CaseStatus, type ExceptionType } from '../../domain/types';
import type { Article } from '../../store/knowledge';

/**
 * Guidance per playbook (api/guidance): the step each case state maps to, the summary's times in
 * Asia/Shanghai, actions within allowedActions, scripts filled completely, and the articles under
 * knowledge/ well-formed and covering the steps.
 */

const HOUR = 3_600_000;
const POLICY = { delayed: { urgeIntervalMs: 4 * HOUR, maxUrges: 3, totalDelayMs: 72 * HOUR } };
const ALL_ACTIONS = CASE_ACTION_NAMES.filter((name) => name !== 'feedback');

function clock(name: ClockView['name'], state: ClockView['state'], dueAt?: string): ClockView {
  return {
    name,
    state,
    targetMs: HOUR,
    startedAt: '2026-12-08T01:00:00.000Z',
    ...(dueAt ? { dueAt } : {}),
    elapsedMs: 0,
    breached: false,
    warned: [],
    pauses: [],
    extensions: [],
  };
}

function view(overrides: Partial<CaseView> = {}): CaseView {
  return {
    caseId: 'CASE-20261208-7K3QH9XW',
    type: 'DELAYED',
    status: 'WAITING_CARRIER',
    priority: 'normal',
    tier: 1,
    assignee: 'tier-1',
    orderId: 'ORD-1001',
    waybillNo: 'SF1234567890',
    carrier: 'SF',
    region: '650102',
    customer: { id: 'C-1', name: '张三汽修', phone: '138****8000' },
    description: '没有物流更新',
    openedAt: '2026-12-08T01:00:00.000Z',
    openedBy: { kind: 'user', id: 'agent-1', role: 'agent' },
    updatedAt: '2026-12-08T02:00:00.000Z',
    slaBreached: false,
    clocks: [
      clock('firstResponse', 'stopped'),
      clock('handling', 'running', '2026-12-08T03:00:00.000Z'),
      clock('resolution', 'running', '2026-12-09T01:00:00.000Z'),
    ],
    tracking: { eventsSeen: 0 },
    carrierRequests: [{ key: 'k1', operation: 'urge', at: '2026-12-08T03:20:00.000Z', outcome: 'accepted' }],
    notifications: [],
    evidence: { items: [] },
    notes: [],
    timeline: [],
    version: 3,
    ...overrides,
  } as CaseView;
}

let articles: Article[];
beforeAll(async () => {
  const files = await readArticleFiles();
  articles = files.map(({ article }) => ({
    id: article.id,
    kind: article.kind,
    title: article.title,
    body: article.body,
    tags: article.tags,
    ...(article.caseType ? { caseType: article.caseType } : {}),
    ...(article.step ? { step: article.step } : {}),
    meta: { ...(article.carrier ? { carrier: article.carrier } : {}), ...(article.regions ? { regions: article.regions } : {}) },
    version: 1,
    updatedBy: 'file',
    updatedAt: '2026-12-08T00:00:00.000Z',
    uses: 0,
  }));
});

test('localTime shows Asia/Shanghai wall time', () => {
  expect(localTime('2026-12-08T07:20:00.000Z')).toBe('12-08 15:20');
});

test('DELAYED: urge the carrier, with the next urge and the conversion to LOST in local time', () => {
  const g = guidanceStep(view(), POLICY);
  expect(g.step).toBe('delayed.urge-carrier');
  // Last urge 11:20 local + 4 h → 15:20; opened 09:00 local + 72 h → 12-11 09:00.
  expect(g.summary).toContain('催顺丰速运');
  expect(g.summary).toContain('第 2 次催件 12-08 15:20 到期');
  expect(g.summary).toContain('若 12-11 09:00 前仍无扫描，案件转为丢件');
  const moving = view({ clocks: [clock('handling', 'stopped'), clock('resolution', 'running', '2026-12-09T01:00:00.000Z')] });
  expect(guidanceStep(moving, POLICY).step).toBe('delayed.await-delivery');
});

test('each playbook state maps to its step', () => {
  const cases: Array<[Partial<CaseView>, string]> = [
    [{ status: 'OPEN', clocks: [clock('firstResponse', 'running', '2026-12-08T01:30:00.000Z')] }, 'common.acknowledge'],
    [{ type: 'LOST', status: 'VERIFYING_LOSS', claim: { status: 'VERIFYING' } as CaseView['claim'] }, 'lost.verify'],
    [{ type: 'LOST', status: 'IN_PROGRESS', claim: { status: 'PAID', amountFen: 12_000 } as CaseView['claim'] }, 'lost.track-recovery'],
    [{ type: 'WRONG_ITEM', status: 'IN_PROGRESS' }, 'handover.decide'],
    [{ type: 'REFUSED', status: 'IN_PROGRESS', remedy: { choice: 'return', at: '2026-12-08T02:00:00.000Z', by: 'agent-1' } }, 'refused.await-delivery'],
    [{ type: 'LOST', status: 'CLAIM_PAYOUT', claim: { status: 'PAID', amountFen: 12_000 } as CaseView['claim'] }, 'lost.track-recovery'],
    [{ type: 'LOST', status: 'CLAIM_REVIEW' }, 'lost.compensate'],
    [
      { type: 'DAMAGED', status: 'WAITING_CUSTOMER', evidence: { requested: { what: '破损照片', at: '2026-12-08T02:00:00.000Z', by: 'wf' }, items: [] } },
      'damaged.collect-evidence',
    ],
    [{ type: 'DAMAGED', status: 'IN_PROGRESS' }, 'damaged.assess'],
    [{ type: 'DAMAGED', status: 'CLAIM_REVIEW', claim: { status: 'AWAITING_APPROVAL', amountFen: 80_000 } as CaseView['claim'] }, 'claim.approve'],
    [{ type: 'DAMAGED', status: 'CLAIM_PAYOUT', claim: { status: 'PAYING', amountFen: 80_000 } as CaseView['claim'] }, 'claim.pay'],
    [{ type: 'LOST', status: 'CLAIM_PAYOUT', claim: { status: 'PAYOUT_FAILED', amountFen: 80_000 } as CaseView['claim'] }, 'claim.payout-failed'],
    [{ type: 'WRONG_ITEM', status: 'WAITING_WAREHOUSE' }, 'wrong-item.warehouse-check'],
    [{ type: 'MISSING_ITEM', status: 'WAITING_WAREHOUSE' }, 'wrong-item.warehouse-check'],
    [{ type: 'WRONG_ITEM', status: 'WAITING_SUPPLIER', supplierId: 'SUP-1' }, 'wrong-item.supplier-follow-up'],
    [{ type: 'WRONG_ITEM', status: 'WAITING_RETURN' }, 'wrong-item.await-return'],
    [{ type: 'ADDRESS_CHANGE', status: 'WAITING_CARRIER' }, 'address-change.redirect'],
    [{ type: 'INTERCEPT', status: 'WAITING_RETURN' }, 'intercept.await-return'],
    [
      { type: 'REFUSED', status: 'WAITING_CUSTOMER', awaitingRemedy: { since: '2026-12-08T02:00:00.000Z', options: ['redeliver', 'redirect', 'return'] } },
      'refused.await-remedy',
    ],
    [{ type: 'REFUSED', status: 'WAITING_CARRIER', remedy: { choice: 'redeliver', at: '2026-12-08T02:00:00.000Z', by: 'agent-1' } }, 'refused.await-delivery'],
    [{ type: 'RETURN_EXCHANGE', status: 'WAITING_RETURN' }, 'return-exchange.await-return'],
    [
      { type: 'LOST', status: 'WAITING_CUSTOMER', evidence: { requested: { what: '签收底单', at: '2026-12-08T02:00:00.000Z', by: 'agent-1' }, items: [] } },
      'evidence.await',
    ],
    [{ status: 'AWAITING_FEEDBACK', resolution: { outcome: 'delivered', summary: '已签收', at: '2026-12-08T05:00:00.000Z' } }, 'resolved.await-feedback'],
    [{ status: 'CLOSED' }, 'closed'],
    [{ status: 'CANCELLED' }, 'closed'],
  ];
  for (const [overrides, step] of cases)
    expect([overrides.type ?? 'DELAYED', overrides.status, guidanceStep(view(overrides), POLICY).step]).toEqual([
      overrides.type ?? 'DELAYED',
      overrides.status,
      step,
    ]);
});

test('every script under knowledge/ names a known step, and every step but closed has a script', () => {
  const scripts = articles.filter((article) => article.kind === 'script');
  for (const script of scripts) expect(GUIDANCE_STEPS).toContain(script.step);
  const covered = new Set(scripts.map((script) => script.step));
  expect(GUIDANCE_STEPS.filter((step) => step !== 'closed' && !covered.has(step))).toEqual([]);
  expect(articles.length).toBeGreaterThanOrEqual(25);
  for (const carrier of ['SF', 'JD', 'HUOLALA', 'SHENGSHENG']) {
    expect(
      articles
        .filter((a) => a.meta.carrier === carrier)
        .map((a) => a.kind)
        .sort(),
    ).toEqual(['carrier-standard', 'claims-process']);
  }
});

test('the carrier’s standards, its claims process when a claim is in play, and the region’s traits', () => {
  const delayed = referenceArticles(view(), articles).map((a) => a.id);
  expect(delayed).toEqual(expect.arrayContaining(['sf-standard', 'region-remote-northwest', 'faq-no-tracking-update']));
  expect(delayed).not.toContain('sf-claims');
  const lost = referenceArticles(view({ type: 'LOST', carrier: 'JD', region: '440300' }), articles).map((a) => a.id);
  expect(lost).toEqual(expect.arrayContaining(['jd-standard', 'jd-claims', 'platform-claims', 'region-south-typhoon']));
  expect(lost).not.toContain('sf-standard');
});

const arbitraryView = fc
  .record({
    type: fc.constantFrom(...EXCEPTION_TYPES),
    status: fc.constantFrom(...CASE_STATUSES),
    carrier: fc.constantFrom('JD', 'SF', 'HUOLALA', 'SHENGSHENG', 'OTHER' as const),
    claim: fc.option(fc.constantFrom('PROPOSED', 'VERIFYING', 'AWAITING_APPROVAL', 'APPROVED', 'PAYING', 'PAID', 'REJECTED', 'PAYOUT_FAILED'), {
      nil: undefined,
    }),
    amountFen: fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: undefined }),
    evidence: fc.boolean(),
    remedy: fc.boolean(),
    region: fc.option(fc.stringMatching(/^[0-9]{2,6}$/), { nil: undefined }),
    name: fc.string({ maxLength: 12 }),
    lastEventAt: fc.option(fc.date({ min: new Date('2026-01-01'), max: new Date('2027-01-01'), noInvalidDate: true }), { nil: undefined }),
  })
  .map((r) =>
    view({
      type: r.type as ExceptionType,
      status: r.status as CaseStatus,
      carrier: r.carrier,
      ...(r.region ? { region: r.region } : {}),
      customer: { id: 'C-1', name: r.name, phone: '138****8000' },
      ...(r.claim ? { claim: { status: r.claim, ...(r.amountFen !== undefined ? { amountFen: r.amountFen } : {}) } as CaseView['claim'] } : {}),
      ...(r.evidence ? { evidence: { requested: { what: '照片', at: '2026-12-08T02:00:00.000Z', by: 'wf' }, items: [] } } : {}),
      ...(r.remedy ? { awaitingRemedy: { since: '2026-12-08T02:00:00.000Z', options: ['redeliver', 'return'] } } : {}),
      tracking: { eventsSeen: 1, ...(r.lastEventAt ? { lastEventAt: r.lastEventAt.toISOString() } : {}) },
    }),
  );

test('every view yields a known step whose actions are within allowedActions, and a script with nothing left to fill', () => {
  fc.assert(
    fc.property(arbitraryView, fc.subarray(ALL_ACTIONS as string[]), (v, allowed) => {
      const guidance = buildGuidance(v, allowed, articles, POLICY);
      expect(GUIDANCE_STEPS).toContain(guidance.step);
      for (const action of guidance.actions) expect(allowed).toContain(action);
      expect(guidance.summary.length).toBeGreaterThan(0);
      if (guidance.script) expect(placeholdersOf(guidance.script.text)).toEqual([]);
      if (guidance.step !== 'closed') expect(guidance.script).toBeDefined();
    }),
    { numRuns: 300 },
  );
});

test('a hand-over names its reason; an IN_PROGRESS step the playbook works on is not a hand-over', () => {
  const timeline = [
    {
      seq: 9,
      at: '2026-12-08T02:00:00.000Z',
      kind: 'case.status_changed',
      summary: 'WAITING_WAREHOUSE → IN_PROGRESS: needs a decision: no stock for the reship',
    },
  ];
  const handed = guidanceStep(view({ type: 'WRONG_ITEM', status: 'IN_PROGRESS', tier: 2, timeline }), POLICY);
  expect(handed.step).toBe('handover.decide');
  expect(handed.summary).toContain('第 2 级，原因：no stock for the reship');
  const assessed = [{ seq: 9, at: '2026-12-08T02:00:00.000Z', kind: 'case.status_changed', summary: 'WAITING_CUSTOMER → IN_PROGRESS: evidence received' }];
  expect(guidanceStep(view({ type: 'DAMAGED', status: 'IN_PROGRESS', timeline: assessed }), POLICY).step).toBe('damaged.assess');
});

test('a filled script carries the case’s facts', () => {
  const g = buildGuidance(view(), ALL_ACTIONS, articles, POLICY);
  expect(g.script?.articleId).toBe('script-delayed-urge');
  expect(g.script?.text).toContain('张三汽修');
  expect(g.script?.text).toContain('SF1234567890');
  expect(g.script?.text).toContain('顺丰速运');
  expect(g.script?.text).toContain('12-09 09:00');
  expect(g.actions).toEqual(['note', 'reply', 'log-call', 'escalate', 'extend-sla'].filter((action) => (ALL_ACTIONS as string[]).includes(action)));
  expect(buildGuidance(view(), ['note'], articles, POLICY).actions).toEqual(['note']);
});

test('a script speaks of the last scan whether or not the carrier has scanned the parcel', () => {
  const unscanned = buildGuidance(view({ tracking: { eventsSeen: 0 } }), ALL_ACTIONS, articles, POLICY);
  expect(unscanned.script?.text).toContain('最后一条轨迹：暂无新的物流扫描');
  expect(unscanned.script?.text).not.toContain('（待确认）');
  const scanned = buildGuidance(
    view({ tracking: { eventsSeen: 3, lastEventAt: '2026-12-08T02:30:00Z', lastLocation: '深圳宝安转运中心' } }),
    ALL_ACTIONS,
    articles,
    POLICY,
  );
  expect(scanned.script?.text).toContain('最后一条轨迹：12-08 10:30 深圳宝安转运中心');
});
