import { allowedActions, checkAction, claimFactsOf, type CaseFacts } from '../../domain/case-actions';
import { paidOnCase, type ClaimView } from '../../domain/claim';
import { DEFAULT_GOODWILL } from '../../domain/sla-policy';

/**
 * The money rules of issue 7 (defect 3) as the validator and `allowedActions` apply them: a loss
 * is paid once per case whatever claims came between, goodwill is capped per case, nobody decides
 * on their own claim, and an approver's amount is bounded by the calculator's unless an expert
 * overrides it with a reason.
 */

const working: CaseFacts = { status: 'IN_PROGRESS', tier: 2, priority: 'normal', assignee: 'tier2', evidenceRequested: false, feedbackGiven: false };

const claim = (overrides: Partial<ClaimView>): ClaimView => ({
  claimId: 'CASE-1/claim-1',
  status: 'PAID',
  kind: 'loss',
  proposedBy: 'agent:a',
  proposedAt: '2026-11-24T00:00:00Z',
  reason: 'x',
  actualLossFen: 10_000,
  amountFen: 10_000,
  payout: { payoutId: 'PO1', at: '2026-11-24T00:00:00Z', amountFen: 10_000 },
  ...overrides,
});

const facts = (latest: ClaimView | undefined, goodwill = DEFAULT_GOODWILL): CaseFacts => ({ ...working, ...claimFactsOf(latest, { goodwill }) });
const propose = (kind: 'loss' | 'damage' | 'goodwill', actualLossFen: number) => ({ action: 'propose-claim' as const, kind, actualLossFen, reason: 'r' });

describe('a loss is paid once per case', () => {
  test('loss paid, then goodwill paid: a second loss is refused (the latest claim is goodwill)', () => {
    const first = claim({});
    const goodwill = claim({
      claimId: 'CASE-1/claim-2',
      kind: 'goodwill',
      amountFen: 2_000,
      payout: { payoutId: 'PO2', at: 'x', amountFen: 2_000 },
      earlier: paidOnCase(first),
    });
    expect(checkAction(facts(goodwill), propose('loss', 10_000), 'agent')?.message).toMatch(/already paid a claim for the loss/);
    expect(checkAction(facts(goodwill), propose('damage', 10_000), 'agent')?.kind).toBe('InvalidState');
  });

  test('a rejected or failed loss claim leaves the loss unpaid', () => {
    expect(checkAction(facts(claim({ status: 'REJECTED', payout: undefined })), propose('loss', 10_000), 'agent')).toBeUndefined();
    expect(checkAction(facts(claim({ status: 'PAYOUT_FAILED', payout: undefined })), propose('loss', 10_000), 'agent')).toBeUndefined();
  });
});

describe('goodwill is capped per case', () => {
  const limits = { maxPerCase: 2, maxTotalFen: 30_000 };
  test('in total', () => {
    const one = claim({ kind: 'goodwill', amountFen: 20_000, payout: { payoutId: 'P', at: 'x', amountFen: 20_000 } });
    expect(checkAction(facts(one, limits), propose('goodwill', 15_000), 'agent')?.message).toMatch(/total ¥350.00.*allows ¥300.00/);
    expect(checkAction(facts(one, limits), propose('goodwill', 10_000), 'agent')).toBeUndefined();
  });
  test('in count', () => {
    const one = claim({ kind: 'goodwill', amountFen: 100, payout: { payoutId: 'P', at: 'x', amountFen: 100 } });
    const two = claim({ claimId: 'c2', kind: 'goodwill', amountFen: 100, payout: { payoutId: 'P2', at: 'x', amountFen: 100 }, earlier: paidOnCase(one) });
    expect(paidOnCase(two)).toEqual({ kinds: ['goodwill'], goodwillCount: 2, goodwillFen: 200 });
    expect(checkAction(facts(two, limits), propose('goodwill', 100), 'agent')?.message).toMatch(/allows 2/);
  });
  test('a first gesture above the total is refused too', () => {
    expect(checkAction(facts(undefined, limits), propose('goodwill', 30_001), 'agent')?.kind).toBe('InvalidState');
  });
});

describe('approvals', () => {
  const awaiting = claim({
    status: 'AWAITING_APPROVAL',
    proposedBy: 'supervisor:s',
    approvers: ['supervisor', 'expert'],
    ceilingFen: 80_000,
    amountFen: 80_000,
    payout: undefined,
  });
  const supervisor = { id: 'supervisor:s', role: 'supervisor' as const };
  const otherSupervisor = { id: 'supervisor:t', role: 'supervisor' as const };
  const expert = { id: 'expert:e', role: 'expert' as const };

  test('nobody approves or rejects a claim they proposed, nor is offered to', () => {
    expect(checkAction(facts(awaiting), { action: 'approve-claim' }, supervisor)?.kind).toBe('Forbidden');
    expect(checkAction(facts(awaiting), { action: 'reject-claim', reason: 'x' }, supervisor)?.kind).toBe('Forbidden');
    expect(allowedActions(facts(awaiting), supervisor)).not.toContain('approve-claim');
    expect(checkAction(facts(awaiting), { action: 'approve-claim' }, otherSupervisor)).toBeUndefined();
    expect(allowedActions(facts(awaiting), otherSupervisor)).toContain('approve-claim');
  });

  test("the calculator's amount bounds an approver; an expert may exceed it with a reason", () => {
    expect(checkAction(facts(awaiting), { action: 'approve-claim', amountFen: 70_000 }, otherSupervisor)).toBeUndefined();
    expect(checkAction(facts(awaiting), { action: 'approve-claim', amountFen: 90_000, note: 'x' }, otherSupervisor)?.kind).toBe('Forbidden');
    expect(checkAction(facts(awaiting), { action: 'approve-claim', amountFen: 90_000 }, expert)?.kind).toBe('InvalidInput');
    expect(checkAction(facts(awaiting), { action: 'approve-claim', amountFen: 90_000, reason: 'extra freight' }, expert)).toBeUndefined();
    expect(checkAction(facts(awaiting), { action: 'approve-claim', amountFen: 90_000, note: 'extra freight' }, expert)).toBeUndefined();
  });

  test('a failed payout is retried or rejected by its approvers, for the approved amount', () => {
    const failed = claim({ status: 'PAYOUT_FAILED', proposedBy: 'agent:a', approvers: ['supervisor', 'expert'], payout: undefined, payoutDecision: 'awaited' });
    expect(allowedActions(facts(failed), otherSupervisor)).toEqual(expect.arrayContaining(['approve-claim', 'reject-claim', 'resolve']));
    expect(checkAction(facts(failed), { action: 'approve-claim', amountFen: 5 }, otherSupervisor)?.kind).toBe('InvalidInput');
    expect(allowedActions(facts(failed), 'agent')).not.toContain('approve-claim');
    // Once nobody waits for the decision (lapsed, or a claim from before decisions), none is offered.
    for (const ended of [claim({ ...failed, payoutDecision: 'lapsed' }), claim({ ...failed, payoutDecision: undefined })]) {
      expect(allowedActions(facts(ended), otherSupervisor)).not.toContain('approve-claim');
      expect(allowedActions(facts(ended), otherSupervisor)).toContain('resolve');
    }
  });
});
