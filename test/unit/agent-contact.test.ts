import { callAnswersCustomer, keepsPromise } from '../../domain/agent-contact';
import { allowedActions, checkAction, type CaseAction, type CaseFacts } from '../../domain/case-actions';

/** Taking a case, replying, logging calls and the promises made in them: the shared rules. */

const queued: CaseFacts = {
  status: 'WAITING_CARRIER',
  tier: 1,
  priority: 'normal',
  assignee: 'tier1-queue',
  evidenceRequested: false,
  feedbackGiven: false,
};
const ownedBy = (person: string): CaseFacts => ({ ...queued, assignee: person, ownedByPerson: true });
const agent = (id: string) => ({ id, role: 'agent' as const });
const kindOf = (facts: CaseFacts, action: CaseAction, caller: Parameters<typeof checkAction>[2]) => checkAction(facts, action, caller)?.kind;

describe('take', () => {
  test('an agent takes a queued case; a reason is optional', () => {
    expect(kindOf(queued, { action: 'take' }, agent('agent-li'))).toBeUndefined();
    expect(kindOf(queued, { action: 'take', reason: 'taken from the queue' }, agent('agent-li'))).toBeUndefined();
  });

  test("an agent may not take a colleague's case; a supervisor or expert may", () => {
    expect(kindOf(ownedBy('agent-wu'), { action: 'take' }, agent('agent-li'))).toBe('InvalidState');
    expect(kindOf(ownedBy('agent-wu'), { action: 'take' }, { id: 'sup-zhang', role: 'supervisor' })).toBeUndefined();
    expect(kindOf(ownedBy('agent-wu'), { action: 'take' }, { id: 'exp-qian', role: 'expert' })).toBeUndefined();
  });

  test('nobody takes what they own; auditors and the system take nothing; a finished case is not taken', () => {
    expect(kindOf(ownedBy('agent-li'), { action: 'take' }, agent('agent-li'))).toBe('InvalidState');
    expect(kindOf(queued, { action: 'take' }, 'auditor')).toBe('Forbidden');
    expect(kindOf(queued, { action: 'take' }, 'system')).toBe('Forbidden');
    expect(kindOf({ ...queued, status: 'CLOSED' }, { action: 'take' }, agent('agent-li'))).toBe('InvalidState');
    expect(kindOf(queued, { action: 'take', reason: '' }, agent('agent-li'))).toBe('InvalidInput');
  });

  test('allowedActions offers take exactly where it would be accepted', () => {
    expect(allowedActions(queued, agent('agent-li'))).toContain('take');
    expect(allowedActions(ownedBy('agent-wu'), agent('agent-li'))).not.toContain('take');
    expect(allowedActions(ownedBy('agent-li'), agent('agent-li'))).not.toContain('take');
    expect(allowedActions(ownedBy('agent-wu'), { id: 'sup-zhang', role: 'supervisor' })).toContain('take');
  });
});

