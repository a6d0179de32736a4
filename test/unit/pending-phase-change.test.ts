import { allowedActions, checkAction, factsOf, MOVING_TO_NEXT_RUN, type CaseFacts } from '../../domain/case-actions';
import { storable, storableText } from '../../domain/storable-text';

/**
 * Issue 7, defect 1b: one resolve / cancel / reopen at a time, refused while another is pending
 * or while the case moves to its next run; and 1a: the text rule the workflow applies to whatever
 * PostgreSQL cannot store.
 */

const working: CaseFacts = { status: 'IN_PROGRESS', tier: 1, priority: 'normal', assignee: 'agent-li', evidenceRequested: false, feedbackGiven: false };

describe('a phase change is pending', () => {
  test.each(['resolve', 'cancel', 'reopen'])('a pending %s refuses another resolve, cancel or reopen (409-style InvalidState)', (pending) => {
    const facts = { ...working, phaseChangePending: pending };
    expect(checkAction(facts, { action: 'resolve', outcome: 'x', summary: 'y' }, 'supervisor')).toMatchObject({
      kind: 'InvalidState',
      message: `a ${pending} is already being applied to this case`,
    });
    expect(checkAction(facts, { action: 'cancel', reason: 'dup' }, 'supervisor')?.kind).toBe('InvalidState');
    expect(checkAction({ ...facts, status: 'AWAITING_FEEDBACK' }, { action: 'reopen', reason: 'x' }, 'agent')?.kind).toBe('InvalidState');
    // Other actions go on.
    expect(checkAction(facts, { action: 'note', text: 'still here' }, 'agent')).toBeUndefined();
  });

  test('while the case moves to its next run, the refusal says to try again', () => {
    const refusal = checkAction({ ...working, phaseChangePending: MOVING_TO_NEXT_RUN }, { action: 'resolve', outcome: 'x', summary: 'y' }, 'agent');
    expect(refusal).toMatchObject({ kind: 'InvalidState', message: expect.stringMatching(/next run: try again/) });
  });

  test('the API does not offer resolve while one is pending (allowedActions from the view)', () => {
    const facts = factsOf({ status: 'IN_PROGRESS', tier: 1, priority: 'normal', assignee: 'a', evidence: { items: [] }, pendingPhaseChange: 'resolve' });
    expect(allowedActions(facts, 'supervisor')).not.toEqual(expect.arrayContaining(['resolve']));
    expect(allowedActions(facts, 'supervisor')).not.toContain('cancel');
    expect(allowedActions(facts, 'supervisor')).toContain('note');
  });
});

describe('text PostgreSQL cannot store', () => {
  test('NUL and lone surrogates become U+FFFD; a well-formed pair is kept', () => {
    expect(storableText('x\u0000y')).toBe('x\uFFFDy');
    expect(storableText('a\uD800b')).toBe('a\uFFFDb');
    expect(storableText('a\uDC00b')).toBe('a\uFFFDb');
    expect(storableText('😀 汽修')).toBe('😀 汽修');
  });

  test('storable() reports the paths it changed and leaves clean values untouched', () => {
    const clean = { text: 'ok', items: [{ sku: 'A' }] };
    expect(storable(clean)).toBe(clean);
    const replaced: string[] = [];
    expect(storable({ text: 'x\u0000', items: [{ sku: 'B\uD801' }], n: 3 }, replaced)).toEqual({ text: 'x\uFFFD', items: [{ sku: 'B\uFFFD' }], n: 3 });
    expect(replaced).toEqual(['text', 'items.0.sku']);
  });
});
