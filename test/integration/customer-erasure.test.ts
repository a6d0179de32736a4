import { randomUUID } from 'node:crypto';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * A customer's personal data erased on request, through HTTP (issue 7, item 8):
 * POST /v1/customers/{customerId}/erasure erases the customer's finished cases at once and their
 * open cases when they close; the snapshots then hold no name or phone (not even masked), the
 * stored start requests neither, and every audit chain still verifies.
 */

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const NAME = '张三汽修';
const PHONE = '13800138000';

/** Opens a case for the customer; answers once its workflow's first snapshot is in the read model. */
async function openFor(customerId: string): Promise<string> {
  const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody({ customer: { id: customerId, name: NAME, phone: PHONE, storeId: 'S-9' } }) });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  await eventually(
    () => stack.db.selectFrom('cases').select('version').where('case_id', '=', caseId).executeTakeFirstOrThrow(),
    (row) => Number(row.version) > 0,
    { what: `${caseId}'s first snapshot` },
  );
  return caseId;
}

async function cancel(caseId: string): Promise<void> {
  const cancelled = await stack.api('supervisor', `/v1/cases/${caseId}/actions`, { body: { action: 'cancel', reason: '客户撤诉' } });
  expect(cancelled.status).toBe(200);
  await eventually(
    () => stack.db.selectFrom('cases').select('status').where('case_id', '=', caseId).executeTakeFirstOrThrow(),
    (row) => row.status === 'CANCELLED',
    { what: `${caseId} cancelled in the read model` },
  );
}

async function stored(caseId: string): Promise<string> {
  const row = await stack.db.selectFrom('cases').select(['snapshot', 'start_request']).where('case_id', '=', caseId).executeTakeFirstOrThrow();
  return JSON.stringify(row);
}

const holdsPersonalData = (text: string) => text.includes(NAME) || text.includes('张**') || text.includes(PHONE) || text.includes('138****8000');

test('erasure over HTTP: finished cases at once, open ones when they close; audit chains verify', async () => {
  const customerId = `C-ERASE-${randomUUID().slice(0, 8)}`;
  const finished = await openFor(customerId);
  const open = await openFor(customerId);
  await cancel(finished);
  expect(holdsPersonalData(await stored(finished))).toBe(true); // masked, not erased yet

  const path = `/v1/customers/${customerId}/erasure`;
  const body = { reason: '客户依《个人信息保护法》申请删除' };
  // Experts only: auditors are read-only, agents and supervisors may not either.
  for (const role of ['auditor', 'agent', 'supervisor'] as const) {
    expect((await stack.api(role, path, { body })).status).toBe(403);
  }
  expect((await stack.api('expert', path, { body: {} })).status).toBe(400);

  const key = `erase-${randomUUID()}`;
  const first = await stack.api('expert', path, { body, headers: { 'idempotency-key': key } });
  expect(first.status).toBe(202);
  expect(first.body).toEqual({ erasedCases: [finished], pendingCases: [open] });
  const again = await stack.api('expert', path, { body, headers: { 'idempotency-key': key } });
  expect(again).toMatchObject({ status: 202, body: first.body });
  expect((await stack.api('expert', path, { body: { reason: 'another' }, headers: { 'idempotency-key': key } })).status).toBe(422);
  const ref = createHash('sha256').update(customerId).digest('hex');
  const records = await stack.db.selectFrom('pii_erasures').selectAll().where('customer_ref', '=', ref).execute();
  expect(records).toHaveLength(1); // the retry did not record a second erasure
  expect(records[0]).toMatchObject({ reason: body.reason, pending_case_ids: [open] });

  expect(holdsPersonalData(await stored(finished))).toBe(false);
  expect(holdsPersonalData(await stored(open))).toBe(true); // its workflow still holds the data

  // The open case closes: its finished snapshot is written erased, and the record completes.
  await cancel(open);
  expect(holdsPersonalData(await stored(open))).toBe(false);
  const snapshot = (await stack.api('auditor', `/v1/cases/${open}`)).body;
  expect(snapshot.customer).toMatchObject({ name: '[erased]', phone: '[erased]' });
  const completed = await stack.db.selectFrom('pii_erasures').selectAll().where('customer_ref', '=', ref).executeTakeFirstOrThrow();
  expect(completed).toMatchObject({ pending_case_ids: [], erased_case_ids: [finished, open] });

  for (const caseId of [finished, open]) {
    const history = await stack.api('auditor', `/v1/cases/${caseId}/history`);
    expect(history.status).toBe(200);
    expect(history.body.integrity).toEqual({ verified: true });
  }
});

