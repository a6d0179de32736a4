import { allowedActions, checkAction, isCaseActionName, permission, type CaseAction, type CaseFacts } from '../../domain/case-actions';
import type { Role } from '../../domain/types';

const working: CaseFacts = {
  status: 'WAITING_CARRIER',
  tier: 1,
  priority: 'normal',
  assignee: 'agent-li',
  evidenceRequested: false,
  feedbackGiven: false,
};
const at = (overrides: Partial<CaseFacts>): CaseFacts => ({ ...working, ...overrides });

describe('who may act, in which state', () => {
  test.each<[string, CaseFacts, CaseAction, Role, string | undefined]>([
    ['an agent notes a working case', working, { action: 'note', text: 'called the depot' }, 'agent', undefined],
    ['an auditor is read-only', working, { action: 'note', text: 'x' }, 'auditor', 'Forbidden'],
    ['an agent cannot reassign', working, { action: 'assign', assignee: 'agent-wu' }, 'agent', 'Forbidden'],
    ['a supervisor reassigns', working, { action: 'assign', assignee: 'agent-wu' }, 'supervisor', undefined],
    ['assigning to the current owner is a no-op refused', working, { action: 'assign', assignee: 'agent-li' }, 'supervisor', 'InvalidState'],
    ['an agent escalates', working, { action: 'escalate', reason: 'customer threatens to leave' }, 'agent', undefined],
    ['tier 3 cannot go higher', at({ tier: 3 }), { action: 'escalate', reason: 'again' }, 'expert', 'InvalidState'],
    ['an agent resolves at tier 1', working, { action: 'resolve', outcome: 'delivered', summary: 'delivered' }, 'agent', undefined],
    ["an escalated case is the supervisor's call", at({ tier: 2 }), { action: 'resolve', outcome: 'x', summary: 'y' }, 'agent', 'Forbidden'],
    ['the supervisor resolves at tier 2', at({ tier: 2 }), { action: 'resolve', outcome: 'resolved', summary: 'y' }, 'supervisor', undefined],
    ['only an expert resolves at tier 3', at({ tier: 3 }), { action: 'resolve', outcome: 'x', summary: 'y' }, 'supervisor', 'Forbidden'],
    [
      'a resolved case cannot be resolved again',
      at({ status: 'AWAITING_FEEDBACK' }),
      { action: 'resolve', outcome: 'x', summary: 'y' },
      'agent',
      'InvalidState',
    ],
    ['agents cannot cancel', working, { action: 'cancel', reason: 'duplicate' }, 'agent', 'Forbidden'],
    ['a closed case cannot be cancelled', at({ status: 'CLOSED' }), { action: 'cancel', reason: 'duplicate' }, 'supervisor', 'InvalidState'],
    ['evidence is requested once at a time', at({ evidenceRequested: true }), { action: 'request-evidence', what: 'photos' }, 'agent', 'InvalidState'],
    ['reopen needs a resolved case', working, { action: 'reopen', reason: 'not fixed' }, 'agent', 'InvalidState'],
    ['reopen while the survey is out', at({ status: 'AWAITING_FEEDBACK' }), { action: 'reopen', reason: 'not fixed' }, 'agent', undefined],
    [
      'no reopen after the customer answered',
      at({ status: 'AWAITING_FEEDBACK', feedbackGiven: true }),
      { action: 'reopen', reason: 'x' },
      'agent',
      'InvalidState',
    ],
    ['same priority is refused', working, { action: 'set-priority', priority: 'normal' }, 'agent', 'InvalidState'],
    ['an unknown priority is bad input', working, { action: 'set-priority', priority: 'asap' as never }, 'agent', 'InvalidInput'],
    ['an empty note is bad input', working, { action: 'note', text: '   ' }, 'agent', 'InvalidInput'],
    ['a supervisor extends a deadline', working, { action: 'extend-sla', clock: 'resolution', byMs: 3_600_000, reason: '区域管控' }, 'supervisor', undefined],
    ['an agent may not move a deadline', working, { action: 'extend-sla', clock: 'resolution', byMs: 3_600_000, reason: 'x' }, 'agent', 'Forbidden'],
    ['an extension names a real clock', working, { action: 'extend-sla', clock: 'coffee' as never, byMs: 1, reason: 'x' }, 'supervisor', 'InvalidInput'],
    ['an extension is positive', working, { action: 'extend-sla', clock: 'handling', byMs: -5, reason: 'x' }, 'supervisor', 'InvalidInput'],
    ['remedies only when the case asks for one', working, { action: 'choose-remedy', remedy: 'redeliver' }, 'system', 'InvalidState'],
    ['a redirect needs an address', at({ awaitingRemedy: true }), { action: 'choose-remedy', remedy: 'redirect' }, 'system', 'InvalidInput'],
    [
      "claims above the agent limit are not the agent's to approve",
      at({ claim: { status: 'AWAITING_APPROVAL', kind: 'loss', approvers: ['supervisor', 'expert'] } }),
      { action: 'approve-claim' },
      'agent',
      'Forbidden',
    ],
    [
      "an expert-tier claim is not the supervisor's",
      at({ claim: { status: 'AWAITING_APPROVAL', kind: 'loss', approvers: ['expert'] } }),
      { action: 'approve-claim' },
      'supervisor',
      'Forbidden',
    ],
    ['nothing to approve without a pending claim', working, { action: 'approve-claim' }, 'supervisor', 'InvalidState'],
    [
      'one claim at a time',
      at({ claim: { status: 'PAYING', kind: 'damage', approvers: [] } }),
      { action: 'propose-claim', kind: 'goodwill', actualLossFen: 100, reason: 'x' },
      'agent',
      'InvalidState',
    ],
    [
      'no second loss claim after one was paid',
      at({ claim: { status: 'PAID', kind: 'loss', approvers: [] } }),
      { action: 'propose-claim', kind: 'loss', actualLossFen: 100, reason: 'x' },
      'agent',
      'InvalidState',
    ],
    [
      'goodwill may follow a paid claim',
      at({ claim: { status: 'PAID', kind: 'loss', approvers: [] } }),
      { action: 'propose-claim', kind: 'goodwill', actualLossFen: 100, reason: '致歉' },
      'agent',
      undefined,
    ],
    [
      'a damage share is a fraction',
      working,
      { action: 'propose-claim', kind: 'damage', actualLossFen: 100, damagedShare: 1.5, reason: 'x' },
      'agent',
      'InvalidInput',
    ],
    [
      'no resolving while a claim pays out',
      at({ claim: { status: 'PAYING', kind: 'loss', approvers: [] } }),
      { action: 'resolve', outcome: 'x', summary: 'y' },
      'agent',
      'InvalidState',
    ],
    ['evidence needs a description', working, { action: 'add-evidence', evidence: { kind: 'photo', description: '' } }, 'system', 'InvalidInput'],
  ])('%s', (_name, facts, action, role, refusal) => {
    expect(checkAction(facts, action, role)?.kind).toBe(refusal);
  });

  test('a refusal says why in words', () => {
    expect(checkAction(at({ tier: 2 }), { action: 'resolve', outcome: 'x', summary: 'y' }, 'agent')?.message).toMatch(/tier 2 only supervisor or expert/);
  });

  test('feedback is for the system and agents, only while the survey is out', () => {
    expect(permission(at({ status: 'AWAITING_FEEDBACK' }), 'feedback', 'system')).toBeUndefined();
    expect(permission(at({ status: 'AWAITING_FEEDBACK' }), 'feedback', 'supervisor')?.kind).toBe('Forbidden');
    expect(permission(working, 'feedback', 'system')?.kind).toBe('InvalidState');
  });
});

