import { ACTION_LIMITS } from '../../domain/action-limits';
import { checkAction, type CaseAction, type CaseFacts } from '../../domain/case-actions';
import { parseDuration } from '../../domain/durations';
import { caseActionBody } from '../../api/schemas';

/**
 * The API's schema and the workflow's update validator take their bounds from one table
 * (domain/action-limits): at every bound, both accept the value on it and both refuse one past it.
 */

const working: CaseFacts = {
  status: 'IN_PROGRESS',
  tier: 1,
  priority: 'normal',
  assignee: 'agent-li',
  evidenceRequested: false,
  feedbackGiven: false,
};
const awaitingApproval: CaseFacts = {
  ...working,
  status: 'CLAIM_REVIEW',
  tier: 2,
  claim: { status: 'AWAITING_APPROVAL', kind: 'loss', approvers: ['supervisor', 'expert'], proposedBy: 'agent-li', ceilingFen: ACTION_LIMITS.maxFen },
};

const chars = (n: number) => '字'.repeat(n);
const items = (count: number, qty = 1) => Array.from({ length: count }, (_, index) => ({ sku: `SKU-${index}`, qty }));
const L = ACTION_LIMITS;

/** Each: an API body, and the facts under which the caller (a supervisor) may take the action. */
const CASES: Array<[string, Record<string, unknown>, Record<string, unknown>, CaseFacts]> = [
  ['note text', { action: 'note', text: chars(L.noteText) }, { text: chars(L.noteText + 1) }, working],
  ['assignee', { action: 'assign', assignee: 'a'.repeat(L.assignee) }, { assignee: 'a'.repeat(L.assignee + 1) }, working],
  ['escalation reason', { action: 'escalate', reason: chars(L.reason) }, { reason: chars(L.reason + 1) }, working],
  ['evidence asked for', { action: 'request-evidence', what: chars(L.evidenceText) }, { what: chars(L.evidenceText + 1) }, working],
  [
    'evidence description',
    { action: 'add-evidence', evidence: { kind: 'photo', description: chars(L.evidenceText) } },
    { evidence: { kind: 'photo', description: chars(L.evidenceText + 1) } },
    working,
  ],
  ['claim amount', { action: 'propose-claim', kind: 'loss', actualLossFen: L.maxFen, reason: '丢件' }, { actualLossFen: L.maxFen + 1 }, working],
  ['claim reason', { action: 'propose-claim', kind: 'loss', actualLossFen: 100, reason: chars(L.reason) }, { reason: chars(L.reason + 1) }, working],
  ['approved amount', { action: 'approve-claim', amountFen: L.maxFen }, { amountFen: L.maxFen + 1 }, awaitingApproval],
  ['approval note', { action: 'approve-claim', note: chars(L.approvalNote) }, { note: chars(L.approvalNote + 1) }, awaitingApproval],
  ['reship items', { action: 'reship', items: items(L.maxItems), reason: '补发' }, { items: items(L.maxItems + 1) }, working],
  ['reship quantity', { action: 'reship', items: items(1, L.maxQty), reason: '补发' }, { items: items(1, L.maxQty + 1) }, working],
  [
    'resolution summary',
    { action: 'resolve', outcome: 'delivered', summary: chars(L.resolutionSummary) },
    { summary: chars(L.resolutionSummary + 1) },
    working,
  ],
  ['resolution outcome', { action: 'resolve', outcome: 'delivered', summary: '已签收' }, { outcome: 'x' }, working],
  ['cancel reason', { action: 'cancel', reason: chars(L.reason) }, { reason: chars(L.reason + 1) }, working],
];

/** The API body as the workflow receives it (the API turns `by` into `byMs`). */
function asAction(body: Record<string, unknown>): CaseAction {
  const { by, ...rest } = body;
  return (by === undefined ? rest : { ...rest, byMs: parseDuration(String(by)) }) as unknown as CaseAction;
}

describe.each(CASES)('%s', (_name, onTheBound, pastIt, facts) => {
  test('the API and the workflow both accept the value on the bound', () => {
    expect(caseActionBody.safeParse(onTheBound).success).toBe(true);
    expect(checkAction(facts, asAction(onTheBound), { id: 'sup-wang', role: 'supervisor' })).toBeUndefined();
  });
  test('the API and the workflow both refuse a value past it', () => {
    const body = { ...onTheBound, ...pastIt };
    expect(caseActionBody.safeParse(body).success).toBe(false);
    expect(checkAction(facts, asAction(body), { id: 'sup-wang', role: 'supervisor' })?.kind).toBe('InvalidInput');
  });
});

test('an SLA extension of up to 30 days is taken by both; a longer one by neither', () => {
  const bound = { action: 'extend-sla', clock: 'handling', by: '30d', reason: '台风' };
  const past = { ...bound, by: '31d' };
  expect(caseActionBody.safeParse(bound).success).toBe(true);
  expect(checkAction(working, asAction(bound), 'supervisor')).toBeUndefined();
  expect(caseActionBody.safeParse(past).success).toBe(false);
  expect(checkAction(working, asAction(past), 'supervisor')?.kind).toBe('InvalidInput');
});
