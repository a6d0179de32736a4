import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * Issue 8, item 1: customer data never reaches Temporal in clear. A case runs its whole life
 * (start, signals, updates, activities, summaries, result); its history as `temporal workflow
 * show --output json` prints it holds neither the customer's phone nor name, in clear or in any
 * base64 it carries; the same payloads decode through the API's `/codec` for supervisors, and
 * only for them. Keys rotate without losing what the old key wrote.
 */

const run = promisify(execFile);
const NAME = '王五汽配修理厂';
const PHONE = '13712345678';
const UI_SECRET = randomBytes(24).toString('base64url');
const UI_ORIGIN = 'http://127.0.0.1:8233';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- the CLI's JSON, walked generically

async function showHistory(caseId: string, extra: string[] = []): Promise<string> {
  const { stdout } = await run(
    process.env.TEMPORAL_CLI_PATH as string,
    ['workflow', 'show', '--address', process.env.TEST_TEMPORAL_ADDRESS as string, '--workflow-id', caseId, '--output', 'json', ...extra],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

interface FoundPayload {
  /** Where in the event, array indexes left out: `workflowExecutionStartedEventAttributes.input.payloads`. */
  path: string;
  payload: { metadata?: Record<string, string>; data?: string };
}

/**
 * Payloads the codec never sees, by design: search attributes (the server indexes them; none
 * holds customer data, workflows/search-attributes.ts) and the SDK core's own marker bookkeeping:
 * patch markers (`patched()`; they hold a patch id) and a local activity's `data` (its seq,
 * attempt, id, type and times; its result is encrypted). The raw scan above proves none carries
 * the customer.
 */
const CORE_MARKER_DATA: Record<string, string[]> = {
  'patch-data': ['deprecated', 'id'],
  data: ['activity_id', 'activity_type', 'attempt', 'backoff', 'complete_time', 'original_schedule_time', 'seq'],
};
const coreMarkerData = (path: string) => /^markerRecordedEventAttributes\.details\.([^.]+)\.payloads$/.exec(path)?.[1];
const notEncoded = (path: string) => path.includes('searchAttributes') || Object.keys(CORE_MARKER_DATA).includes(coreMarkerData(path) ?? '');
const caseInputOf = (found: FoundPayload[]) => found.find((p) => p.path === 'workflowExecutionStartedEventAttributes.input.payloads');

/** Every payload-shaped object (`{metadata: {encoding}, data}`) in the CLI's JSON, with where it sits. */
function payloadsIn(node: Json, path: string[] = [], found: FoundPayload[] = []): FoundPayload[] {
  if (Array.isArray(node)) {
    node.forEach((item) => payloadsIn(item, path, found));
  } else if (node && typeof node === 'object') {
    if (node.metadata && typeof node.metadata === 'object' && 'encoding' in node.metadata) {
      found.push({ path: path.join('.'), payload: node });
      return found;
    }
    for (const [key, value] of Object.entries(node)) payloadsIn(value, [...path, key], found);
  }
  return found;
}

/** Every string in the JSON, and each one's base64 decoding when it is base64. */
function textsIn(node: Json, out: string[] = []): string[] {
  if (typeof node === 'string') {
    out.push(node);
    if (/^[A-Za-z0-9+/]+={0,2}$/.test(node) && node.length % 4 === 0) out.push(Buffer.from(node, 'base64').toString('utf8'));
  } else if (Array.isArray(node)) node.forEach((item) => textsIn(item, out));
  else if (node && typeof node === 'object') Object.entries(node).forEach(([key, value]) => (out.push(key), textsIn(value, out)));
  return out;
}

const decodeText = (payload: { data?: string }) => Buffer.from(payload.data ?? '', 'base64').toString('utf8');
const keyIdOf = (payload: FoundPayload['payload']) => Buffer.from(payload.metadata?.['encryption-key-id'] ?? '', 'base64').toString();

/** Opens a DELAYED case for our customer and drives it to CLOSED through signals and updates. */
async function runCaseToClosed(stack: TestStack): Promise<string> {
  const body = openCaseBody({ customer: { id: 'C-CODEC-1', name: NAME, phone: PHONE, storeId: 'S-1' } });
  const opened = await stack.api('agent', '/v1/cases', { body });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  await eventually(
    async () => (await stack.api('agent', `/v1/cases/${caseId}`)).body.status,
    (s) => s === 'WAITING_CARRIER',
    { what: 'WAITING_CARRIER' },
  );
  expect((await stack.api('agent', `/v1/cases/${caseId}/actions`, { body: { action: 'note', text: '已致电客户' } })).status).toBe(200);
  await closeCase(stack, caseId, body.waybillNo as string);
  return caseId;
}

async function closeCase(stack: TestStack, caseId: string, waybillNo: string): Promise<void> {
  expect((await stack.pushTracking({ eventId: `${caseId}-delivered`, waybillNo, status: 'Delivered', location: '广州白云' })).status).toBe(200);
  await eventually(
    async () => (await stack.api('agent', `/v1/cases/${caseId}`)).body.status,
    (s) => s === 'AWAITING_FEEDBACK',
    { what: 'AWAITING_FEEDBACK' },
  );
  expect((await stack.api('system', `/v1/cases/${caseId}/feedback`, { body: { score: 5, channel: 'sms' } })).status).toBe(200);
  await stack.client.workflow.getHandle(caseId).result();
}

async function codec(
  stack: TestStack,
  direction: 'encode' | 'decode',
  payloads: unknown[],
  init: { token?: string | null; path?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-namespace': 'default', ...init.headers };
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? 'test-supervisor-token-1'}`;
  const response = await fetch(`${stack.apiUrl}${init.path ?? '/codec'}/${direction}`, { method: 'POST', headers, body: JSON.stringify({ payloads }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as Json };
}

describe('a case on the dev key', () => {
  let stack: TestStack;
  let caseId: string;
  let history: string;

  beforeAll(async () => {
    stack = await startTestStack({ policy: testPolicy(), env: { CODEC_UI_SECRET: UI_SECRET } });
    caseId = await runCaseToClosed(stack);
    history = await showHistory(caseId);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('its history holds neither the phone nor the name, in clear or in any base64 it carries', () => {
    expect(history).not.toContain(PHONE);
    expect(history).not.toContain(NAME);
    const texts = textsIn(JSON.parse(history));
    expect(texts.filter((text) => text.includes(PHONE) || text.includes(NAME))).toEqual([]);
    // Not even the masked forms the read model keeps: nothing of the customer but their id.
    expect(texts.filter((text) => text.includes('137****5678'))).toEqual([]);
  });

  test('every payload of every kind is encrypted under the active key, search attributes aside', () => {
    const found = payloadsIn(JSON.parse(history).events);
    const encrypted = found.filter((p) => !notEncoded(p.path));
    for (const marker of found.filter((p) => notEncoded(p.path) && !p.path.includes('searchAttributes'))) {
      expect(Object.keys(JSON.parse(decodeText(marker.payload))).sort()).toEqual(CORE_MARKER_DATA[coreMarkerData(marker.path) ?? '']);
    }
    expect(encrypted.length).toBeGreaterThan(20);
    for (const { path, payload } of encrypted) {
      expect({ path, encoding: Buffer.from(payload.metadata?.encoding ?? '', 'base64').toString() }).toEqual({ path, encoding: 'binary/encrypted' });
      expect(keyIdOf(payload)).toBe(stack.config.payloadCodec.activeKeyId);
    }
    const kinds = new Set(encrypted.map((p) => p.path));
    expect([...kinds]).toEqual(
      expect.arrayContaining([
        'workflowExecutionStartedEventAttributes.input.payloads', // the case input: customer name and phone
        'workflowExecutionSignaledEventAttributes.input.payloads', // tracking events
        'workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest.input.args.payloads', // actions, feedback
        'workflowExecutionUpdateCompletedEventAttributes.outcome.success.payloads', // the view an update answers
        'activityTaskScheduledEventAttributes.input.payloads', // notifications, carrier calls
        'activityTaskCompletedEventAttributes.result.payloads', // the case's writes: what the store answered
        'userMetadata.summary', // timer and activity summaries (the Temporal UI's labels)
        'workflowExecutionCompletedEventAttributes.result.payloads',
      ]),
    );
  });

  test('the same history decodes through /codec/decode back to the clear values, for a supervisor', async () => {
    const found = payloadsIn(JSON.parse(history).events).filter((p) => !notEncoded(p.path));
    const payloads = [caseInputOf(found) as FoundPayload, ...found].map((p) => p.payload);
    const decoded = await codec(stack, 'decode', payloads);
    expect(decoded.status).toBe(200);
    expect(decoded.body.payloads).toHaveLength(payloads.length);
    const input = JSON.parse(decodeText(decoded.body.payloads[0]));
    expect(input.customer).toMatchObject({ id: 'C-CODEC-1', name: NAME, phone: PHONE });
    expect(Buffer.from(decoded.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('json/plain');
    const clear = decoded.body.payloads.map(decodeText).join('\n');
    expect(clear).toContain('已致电客户');
  });

  test('the Temporal CLI reads the history in clear through the same endpoint (the remote codec protocol)', async () => {
    const shown = await showHistory(caseId, ['--codec-endpoint', `${stack.apiUrl}/codec`, '--codec-auth', 'Bearer test-expert-token-1']);
    // The CLI prints decoded payloads in base64 too: read them as the first test does.
    const texts = textsIn(JSON.parse(shown));
    expect(texts.some((text) => text.includes(PHONE) && text.includes(NAME))).toBe(true);
  });

  test('/codec/encode gives payloads the worker can read: encode then decode is the identity', async () => {
    const clear = {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from(JSON.stringify({ phone: PHONE })).toString('base64'),
    };
    const encoded = await codec(stack, 'encode', [clear]);
    expect(encoded.status).toBe(200);
    expect(decodeText(encoded.body.payloads[0])).not.toContain(PHONE);
    const decoded = await codec(stack, 'decode', encoded.body.payloads);
    expect(decoded.body.payloads).toEqual([clear]);
  });

  test.each([
    ['an auditor', 'test-auditor-token-1', 403],
    ['an agent', 'test-agent-token-1', 403],
    ['an integration', 'test-system-token-1', 403],
    ['an unknown token', 'not-a-token-at-all', 401],
    ['no token', null, 401],
  ] as const)('%s may not decode (%s → %i) and learns nothing', async (_who, token, status) => {
    const input = caseInputOf(payloadsIn(JSON.parse(history).events));
    const answer = await codec(stack, 'decode', [input?.payload], { token });
    expect(answer.status).toBe(status);
    expect(JSON.stringify(answer.body)).not.toContain(Buffer.from(PHONE).toString('base64').slice(0, 8));
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
  });

  test('the UI path decodes with its secret and without a token; a wrong secret is refused', async () => {
    const input = caseInputOf(payloadsIn(JSON.parse(history).events));
    const answer = await codec(stack, 'decode', [input?.payload], { token: null, path: `/codec/ui/${UI_SECRET}`, headers: { origin: UI_ORIGIN } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(decodeText(answer.body.payloads[0])).toContain(PHONE);
    const wrong = await codec(stack, 'decode', [input?.payload], { token: null, path: `/codec/ui/${UI_SECRET.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))}` });
    expect(wrong.status).toBe(401);
  });

  test('CORS: the UI origin passes the preflight with the headers the UI sends; another origin does not', async () => {
    const preflight = (origin: string) =>
      fetch(`${stack.apiUrl}/codec/decode`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-namespace' },
      });
    const allowed = await preflight(UI_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    for (const header of ['authorization', 'content-type', 'x-namespace']) {
      expect(allowed.headers.get('access-control-allow-headers')).toContain(header);
    }
    expect((await preflight('http://localhost:8233')).status).toBe(204); // the same loopback UI, by name
    const foreign = await preflight('https://evil.example');
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('a namespace other than the one the keys protect is refused', async () => {
    const answer = await codec(stack, 'decode', [], { headers: { 'x-namespace': 'payments' } });
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toContain('"default"');
  });

  test('a body that is not the protocol is a 400 naming the field', async () => {
    const answer = await codec(stack, 'decode', [{ metadata: { encoding: 'not base64!' } }]);
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].path).toBe('$.payloads[0].metadata.encoding');
  });

  test('phones in the case view: in full for those who call customers, masked for auditors and integrations', async () => {
    const body = openCaseBody({ customer: { id: 'C-CODEC-2', name: NAME, phone: PHONE } });
    const opened = await stack.api('agent', '/v1/cases', { body });
    const openId = opened.body.caseId as string;
    await eventually(
      async () => (await stack.api('agent', `/v1/cases/${openId}`)).body.status,
      (s) => s === 'WAITING_CARRIER',
      { what: 'WAITING_CARRIER' },
    );
    const shown: Record<string, string> = {};
    for (const role of ['agent', 'supervisor', 'expert', 'auditor', 'system'] as const) {
      const view = await stack.api(role, `/v1/cases/${openId}`);
      expect(view.status).toBe(200);
      shown[role] = view.body.customer.phone;
      if (role === 'auditor' || role === 'system') expect(JSON.stringify(view.body)).not.toContain(PHONE);
    }
    expect(shown).toEqual({ agent: PHONE, supervisor: PHONE, expert: PHONE, auditor: '137****5678', system: '137****5678' });
    // An integration acting on the case is answered with the masked view too.
    const acted = await stack.api('system', `/v1/cases/${openId}/actions`, { body: { action: 'note', text: '门店已签收' } });
    expect(acted.status).toBe(200);
    expect(acted.body.customer.phone).toBe('137****5678');
    // The auditor's trail and export never held the number (masked at rest): checked, not assumed.
    const trail = await stack.api('auditor', `/v1/cases/${openId}/history`);
    expect(JSON.stringify(trail.body)).not.toContain(PHONE);
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const exported = await stack.api('auditor', `/v1/audit/export?from=${today}&to=${today}`);
    expect(exported.status).toBe(200);
    expect(String(exported.body)).toContain(openId);
    expect(String(exported.body)).not.toContain(PHONE);
  });
});

describe('key rotation', () => {
  const key = () => randomBytes(32).toString('base64');
  const OLD = `2026-10:${key()}`;
  const NEW = `2026-11:${key()}`;
  const taskQueue = `cases-rotation-${randomBytes(4).toString('hex')}`;

  test('a case started under the old key goes on, and decodes, after a new key becomes the active one', async () => {
    const before = await startTestStack({ policy: testPolicy(), env: { PAYLOAD_CODEC_KEYS: OLD, TEMPORAL_TASK_QUEUE: taskQueue } });
    let caseId: string;
    let waybillNo: string;
    try {
      const body = openCaseBody({ customer: { id: 'C-ROT-1', name: NAME, phone: PHONE } });
      const opened = await before.api('agent', '/v1/cases', { body });
      caseId = opened.body.caseId as string;
      waybillNo = body.waybillNo as string;
      await eventually(
        async () => (await before.api('agent', `/v1/cases/${caseId}`)).body.status,
        (s) => s === 'WAITING_CARRIER',
        { what: 'WAITING_CARRIER' },
      );
    } finally {
      await before.stop();
    }

    // Rotation: the new key encrypts, the old one stays to decrypt. A fresh worker (no cache) must
    // replay the old-key history to go on with the case.
    const after = await startTestStack({
      policy: testPolicy(),
      env: { PAYLOAD_CODEC_KEYS: `${OLD},${NEW}`, PAYLOAD_CODEC_KEY_ID: '2026-11', TEMPORAL_TASK_QUEUE: taskQueue },
    });
    try {
      await closeCase(after, caseId, waybillNo);
      const events = JSON.parse(await showHistory(caseId)).events;
      const found = payloadsIn(events).filter((p) => !notEncoded(p.path));
      expect(new Set(found.map((p) => keyIdOf(p.payload)))).toEqual(new Set(['2026-10', '2026-11']));
      const started = caseInputOf(found);
      expect(keyIdOf(started?.payload ?? {})).toBe('2026-10');
      const decoded = await codec(after, 'decode', [started?.payload]);
      expect(decoded.status).toBe(200);
      expect(JSON.parse(decodeText(decoded.body.payloads[0])).customer.phone).toBe(PHONE);
    } finally {
      await after.stop();
    }

    // Dropping the old key before its histories expire: the codec says which key is missing.
    const tooEarly = await startTestStack({ policy: testPolicy(), inProcessWorker: false, env: { PAYLOAD_CODEC_KEYS: NEW } });
    try {
      const events = JSON.parse(await showHistory(caseId)).events;
      const started = caseInputOf(payloadsIn(events));
      const refused = await codec(tooEarly, 'decode', [started?.payload]);
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ keyId: '2026-10' });
      expect(refused.body.detail).toContain('"2026-10"');
    } finally {
      await tooEarly.stop();
    }
  });
});
