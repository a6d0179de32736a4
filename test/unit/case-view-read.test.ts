import { withClocksAt, withCustomerFrom } from '../../api/case-view-read';
import { maskPii, sealStartRequest } from '../../store/pii';
import type { CaseView, ClockView } from '../../domain/case-view';

/** GET /v1/cases/{caseId} answers from the read model: what it adds to the stored snapshot. */

const SECRET = 'unit-test-secret-unit-test-secret';
const CUSTOMER = { id: 'C-1', name: '张三汽修', phone: '13800138000', storeId: 'S-1' };

function clock(name: ClockView['name'], state: ClockView['state'], elapsedMs: number): ClockView {
  return { name, state, targetMs: 60_000, startedAt: '2026-11-24T00:00:00.000Z', elapsedMs, breached: false, warned: [], pauses: [], extensions: [] };
}

function snapshot(overrides: Partial<CaseView> = {}): CaseView {
  return maskPii({
    caseId: 'CASE-1',
    customer: CUSTOMER,
    updatedAt: '2026-11-24T10:00:00.000Z',
    clocks: [clock('handling', 'running', 1_000), clock('firstResponse', 'stopped', 5_000), clock('resolution', 'paused', 2_000)],
    ...overrides,
  } as unknown as CaseView);
}

test('the stored snapshot keeps the customer masked; the agents’ view opens it from the sealed start request', () => {
  const stored = snapshot();
  expect(stored.customer.phone).toBe('138****8000');
  const view = withCustomerFrom(stored, sealStartRequest({ customer: CUSTOMER }, SECRET), SECRET);
  expect(view.customer).toEqual(CUSTOMER);
  expect(stored.customer.phone).toBe('138****8000');
});

test('no start request, or one for another customer, leaves the masked snapshot as it is', () => {
  const stored = snapshot();
  expect(withCustomerFrom(stored, {}, SECRET)).toBe(stored);
  expect(withCustomerFrom(stored, null, SECRET)).toBe(stored);
  expect(withCustomerFrom(stored, sealStartRequest({ customer: { ...CUSTOMER, id: 'C-2' } }, SECRET), SECRET)).toBe(stored);
});

test('running clocks move on from the save to now; paused and stopped ones do not', () => {
  const now = Date.parse('2026-11-24T10:00:30.000Z');
  const view = withClocksAt(snapshot(), now);
  expect(view.clocks.map((c) => [c.name, c.elapsedMs])).toEqual([
    ['handling', 31_000],
    ['firstResponse', 5_000],
    ['resolution', 2_000],
  ]);
  // A clock that says it is behind the save (skew) is never moved backwards.
  expect(withClocksAt(snapshot(), Date.parse('2026-11-24T09:59:00.000Z')).clocks[0]!.elapsedMs).toBe(1_000);
});
