import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { eventually, openCaseBody, startTestStack, uniqueWaybill, WEBHOOK_SECRET, type TestStack } from '../helpers/test-stack';

/**
 * The HTTP contract at its edges: who may call what, what bad input gets back, and that bad input
 * starts nothing — checked against the read model and Temporal itself, not just the status code.
 */

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function caseRowCount(): Promise<number> {
  const row = await sql<{ count: number }>`select count(*)::int as count from cases`.execute(stack.db);
  return row.rows[0]?.count ?? 0;
}

async function workflowCount(): Promise<number> {
  const { count } = await stack.client.workflow.count(`TaskQueue="${stack.config.temporal.taskQueue}"`);
  return count;
}

function signed(body: string, secret = WEBHOOK_SECRET) {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

async function postWebhook(body: string, signature: string | undefined) {
  const response = await fetch(`${stack.apiUrl}/v1/webhooks/tracking/generic`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-signature': signature } : {}) },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, type: response.headers.get('content-type') };
}

describe('bad input gets a clear 4xx and starts nothing', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies
  const cases: Array<[string, () => Promise<{ status: number; body: any }>, number, RegExp | string]> = [
    ['no token', () => stack.api(null, '/v1/cases', { body: openCaseBody() }), 401, 'Unauthorized'],
    [
      'an unknown token',
      () => stack.api(null, '/v1/cases', { body: openCaseBody(), headers: { authorization: 'Bearer nope-nope-nope' } }),
      401,
      'Unauthorized',
    ],
    ['an auditor opening a case', () => stack.api('auditor', '/v1/cases', { body: openCaseBody() }), 403, 'Forbidden'],
    ['malformed JSON', () => stack.api('agent', '/v1/cases', { body: '{"type": "DELAYED",' }), 400, 'Malformed JSON'],
    ['an unknown exception type', () => stack.api('agent', '/v1/cases', { body: openCaseBody({ type: 'STOLEN' }) }), 400, 'Invalid request'],
    ['missing fields', () => stack.api('agent', '/v1/cases', { body: { type: 'DELAYED' } }), 400, 'Invalid request'],
    ['an unknown field', () => stack.api('agent', '/v1/cases', { body: openCaseBody({ color: 'red' }) }), 400, 'Invalid request'],
    [
      'a bad Idempotency-Key',
      () => stack.api('agent', '/v1/cases', { body: openCaseBody(), headers: { 'idempotency-key': 'x' } }),
      400,
      'Invalid Idempotency-Key',
    ],
  ];

  test.each(cases)('%s', async (_name, call, status, title) => {
    const rowsBefore = await caseRowCount();
    const workflowsBefore = await workflowCount();
    const response = await call();
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ status, title });
    expect(response.body.type).toMatch(/^https:\/\//);
    expect(await caseRowCount()).toBe(rowsBefore);
    expect(await workflowCount()).toBe(workflowsBefore);
  });

  test('validation errors name every invalid field by JSON path', async () => {
    const response = await stack.api('agent', '/v1/cases', {
      body: openCaseBody({ type: 'STOLEN', customer: { id: 'C-1', name: 'x', phone: '12345' }, declaredValue: -1 }),
    });
    expect(response.status).toBe(400);
    const paths = response.body.errors.map((error: { path: string }) => error.path);
    expect(paths).toEqual(expect.arrayContaining(['$.type', '$.customer.phone', '$.declaredValue']));
  });

  test('problem responses are application/problem+json', async () => {
    const response = await fetch(`${stack.apiUrl}/v1/cases`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

describe('opening a case', () => {
  test('the same Idempotency-Key and body answer the first response again; another body is refused', async () => {
    const body = openCaseBody();
    const headers = { 'idempotency-key': `key-${uniqueWaybill()}` };
    const first = await stack.api('agent', '/v1/cases', { body, headers });
    const again = await stack.api('agent', '/v1/cases', { body, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const other = await stack.api('agent', '/v1/cases', { body: { ...body, description: 'something else' }, headers });
    expect(other.status).toBe(422);
    const rows = await stack.db
      .selectFrom('cases')
      .select('case_id')
      .where('waybill_no', '=', body.waybillNo as string)
      .execute();
    expect(rows).toHaveLength(1);
    await stack.client.workflow.getHandle(first.body.caseId).terminate('test over');
  });

  test('a second open case of the same type for the same waybill is a 409 naming the first', async () => {
    const body = openCaseBody();
    const first = await stack.api('agent', '/v1/cases', { body });
    const second = await stack.api('supervisor', '/v1/cases', { body: { ...body, orderId: 'SO-other' } });
    expect(second.status).toBe(409);
    expect(second.body.caseId).toBe(first.body.caseId);
    // Another exception type on the same waybill is its own case.
    const lost = await stack.api('agent', '/v1/cases', { body: { ...body, type: 'LOST' } });
    expect(lost.status).toBe(201);
    for (const id of [first.body.caseId, lost.body.caseId]) await stack.client.workflow.getHandle(id).terminate('test over');
  });

  test('an unknown case is a 404 for every reader', async () => {
    for (const path of ['/v1/cases/CASE-20200101-AAAAAAAA', '/v1/cases/CASE-20200101-AAAAAAAA/history', '/v1/cases/not-a-case']) {
      const response = await stack.api('auditor', path);
      expect(response.status).toBe(404);
    }
  });

  test('feedback before the case is resolved is refused with 409 and changes nothing', async () => {
    const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody() });
    const { caseId } = opened.body;
    await eventually(
      async () => (await stack.api('agent', `/v1/cases/${caseId}`)).body.status,
      (status) => status === 'WAITING_CARRIER',
    );
    const refused = await stack.api('system', `/v1/cases/${caseId}/feedback`, { body: { score: 5, channel: 'sms' } });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/AWAITING_FEEDBACK/);
    const badScore = await stack.api('system', `/v1/cases/${caseId}/feedback`, { body: { score: 9, channel: 'sms' } });
    expect(badScore.status).toBe(400);
    const byAuditor = await stack.api('auditor', `/v1/cases/${caseId}/feedback`, { body: { score: 5, channel: 'sms' } });
    expect(byAuditor.status).toBe(403);
    const view = await stack.api('agent', `/v1/cases/${caseId}`);
    expect(view.body.feedback).toBeUndefined();
    const kinds = (await stack.api('agent', `/v1/cases/${caseId}/history`)).body.events.map((event: { kind: string }) => event.kind);
    expect(kinds).not.toContain('feedback.received');
    await stack.client.workflow.getHandle(caseId).terminate('test over');
  });
});

describe('the generic tracking webhook', () => {
  test('a bad or missing signature is a 401 and nothing is recorded', async () => {
    const eventId = `ev-${uniqueWaybill()}`;
    const body = JSON.stringify({ eventId, waybillNo: uniqueWaybill(), carrier: 'SF', status: 'Delivered', occurredAt: new Date().toISOString() });
    for (const signature of [undefined, 'sha256=00', signed(body, 'another-secret'), signed(`${body} `)]) {
      const response = await postWebhook(body, signature);
      expect(response.status).toBe(401);
      expect(response.type).toMatch(/problem\+json/);
    }
    const recorded = await stack.db.selectFrom('inbound_events').select('event_id').where('event_id', '=', eventId).execute();
    expect(recorded).toHaveLength(0);
  });

  test('an invalid event is a 400 naming the field, and is not recorded', async () => {
    const eventId = `ev-${uniqueWaybill()}`;
    const body = JSON.stringify({ eventId, waybillNo: uniqueWaybill(), carrier: 'SF', status: 'Teleported', occurredAt: 'yesterday' });
    const response = await postWebhook(body, signed(body));
    expect(response.status).toBe(400);
    expect((response.body.errors as Array<{ path: string }>).map((error) => error.path)).toEqual(expect.arrayContaining(['$.status', '$.occurredAt']));
    expect(await stack.db.selectFrom('inbound_events').select('event_id').where('event_id', '=', eventId).execute()).toHaveLength(0);
  });

  test('a repeated event id is acknowledged and delivered to the case only once', async () => {
    const caseBody = openCaseBody();
    const opened = await stack.api('agent', '/v1/cases', { body: caseBody });
    const { caseId } = opened.body;
    const body = JSON.stringify({
      eventId: `ev-${caseId}`,
      waybillNo: caseBody.waybillNo,
      carrier: 'SF',
      status: 'InTransit',
      occurredAt: new Date().toISOString(),
    });
    const first = await postWebhook(body, signed(body));
    const second = await postWebhook(body, signed(body));
    expect(first).toMatchObject({ status: 200, body: { duplicate: false, deliveredTo: [caseId] } });
    expect(second).toMatchObject({ status: 200, body: { duplicate: true, deliveredTo: [] } });
    const view = await eventually(
      async () => (await stack.api('agent', `/v1/cases/${caseId}`)).body,
      (v) => v.tracking.eventsSeen >= 1,
    );
    expect(view.tracking).toMatchObject({ eventsSeen: 1, lastStatus: 'InTransit' });
    await stack.client.workflow.getHandle(caseId).terminate('test over');
  });

  test('an event for a waybill without an open case is recorded for later', async () => {
    const body = JSON.stringify({
      eventId: `ev-${uniqueWaybill()}`,
      waybillNo: uniqueWaybill(),
      carrier: 'JD',
      status: 'InTransit',
      occurredAt: new Date().toISOString(),
    });
    const response = await postWebhook(body, signed(body));
    expect(response).toMatchObject({ status: 200, body: { duplicate: false, deliveredTo: [] } });
  });
});

describe('reading cases', () => {
  test('the list is newest first with a cursor that neither skips nor repeats', async () => {
    const waybills = [uniqueWaybill('JD'), uniqueWaybill('JD'), uniqueWaybill('JD')];
    const ids: string[] = [];
    for (const waybillNo of waybills) {
      const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody({ waybillNo, carrier: 'JD' }) });
      ids.push(opened.body.caseId);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ caseId: string }>; nextCursor: string | null } } = await stack.api(
        'auditor',
        `/v1/cases?carrier=JD&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((item) => item.caseId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.filter((id) => ids.includes(id))).toEqual([...ids].reverse());
    expect(new Set(seen).size).toBe(seen.length);
    const byQuery = await stack.api('agent', `/v1/cases?q=${waybills[1]}`);
    expect(byQuery.body.items.map((item: { caseId: string }) => item.caseId)).toEqual([ids[1]]);
    const bad = await stack.api('agent', '/v1/cases?status=SLEEPING');
    expect(bad.status).toBe(400);
    for (const id of ids) await stack.client.workflow.getHandle(id).terminate('test over');
  });

  test('history exports as NDJSON for auditors', async () => {
    const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody() });
    const { caseId } = opened.body;
    await eventually(
      async () => (await stack.api('auditor', `/v1/cases/${caseId}/history`)).body.events.length,
      (n) => n >= 3,
    );
    const response = await fetch(`${stack.apiUrl}/v1/cases/${caseId}/history?format=ndjson`, {
      headers: { authorization: 'Bearer test-auditor-token-1' },
    });
    expect(response.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { seq: number; caseId: string; hash: string });
    expect(lines[0]).toMatchObject({ seq: 1, caseId, kind: 'case.opened' });
    expect(lines.every((line) => /^[0-9a-f]{64}$/.test(line.hash))).toBe(true);
    await stack.client.workflow.getHandle(caseId).terminate('test over');
  });

  test('the audit trail refuses edits at the database level', async () => {
    await expect(sql`update case_events set kind = 'tampered' where seq = 1`.execute(stack.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from case_events`.execute(stack.db)).rejects.toThrow(/append-only/);
  });

  test("an auditor sees edits and truncation made behind the trigger's back", async () => {
    const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody() });
    const { caseId } = opened.body;
    await eventually(
      async () => (await stack.api('auditor', `/v1/cases/${caseId}/history`)).body.events.length,
      (n) => n >= 4,
    );
    await stack.client.workflow.getHandle(caseId).terminate('test over');
    // A write already running in the worker (a local activity) still commits after the terminate:
    // read the trail once it has stopped growing.
    let intact = await stack.api('auditor', `/v1/cases/${caseId}/history`);
    await eventually(
      async () => {
        const before = intact.body.events.length as number;
        await new Promise((resolve) => setTimeout(resolve, 300));
        intact = await stack.api('auditor', `/v1/cases/${caseId}/history`);
        return intact.body.events.length === before;
      },
      (still) => still,
      { what: 'the trail still after the terminate' },
    );
    expect(intact.body.integrity).toEqual({ verified: true });
    const last = intact.body.events.length as number;

    // A superuser can switch the trigger off; the hash chain and the anchor still tell.
    await sql`alter table case_events disable trigger case_events_no_update`.execute(stack.db);
    try {
      await sql`update case_events set data = '{"forged": true}' where case_id = ${caseId} and seq = 2`.execute(stack.db);
      expect((await stack.api('auditor', `/v1/cases/${caseId}/history`)).body.integrity).toEqual({ verified: false, brokenAtSeq: 2 });
      await sql`delete from case_events where case_id = ${caseId} and seq >= 2`.execute(stack.db);
      expect((await stack.api('auditor', `/v1/cases/${caseId}/history`)).body.integrity).toEqual({
        verified: false,
        truncated: { expectedLastSeq: last, actualLastSeq: 1 },
      });
    } finally {
      await sql`alter table case_events enable trigger case_events_no_update`.execute(stack.db);
    }
  });

  test('health and readiness answer without a token', async () => {
    expect((await stack.api(null, '/healthz')).status).toBe(200);
    const ready = await stack.api(null, '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toMatchObject({ postgres: { ok: true }, temporal: { ok: true } });
  });
});
