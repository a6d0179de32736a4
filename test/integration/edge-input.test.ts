import { createHmac } from 'node:crypto';
import { eventually, openCaseBody, startTestStack, supplierSignature, uniqueWaybill, WEBHOOK_SECRET, type TestStack } from '../helpers/test-stack';

/**
 * Input PostgreSQL cannot store, or that has no sane size, is refused at the edge with a 400 that
 * names the field — on every write endpoint — and never reaches a workflow, where it would jam the
 * case (issue 7, items 1a and 9).
 */

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

/** A request that must be answered promptly: a jammed case never answers. */
async function call(role: 'agent' | 'system' | 'supervisor', path: string, body: unknown) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.config.apiTokens.find((t) => t.role === role)?.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  return { status: response.status, body: (await response.json()) as { errors?: Array<{ path: string }>; [key: string]: unknown } };
}

function paths(body: { errors?: Array<{ path: string }> }): string[] {
  return (body.errors ?? []).map((error) => error.path);
}

async function openRunningCase(): Promise<string> {
  const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody() });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  await eventually(
    async () => (await stack.api('agent', `/v1/cases/${caseId}`)).body.status,
    (status) => status === 'WAITING_CARRIER',
  );
  return caseId;
}

describe('text PostgreSQL cannot store is a 400 naming the field', () => {
  test('a note with a NUL character is refused, and the case still answers the next action', async () => {
    const caseId = await openRunningCase();
    const refused = await call('agent', `/v1/cases/${caseId}/actions`, { action: 'note', text: 'x\u0000y' });
    expect(refused.status).toBe(400);
    expect(paths(refused.body)).toEqual(['$.text']);
    const lone = await call('agent', `/v1/cases/${caseId}/actions`, { action: 'note', text: 'half \ud83d of an emoji' });
    expect(lone.status).toBe(400);
    expect(paths(lone.body)).toEqual(['$.text']);
    const fine = await call('agent', `/v1/cases/${caseId}/actions`, { action: 'note', text: 'a whole emoji 🚚 is fine' });
    expect(fine.status).toBe(200);
    await stack.client.workflow.getHandle(caseId).terminate('test over');
  });

  test('opening a case with a NUL or a lone surrogate names each field and opens nothing', async () => {
    const body = openCaseBody({ description: 'broken\u0000text' });
    (body.customer as Record<string, unknown>).name = 'Zhang \udc00';
    const refused = await call('agent', '/v1/cases', body);
    expect(refused.status).toBe(400);
    expect(paths(refused.body)).toEqual(expect.arrayContaining(['$.description', '$.customer.name']));
    const rows = await stack.db
      .selectFrom('cases')
      .select('case_id')
      .where('waybill_no', '=', body.waybillNo as string)
      .execute();
    expect(rows).toHaveLength(0);
  });

  test('feedback with a NUL in its comment is refused', async () => {
    const caseId = await openRunningCase();
    const refused = await call('system', `/v1/cases/${caseId}/feedback`, { score: 4, channel: 'sms', comment: 'ok\u0000' });
    expect(refused.status).toBe(400);
    expect(paths(refused.body)).toEqual(['$.comment']);
    await stack.client.workflow.getHandle(caseId).terminate('test over');
  });

  test('a signed tracking push with a NUL is refused and not recorded', async () => {
    const eventId = `ev-${uniqueWaybill()}`;
    const raw = JSON.stringify({
      eventId,
      waybillNo: uniqueWaybill(),
      carrier: 'SF',
      status: 'InTransit',
      occurredAt: new Date().toISOString(),
      location: 'Shenzhen\u0000',
    });
    const response = await fetch(`${stack.apiUrl}/v1/webhooks/tracking/generic`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(raw).digest('hex')}` },
      body: raw,
    });
    expect(response.status).toBe(400);
    expect(paths((await response.json()) as { errors?: Array<{ path: string }> })).toEqual(['$.location']);
    expect(await stack.db.selectFrom('inbound_events').select('event_id').where('event_id', '=', eventId).execute()).toHaveLength(0);
  });
});

test('a signed supplier reply with a lone surrogate is refused before anything is looked up', async () => {
  const raw = JSON.stringify({ replyId: 'R-edge-1', caseId: 'CASE-20200101-AAAAAAAA', action: 'message', message: 'ok \udfff' });
  const response = await fetch(`${stack.apiUrl}/v1/webhooks/supplier/SUP-EDGE`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': supplierSignature('SUP-EDGE', raw) },
    body: raw,
  });
  expect(response.status).toBe(400);
  expect(paths((await response.json()) as { errors?: Array<{ path: string }> })).toEqual(['$.message']);
});

describe('numbers, lists and cursors have sane bounds', () => {
  test('a qty above 10,000 is refused when opening a case and when reshipping', async () => {
    const body = openCaseBody({ type: 'WRONG_ITEM', items: [{ sku: 'SKU-1', qty: 10_001 }] });
    const refused = await call('agent', '/v1/cases', body);
    expect(refused.status).toBe(400);
    expect(paths(refused.body)).toEqual(['$.items[0].qty']);
    const ok = await call('agent', '/v1/cases', { ...body, items: [{ sku: 'SKU-1', qty: 10_000 }] });
    expect(ok.status).toBe(201);
    const reship = await call('supervisor', `/v1/cases/${String(ok.body.caseId)}/actions`, { action: 'reship', reason: 'x', items: [{ sku: 'S', qty: 1e9 }] });
    expect(reship.status).toBe(400);
    expect(paths(reship.body)).toEqual(['$.items[0].qty']);
    await stack.client.workflow.getHandle(String(ok.body.caseId)).terminate('test over');
  });

  test('money above 10^9 fen and SLA extensions beyond 30 days are refused', async () => {
    const refused = await call('agent', '/v1/cases', openCaseBody({ declaredValue: 10_000_000_001 }));
    expect(refused.status).toBe(400);
    expect(paths(refused.body)).toEqual(['$.declaredValue']);
    const caseId = await openRunningCase();
    const extend = await call('supervisor', `/v1/cases/${caseId}/actions`, { action: 'extend-sla', clock: 'resolution', by: '99999999d', reason: 'x' });
    expect(extend.status).toBe(400);
    expect(paths(extend.body)).toEqual(['$.by']);
    await stack.client.workflow.getHandle(caseId).terminate('test over');
  });

  test('a customer listing the same channel twice is refused', async () => {
    const body = openCaseBody();
    (body.customer as Record<string, unknown>).channels = ['sms', 'sms'];
    const refused = await call('agent', '/v1/cases', body);
    expect(refused.status).toBe(400);
    expect(paths(refused.body)).toEqual(['$.customer.channels']);
  });

  test('an unreadable list cursor is a 400 naming cursor', async () => {
    for (const cursor of ['garbage', Buffer.from('{"openedAt":"nope","caseId":1}').toString('base64url')]) {
      const response = await stack.api('agent', `/v1/cases?cursor=${cursor}`);
      expect(response.status).toBe(400);
      expect(paths(response.body)).toEqual(['$.cursor']);
    }
  });
});
