import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * `set-priority` moves running clocks to the new priority's targets. Targets may differ by type
 * (payout: 24 h, 48 h for LOST in the shipped policy), and a case's type can change (a DELAYED
 * parcel that stops moving becomes LOST). The clocks must move by the current type's targets, not
 * the type the case was opened as.
 */

let stack: TestStack;
const PAYOUT_MS = 20_000;
const PAYOUT_LOST_MS = 60_000;

beforeAll(async () => {
  const base = testPolicy();
  stack = await startTestStack({
    policy: testPolicy({
      // Declared lost after 3 s without movement; the claim is large enough to wait for an expert.
      delayed: { ...base.delayed, urgeIntervalMs: 600_000, totalDelayMs: 3_000 },
      clocks: { ...base.clocks, payout: { targetMs: PAYOUT_MS, byType: { LOST: PAYOUT_LOST_MS } } },
    }),
  });
});
afterAll(async () => {
  await stack?.stop();
});

const view = async (caseId: string) => (await stack.api('supervisor', `/v1/cases/${caseId}`)).body;

test('after DELAYED turns LOST, set-priority moves the payout clock by the LOST target', async () => {
  const opened = await stack.api('agent', '/v1/cases', {
    body: openCaseBody({ type: 'DELAYED', declaredValue: 2_000_000, insured: true, orderValue: 2_000_000 }),
  });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  const converted = await eventually(
    () => view(caseId),
    (v) => v.type === 'LOST' && v.clocks.some((clock: { name: string; state: string }) => clock.name === 'payout' && clock.state === 'running'),
    { what: 'converted to LOST with the payout clock running', timeoutMs: 45_000 },
  );
  expect(converted.openedAsType).toBe('DELAYED');

  const changed = await stack.api('supervisor', `/v1/cases/${caseId}/actions`, { body: { action: 'set-priority', priority: 'urgent', reason: '客户停线' } });
  expect(changed.status).toBe(200);
  const payout = changed.body.clocks.find((clock: { name: string }) => clock.name === 'payout');
  // urgent = 0.5 × the LOST target: 30 s earlier (the opening type's target would give 10 s).
  expect(payout.extensions.at(-1)).toMatchObject({ byMs: PAYOUT_LOST_MS * 0.5 - PAYOUT_LOST_MS, reason: 'priority normal → urgent' });
});
