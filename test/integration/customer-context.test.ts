import { randomUUID } from 'node:crypto';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * The customer's context on GET /v1/cases/{caseId}: the customer's other cases and the latest
 * replies, calls and notices across all their cases, newest first; another customer's never.
 */

let stack: TestStack;

beforeAll(async () => {
  // Long targets and urge interval: the cases sit still while the test reads them.
  const base = testPolicy();
  stack = await startTestStack({
    policy: testPolicy({
      delayed: { ...base.delayed, urgeIntervalMs: 600_000, totalDelayMs: 3_600_000 },
      clocks: { ...base.clocks, firstResponse: { targetMs: 600_000 }, handling: { targetMs: 600_000 }, resolution: { targetMs: 1_200_000 } },
    }),
  });
});
afterAll(async () => {
  await stack?.stop();
});

async function openFor(customerId: string, type = 'DELAYED'): Promise<string> {
  const opened = await stack.api('agent', '/v1/cases', {
    body: openCaseBody({ type, customer: { id: customerId, name: '李四汽配', phone: '13900139000', storeId: 'S-7' } }),
  });
  expect(opened.status).toBe(201);
  return opened.body.caseId as string;
}

test("a case shows the customer's other cases and the latest contacts across them, and nobody else's", async () => {
  const customer = `C-CTX-${randomUUID().slice(0, 8)}`;
  const first = await openFor(customer);
  const second = await openFor(customer, 'DAMAGED');
  const stranger = await openFor(`C-CTX-${randomUUID().slice(0, 8)}`);

  expect((await stack.api('agent', `/v1/cases/${first}/actions`, { body: { action: 'reply', channel: 'sms', text: '已加急催件，今天内回复您' } })).status).toBe(
    200,
  );
  expect(
    (
      await stack.api('agent', `/v1/cases/${first}/actions`, {
        body: { action: 'log-call', direction: 'outbound', outcome: 'reached', durationSeconds: 65, summary: '约定明早派送' },
      })
    ).status,
  ).toBe(200);

  const shown = await eventually(
    async () => (await stack.api('agent', `/v1/cases/${second}`)).body,
    (view) => view.customerContext?.recentContacts?.some((contact: { kind: string }) => contact.kind === 'call'),
    { what: 'the call on the other case in the context' },
  );
  const context = shown.customerContext;
  expect(context.otherCases).toEqual([expect.objectContaining({ caseId: first, type: 'DELAYED', tier: 1 })]);
  const contacts = context.recentContacts as Array<{ caseId: string; at: string; kind: string; summary: string; channel?: string; by: string }>;
  expect(contacts.map((contact) => contact.at)).toEqual([...contacts.map((contact) => contact.at)].sort().reverse());
  expect(contacts).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ caseId: first, kind: 'call', summary: 'outbound reached 65s: 约定明早派送' }),
      expect.objectContaining({ caseId: first, kind: 'reply', channel: 'sms', summary: '已加急催件，今天内回复您' }),
    ]),
  );
  expect(contacts.every((contact) => [first, second].includes(contact.caseId))).toBe(true);
  expect(contacts.length).toBeLessThanOrEqual(10);

  const alone = (await stack.api('agent', `/v1/cases/${stranger}`)).body.customerContext;
  expect(alone.otherCases).toEqual([]);
  expect(alone.recentContacts.every((contact: { caseId: string }) => contact.caseId === stranger)).toBe(true);
});