describe('reply and log-call', () => {
  const promise = { kind: 'call-back' as const, what: '15:00 前回电', dueInMs: 3_600_000 };

  test.each<[string, CaseAction, string | undefined]>([
    ['a reply by SMS', { action: 'reply', channel: 'sms', text: '您好，包裹已催件' }, undefined],
    ['a reply with a script and a promise', { action: 'reply', channel: 'in-app', text: '您好', scriptId: 'S-1', promise }, undefined],
    ['an unknown channel', { action: 'reply', channel: 'fax' as 'sms', text: '您好' }, 'InvalidInput'],
    ['an empty text', { action: 'reply', channel: 'sms', text: ' ' }, 'InvalidInput'],
    ['a text too long', { action: 'reply', channel: 'sms', text: 'x'.repeat(1001) }, 'InvalidInput'],
    ['a promise already due', { action: 'reply', channel: 'sms', text: '您好', promise: { ...promise, dueInMs: 0 } }, 'InvalidInput'],
    ['a promise past a month', { action: 'reply', channel: 'sms', text: '您好', promise: { ...promise, dueInMs: 31 * 86_400_000 } }, 'InvalidInput'],
    ['a call logged', { action: 'log-call', direction: 'outbound', outcome: 'reached', durationSeconds: 95, summary: '约定明早补发', promise }, undefined],
    ['a call of negative length', { action: 'log-call', direction: 'inbound', outcome: 'reached', durationSeconds: -1, summary: 'x' }, 'InvalidInput'],
    ['a call longer than a day', { action: 'log-call', direction: 'inbound', outcome: 'busy', durationSeconds: 86_401, summary: 'x' }, 'InvalidInput'],
    ['a call without a summary', { action: 'log-call', direction: 'inbound', outcome: 'busy', durationSeconds: 1, summary: '' }, 'InvalidInput'],
    ['an unknown outcome', { action: 'log-call', direction: 'inbound', outcome: 'hung-up' as 'busy', durationSeconds: 1, summary: 'x' }, 'InvalidInput'],
  ])('%s', (_name, action, refusal) => {
    expect(kindOf(queued, action, agent('agent-li'))).toBe(refusal);
  });

  test('staff only, while the case is worked', () => {
    const reply: CaseAction = { action: 'reply', channel: 'sms', text: '您好' };
    expect(kindOf(queued, reply, 'system')).toBe('Forbidden');
    expect(kindOf(queued, reply, 'auditor')).toBe('Forbidden');
    expect(kindOf({ ...queued, status: 'CANCELLED' }, reply, 'supervisor')).toBe('InvalidState');
  });

  test('what keeps a promise, and what answers the customer', () => {
    expect(keepsPromise('reply', { reply: true })).toBe(true);
    expect(keepsPromise('call-back', { reply: true })).toBe(false);
    expect(keepsPromise('call-back', { call: 'outbound' })).toBe(true);
    expect(keepsPromise('call-back', { call: 'inbound' })).toBe(false);
    expect(keepsPromise('resolution', { resolved: true })).toBe(true);
    expect(keepsPromise('reply', { resolved: true })).toBe(false);
    expect(callAnswersCustomer({ direction: 'outbound', outcome: 'reached' })).toBe(true);
    expect(callAnswersCustomer({ direction: 'outbound', outcome: 'no-answer' })).toBe(false);
    expect(callAnswersCustomer({ direction: 'inbound', outcome: 'reached' })).toBe(false);
  });
});

describe('severity and the plan', () => {
  test('supervisors and experts set severity, with a reason, to a new value', () => {
    expect(kindOf(queued, { action: 'set-severity', severity: 'major', reason: '客户投诉到平台' }, 'supervisor')).toBeUndefined();
    expect(kindOf(queued, { action: 'set-severity', severity: 'major', reason: '客户投诉到平台' }, 'agent')).toBe('Forbidden');
    expect(kindOf(queued, { action: 'set-severity', severity: 'general', reason: 'x' }, 'expert')).toBe('InvalidState');
    expect(kindOf({ ...queued, severity: 'major' }, { action: 'set-severity', severity: 'major', reason: 'x' }, 'expert')).toBe('InvalidState');
    expect(kindOf(queued, { action: 'set-severity', severity: 'huge' as 'major', reason: 'x' }, 'expert')).toBe('InvalidInput');
    expect(kindOf(queued, { action: 'set-severity', severity: 'serious', reason: '' }, 'expert')).toBe('InvalidInput');
  });

  test('the plan is recorded by a supervisor or expert, never empty', () => {
    expect(kindOf(queued, { action: 'record-plan', plan: '今日补发并赔付运费' }, 'supervisor')).toBeUndefined();
    expect(kindOf(queued, { action: 'record-plan', plan: '今日补发' }, 'agent')).toBe('Forbidden');
    expect(kindOf(queued, { action: 'record-plan', plan: ' ' }, 'expert')).toBe('InvalidInput');
    expect(allowedActions(queued, 'supervisor')).toEqual(expect.arrayContaining(['set-severity', 'record-plan']));
    expect(allowedActions(queued, 'agent')).not.toContain('set-severity');
  });
});
