import { createHash, randomInt, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { createApp } from '../../api/app';
import { ENDPOINTS } from '../../api/permissions';
import { REPORT_NAMES } from '../../api/routes/reports';
import { ROLES } from '../../domain/types';
import { openSealedText } from '../../store/pii';
import { installTemporalRuntime } from '../../worker/runtime';
import { testPolicy } from '../../fixtures/fast-policy';
import { captureLog } from '../helpers/log-capture';
import { eventually, openCaseBody, startTestStack, TOKENS, uniqueWaybill, type TestStack } from '../helpers/test-stack';

/**
 * Erased means erased (issue 18): a customer with cases in every phase of a case's life — waiting
 * on the carrier, in claim review, waiting on an address change, awaiting feedback, closed and
 * cancelled — asks to be forgotten. Once the open cases have finished, the customer's name, phone
 * and address are searched for in every table of the database (sealed values opened first), in
 * every line the API and the worker logged during the run, and in every answer the API gives to
 * every role on every GET route — and in the replays of every keyed request the customer's cases
 * received. They are found nowhere. Masked phones (`139****5678`) are allowed only where
 * docs/security.md says they stay: the hash-chained audit trail and the notification records, and
 * the answers that show the trail.
 */

/** What the Temporal runtime (activities, workflows, the SDK) and the API logged. */
const workerLog = captureLog('info');
const apiLog = captureLog('debug');

let stack: TestStack;
let server: Server;
let apiUrl: string;

beforeAll(async () => {
  // Before the stack installs its quiet runtime: this run's worker logs at INFO into logLines.
  installTemporalRuntime('INFO', { logger: workerLog.logger });
  // A claim above ¥100 waits for a second person (so one case sits in claim review), and feedback
  // is awaited for ten minutes (so the case awaiting it does not close by itself meanwhile).
  const base = testPolicy();
  stack = await startTestStack({
    policy: testPolicy({ claims: { ...base.claims, secondPersonAboveFen: 10_000 }, feedback: { ...base.feedback, windowMs: 600_000 } }),
  });
  // The API with the access log on, as production runs it (bodies of refused requests logged).
  server = createServer(createApp({ config: stack.config, db: stack.db, temporal: stack.client, logger: apiLog.logger }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await stack?.stop();
});

type Role = keyof typeof TOKENS;

async function api(role: Role, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { authorization: `Bearer ${TOKENS[role]}`, ...init.headers };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${apiUrl}${path}`, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: response.status, text: await response.text() };
}

const json = (answer: { text: string }) => JSON.parse(answer.text) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers are checked field by field

// The customer, and the receiver of the address the customer moves a delivery to: unique to this
// run, so nothing another test file wrote into the shared database can be mistaken for them.
const suffix = randomUUID().slice(0, 6);
const customerId = `C-FORGET-${suffix}`;
const mobile = (prefix: string) => `${prefix}${String(randomInt(10_000_000, 99_999_999))}`;
const customer = { id: customerId, name: `欧阳汽修${suffix}`, phone: mobile('139'), storeId: 'S-42' };
const newAddress = { name: `收货人${suffix}`, phone: mobile('137'), province: '广东省', city: '深圳市', district: '南山区', detail: `科技园南区${suffix}栋` };
const PERSONAL = [customer.name, customer.phone, newAddress.name, newAddress.phone, newAddress.detail];
const masked = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;
const MASKED = [masked(customer.phone), masked(newAddress.phone)];

/** What of the customer a text still holds: personal values, and masked phones separately. */
function traces(text: string): { personal: string[]; masked: string[] } {
  return { personal: PERSONAL.filter((value) => text.includes(value)), masked: MASKED.filter((value) => text.includes(value)) };
}

/** The text with every sealed value (`enc:v1:…`) opened, so sealed-but-kept data is found too. */
function opened(text: string): string {
  return text.replace(/enc:v1:[A-Za-z0-9+/=]+/g, (sealed) => openSealedText(sealed, stack.config.payloadEncryptionKey));
}

/** Requests sent with an Idempotency-Key: each is sent again after the erasure. */
const keyed: Array<{ role: Role; path: string; body: unknown; key: string }> = [];

async function keyedPost(role: Role, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const key = `forget-${randomUUID()}`;
  keyed.push({ role, path, body, key });
  return api(role, path, { body, headers: { 'idempotency-key': key } });
}

async function open(overrides: Record<string, unknown>): Promise<string> {
  const answer = await keyedPost('agent', '/v1/cases', openCaseBody({ customer, ...overrides }));
  expect(answer.status).toBe(201);
  return json(answer).caseId as string;
}

async function statusOf(caseId: string): Promise<string> {
  return json(await api('supervisor', `/v1/cases/${caseId}`)).status as string;
}

async function until(caseId: string, status: string): Promise<void> {
  await eventually(
    () => statusOf(caseId),
    (now) => now === status,
    { what: `${caseId} ${status}`, timeoutMs: 60_000 },
  );
}

async function deliver(caseId: string, waybillNo: string): Promise<void> {
  const pushed = await stack.pushTracking({ eventId: `${caseId}-delivered`, waybillNo, status: 'Delivered', location: '深圳南山' });
  expect(pushed.status).toBe(200);
  await until(caseId, 'AWAITING_FEEDBACK');
}

async function cancel(caseId: string): Promise<void> {
  const answer = await keyedPost('supervisor', `/v1/cases/${caseId}/actions`, { action: 'cancel', reason: '客户撤诉' });
  expect({ caseId, status: answer.status, text: answer.status === 200 ? '' : answer.text }).toEqual({ caseId, status: 200, text: '' });
  await until(caseId, 'CANCELLED');
}

async function feedback(caseId: string): Promise<void> {
  expect((await keyedPost('system', `/v1/cases/${caseId}/feedback`, { score: 5, comment: '满意', channel: 'sms' })).status).toBe(200);
  await until(caseId, 'CLOSED');
}

/** Every GET route of the permission matrix, with each path parameter filled in every way there is. */
function readPaths(caseIds: string[], incidentIds: string[]): string[] {
  const today = new Date().toISOString().slice(0, 10);
  const range = `from=${today}&to=${today}`;
  const fill: Record<string, string[]> = {
    '{caseId}': caseIds,
    '{incidentId}': incidentIds,
    '{name}': REPORT_NAMES.map((name) => `${name}?${range}`),
  };
  const paths: string[] = [];
  for (const endpoint of ENDPOINTS) {
    if (endpoint.method !== 'GET') continue;
    const parameter = Object.keys(fill).find((name) => endpoint.path.includes(name));
    if (parameter) for (const value of fill[parameter] ?? []) paths.push(endpoint.path.replace(parameter, value));
    else if (endpoint.path === '/v1/audit/export' || endpoint.path === '/v1/reports/dashboard') paths.push(`${endpoint.path}?${range}`);
    else paths.push(endpoint.path);
  }
  // The case list, found the ways an agent looks a customer up.
  paths.push(
    `/v1/cases?q=${encodeURIComponent(customerId)}&limit=100`,
    `/v1/cases?q=${encodeURIComponent(customer.phone)}`,
    `/v1/cases?q=${encodeURIComponent(customer.name)}`,
  );
  return paths;
}

test('after erasure, the customer is in no table, no log line and no API answer', async () => {
  // A refused request carrying the customer's data: the access log records refused bodies.
  expect((await api('agent', '/v1/cases', { body: openCaseBody({ customer, newAddress, carrier: 'PIGEON' }) })).status).toBe(400);

  const closedWaybill = uniqueWaybill();
  const closed = await open({ waybillNo: closedWaybill });
  const cancelled = await open({});
  const awaitingWaybill = uniqueWaybill();
  const awaiting = await open({ waybillNo: awaitingWaybill });
  const waiting = await open({});
  const movedTo = await open({ type: 'ADDRESS_CHANGE', newAddress, items: [{ sku: 'SKU-OIL', qty: 2 }], description: '客户要求改址' });
  // ¥120: above the four-eyes threshold, so the claim waits for a supervisor.
  const lostBody = openCaseBody({ customer, type: 'LOST', orderValue: 12_000, insured: false, freight: 5_000 });
  const inReview = await open(lostBody);
  const lostPush = await stack.pushTracking({ eventId: `${inReview}-lost`, waybillNo: lostBody.waybillNo, status: 'Exception', subStatus: 'lost' });
  expect(lostPush.status).toBe(200);

  await deliver(closed, closedWaybill);
  await feedback(closed);
  await cancel(cancelled);
  await deliver(awaiting, awaitingWaybill);
  await until(waiting, 'WAITING_CARRIER');
  await until(inReview, 'CLAIM_REVIEW');
  expect((await keyedPost('agent', `/v1/cases/${waiting}/actions`, { action: 'note', text: '已联系承运商' })).status).toBe(200);
  // The agent answers from the case's guidance: the script greets the customer by name; a call's
  // summary quotes the number they were reached on.
  const guided = await eventually(
    () => api('agent', `/v1/cases/${waiting}`),
    (answer) => answer.status === 200 && json(answer).guidance?.script !== undefined,
    { what: `${waiting}'s guidance` },
  );
  const script = json(guided).guidance.script as { articleId: string; text: string };
  expect(script.text).toContain(customer.name);
  expect(
    (await api('agent', `/v1/cases/${waiting}/actions`, { body: { action: 'reply', channel: 'sms', text: script.text, scriptId: script.articleId } })).status,
  ).toBe(200);
  const call = {
    action: 'log-call',
    direction: 'outbound',
    outcome: 'reached',
    durationSeconds: 30,
    summary: `已致电 ${customer.phone}，${customer.name}同意明日收货`,
  };
  expect((await api('agent', `/v1/cases/${waiting}/actions`, { body: call })).status).toBe(200);
  const caseIds = [closed, cancelled, awaiting, waiting, movedTo, inReview];
  const statusesAtErasure = await Promise.all(caseIds.map(statusOf));
  expect(new Set(statusesAtErasure).size).toBeGreaterThanOrEqual(5);
  // Before erasure the data is there to be found: the search below can see it.
  expect(
    traces(opened(JSON.stringify(await stack.db.selectFrom('cases').select('start_request').where('case_id', '=', closed).executeTakeFirstOrThrow()))).personal,
  ).toContain(customer.phone);
  // Agents call customers: the case view shows them the phone in full until the case is erased.
  const seenByAgent = await eventually(
    () => api('agent', `/v1/cases/${movedTo}`),
    (answer) => answer.status === 200,
    { what: `${movedTo} readable` },
  );
  expect(traces(seenByAgent.text).personal).toEqual(expect.arrayContaining([customer.name, customer.phone]));

  const erasure = await keyedPost('expert', `/v1/customers/${customerId}/erasure`, { reason: '客户依《个人信息保护法》申请删除' });
  expect(erasure.status).toBe(202);
  expect(json(erasure).erasedCases).toEqual(expect.arrayContaining([closed, cancelled]));
  expect(json(erasure).pendingCases).toEqual(expect.arrayContaining([awaiting, waiting, movedTo, inReview]));

  // The open cases finish as they would: the claim is approved and paid, feedback arrives, the
  // rest are withdrawn.
  expect((await keyedPost('supervisor', `/v1/cases/${inReview}/actions`, { action: 'approve-claim', note: '第二人核实' })).status).toBe(200);
  await until(inReview, 'AWAITING_FEEDBACK');
  for (const caseId of [awaiting, inReview]) await feedback(caseId);
  for (const caseId of [waiting, movedTo]) await cancel(caseId);
  await eventually(
    () =>
      stack.db
        .selectFrom('pii_erasures')
        .select('pending_case_ids')
        .where('customer_ref', '=', createHash('sha256').update(customerId).digest('hex'))
        .execute(),
    (rows) => rows.length === 1 && (rows[0]?.pending_case_ids as string[]).length === 0,
    { what: 'the erasure completed for every case', timeoutMs: 60_000 },
  );

  // 1. Every table, every row, sealed values opened.
  const tables = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(stack.db);
  expect(tables.rows.length).toBeGreaterThan(10);
  const foundInTables: Record<string, { personal: string[]; masked: string[] }> = {};
  for (const { name } of tables.rows) {
    const rows = await sql<{ row: string }>`SELECT t::text AS row FROM ${sql.table(name)} t
      WHERE t::text LIKE ANY (${[...PERSONAL, ...MASKED, 'enc:v1:'].map((value) => `%${value}%`)})`.execute(stack.db);
    for (const { row } of rows.rows) {
      const found = traces(opened(row));
      if (found.personal.length || found.masked.length) {
        const seen = (foundInTables[name] ??= { personal: [], masked: [] });
        seen.personal.push(...found.personal);
        seen.masked.push(...found.masked);
      }
    }
  }
  expect(Object.entries(foundInTables).filter(([, found]) => found.personal.length > 0)).toEqual([]);
  const maskedKept = Object.entries(foundInTables).flatMap(([name, found]) => (found.masked.length > 0 ? [name] : []));
  expect(maskedKept.filter((name) => !['case_events', 'notification_outbox'].includes(name))).toEqual([]);

  // 2. Every API answer, to every role, on every GET route.
  const incidents = json(await api('supervisor', '/v1/incidents'));
  const incidentIds = ((incidents.items ?? []) as Array<{ incidentId: string }>).slice(0, 3).map((incident) => incident.incidentId);
  const leaks: string[] = [];
  let answered = 0;
  for (const path of readPaths(caseIds, incidentIds)) {
    for (const role of ROLES) {
      const answer = await api(role, path);
      if (answer.status === 200) answered++;
      const found = traces(answer.text);
      const trailShown = path.endsWith('/history') || path.startsWith('/v1/audit/export');
      if (found.personal.length || (found.masked.length && !trailShown))
        leaks.push(`${role} GET ${path} (${answer.status}): ${[...found.personal, ...found.masked].join(', ')}`);
    }
  }
  expect(leaks).toEqual([]);
  expect(answered).toBeGreaterThan(caseIds.length * ROLES.length); // the reads were answered, not refused

  // 3. Every keyed request sent again: the stored answer is gone, and nothing is done twice.
  for (const request of keyed) {
    const replay = await api(request.role, request.path, { body: request.body, headers: { 'idempotency-key': request.key } });
    expect(traces(replay.text)).toEqual({ personal: [], masked: [] });
  }
  expect(await Promise.all(caseIds.map(statusOf))).toEqual(['CLOSED', 'CANCELLED', 'CLOSED', 'CANCELLED', 'CANCELLED', 'CLOSED']);

  // 4. Every log line of the run: the API's access and error log, the worker's activities and workflows.
  const logLines = [...workerLog.text().split('\n'), ...apiLog.text().split('\n')].filter(Boolean);
  expect(logLines.length).toBeGreaterThan(50);
  expect(logLines.some((line) => line.includes(customerId) || line.includes(closed))).toBe(true); // the log did record this customer's traffic
  expect(logLines.filter((line) => traces(line).personal.length > 0)).toEqual([]);
}, 300_000); // six cases driven to six phases, then every table of the suite's shared database scanned