test('erasure also erases the stored answers of keyed actions: replaying a key afterwards shows no name or phone (issue 18, item 2)', async () => {
  const customerId = `C-ERASE-${randomUUID().slice(0, 8)}`;
  const finished = await openFor(customerId);
  const open = await openFor(customerId);
  const noteKey = `note-${randomUUID()}`;
  const note = { action: 'note', text: '客户来电' };
  const noted = await stack.api('supervisor', `/v1/cases/${open}/actions`, { body: note, headers: { 'idempotency-key': noteKey } });
  expect(noted.status).toBe(200);
  const cancelKey = `cancel-${randomUUID()}`;
  const cancelBody = { action: 'cancel', reason: '客户撤诉' };
  const cancelled = await stack.api('supervisor', `/v1/cases/${finished}/actions`, { body: cancelBody, headers: { 'idempotency-key': cancelKey } });
  expect(cancelled.status).toBe(200);
  expect(holdsPersonalData(JSON.stringify(cancelled.body))).toBe(true);
  await eventually(
    () => stack.db.selectFrom('cases').select('status').where('case_id', '=', finished).executeTakeFirstOrThrow(),
    (row) => row.status === 'CANCELLED',
  );
  const replayedBefore = await stack.api('supervisor', `/v1/cases/${finished}/actions`, { body: cancelBody, headers: { 'idempotency-key': cancelKey } });
  expect(holdsPersonalData(JSON.stringify(replayedBefore.body))).toBe(true);

  expect((await stack.api('expert', `/v1/customers/${customerId}/erasure`, { body: { reason: '客户申请删除' } })).status).toBe(202);

  for (const [caseId, key, body] of [
    [finished, cancelKey, cancelBody],
    [open, noteKey, note],
  ] as const) {
    const replayed = await stack.api('supervisor', `/v1/cases/${caseId}/actions`, { body, headers: { 'idempotency-key': key } });
    expect(holdsPersonalData(JSON.stringify(replayed.body))).toBe(false);
    // The action is not carried out again: the key still says it was done.
    expect(replayed.status).toBe(410);
  }
  const rows = await stack.db
    .selectFrom('idempotency_keys')
    .select(['scope', 'response'])
    .where((eb) => eb.or([eb('scope', 'like', `case:${finished}:%`), eb('scope', 'like', `case:${open}:%`)]))
    .execute();
  expect(rows.length).toBeGreaterThanOrEqual(2);
  for (const row of rows) expect(JSON.stringify(row.response)).not.toMatch(/"(name|phone|customer|sealed)/i);
  const trail = await stack.api('auditor', `/v1/cases/${open}/history`);
  expect(trail.status).toBe(200);
});

test('idempotency records expire: an expired key is forgotten when used again, and writing keys purges expired records (issue 18, item 2)', async () => {
  const caseId = await openFor(`C-TTL-${randomUUID().slice(0, 8)}`);
  const supervisor = stack.config.apiTokens.find((token) => token.role === 'supervisor')?.principal as string;
  const ttlMs = stack.config.platform.idempotencyKeyTtlMs;
  const longAgo = new Date(Date.now() - ttlMs - 60_000);
  const reusedKey = `old-${randomUUID()}`;
  const strayScope = `case:CASE-19700101-EXPIRED0:${supervisor}:actions`;
  // Same key, another body: were it alive, the request below would be a 422.
  await sql`
    INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response, created_at) VALUES
      (${`case:${caseId}:${supervisor}:actions`}, ${reusedKey}, 'another body', 200, '{"old": true}', ${longAgo.toISOString()}::timestamptz),
      (${strayScope}, 'stray', 'x', 200, '{"old": true}', ${longAgo.toISOString()}::timestamptz)`.execute(stack.db);
  const noted = await stack.api('supervisor', `/v1/cases/${caseId}/actions`, {
    body: { action: 'note', text: '过期的键' },
    headers: { 'idempotency-key': reusedKey },
  });
  expect(noted.status).toBe(200);
  expect(noted.body).not.toHaveProperty('old');
  const stray = await stack.db.selectFrom('idempotency_keys').select('key').where('scope', '=', strayScope).execute();
  expect(stray).toHaveLength(0);
  const expiredLeft = await stack.db
    .selectFrom('idempotency_keys')
    .select('key')
    .where(sql<boolean>`created_at < now() - make_interval(secs => ${ttlMs / 1000})`)
    .execute();
  expect(expiredLeft).toHaveLength(0);
  await stack.client.workflow.getHandle(caseId).terminate('test over');
});