describe('allowedActions', () => {
  test('an agent on a working tier-1 case', () => {
    expect(allowedActions(working, 'agent')).toEqual([
      'note',
      'escalate',
      'set-priority',
      'request-evidence',
      'add-evidence',
      'propose-claim',
      'reship',
      'resolve',
      'take',
      'reply',
      'log-call',
    ]);
  });

  test('a supervisor may also assign and cancel', () => {
    expect(allowedActions(working, 'supervisor')).toEqual(expect.arrayContaining(['assign', 'cancel', 'resolve', 'escalate']));
  });

  test('an auditor may do nothing', () => {
    expect(allowedActions(working, 'auditor')).toEqual([]);
  });

  test('a closed case takes nothing', () => {
    expect(allowedActions(at({ status: 'CLOSED' }), 'expert')).toEqual([]);
  });

  test('awaiting feedback: the system may send feedback, an agent may also reopen or note', () => {
    expect(allowedActions(at({ status: 'AWAITING_FEEDBACK' }), 'system')).toEqual(['note', 'feedback']);
    expect(allowedActions(at({ status: 'AWAITING_FEEDBACK' }), 'agent')).toEqual(['note', 'reopen', 'feedback']);
  });

  test('every allowed action passes its permission check (the API never promises what the workflow refuses)', () => {
    const statuses: CaseFacts['status'][] = ['OPEN', 'WAITING_CARRIER', 'WAITING_CUSTOMER', 'AWAITING_FEEDBACK', 'CLOSED', 'CANCELLED'];
    for (const status of statuses) {
      for (const role of ['agent', 'supervisor', 'expert', 'auditor', 'system'] as const) {
        for (const name of allowedActions(at({ status }), role)) expect(permission(at({ status }), name, role)).toBeUndefined();
      }
    }
  });

  test('action names are recognised, feedback is not an action', () => {
    expect(isCaseActionName('escalate')).toBe(true);
    expect(isCaseActionName('feedback')).toBe(false);
    expect(isCaseActionName('drop-table')).toBe(false);
  });
});
