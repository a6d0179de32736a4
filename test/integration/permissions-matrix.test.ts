import { CASE_ACTION_NAMES, type CaseActionName } from '../../domain/case-actions';
import { ROLES, type Role } from '../../domain/types';
import { ACTION_ROLES, ENDPOINTS, rolesFor, type EndpointKey } from '../../api/permissions';
import { REPORT_NAMES } from '../../api/routes/reports';
import { quietPolicy } from '../helpers/quiet-policy';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * The permission matrix (api/permissions.ts, printed in docs/agents.md), tried cell by cell against the
 * running API: every endpoint × role and every case action × role. A cell the matrix allows must
 * not answer 403 (nor 401: the token is good); a cell it refuses must answer 403 — and change nothing.
 */

let stack: TestStack;
let caseId: string;
let incidentId: string;

beforeAll(async () => {
  // Cases stay still after their first steps: a refusal that wrote anything would show.
  stack = await startTestStack({ policy: quietPolicy() });
  const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody() });
  expect(opened.status).toBe(201);
  caseId = opened.body.caseId;
  await eventually(
    async () => (await stack.api('agent', `/v1/cases/${caseId}`)).status,
    (status) => status === 200,
    { what: 'the case saved' },
  );
  const declared = await stack.api('supervisor', '/v1/incidents', { body: incidentRequest() });
  expect(declared.status).toBe(202);
  incidentId = declared.body.incidentId;
});
afterAll(async () => {
  await stack?.stop();
});

/** An incident no case matches (its region exists nowhere), so declaring it disturbs nothing. */
function incidentRequest() {
  return { cause: 'weather', regions: ['ZZ-PERM'], startsAt: new Date().toISOString(), message: '权限测试' };
}

interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

/** A request each endpoint would accept from a role allowed to make it. */
function requestFor(key: EndpointKey): Call | undefined {
  const range = 'from=2026-11-01&to=2026-11-02';
  const calls: Partial<Record<EndpointKey, () => Call>> = {
    'POST /v1/cases': () => ({ method: 'POST', path: '/v1/cases', body: openCaseBody() }),
    'GET /v1/cases': () => ({ method: 'GET', path: '/v1/cases?limit=1' }),
    'GET /v1/cases/{caseId}': () => ({ method: 'GET', path: `/v1/cases/${caseId}` }),
    'POST /v1/cases/{caseId}/actions': () => ({ method: 'POST', path: `/v1/cases/${caseId}/actions`, body: { action: 'note', text: '权限矩阵' } }),
    'POST /v1/cases/{caseId}/feedback': () => ({ method: 'POST', path: `/v1/cases/${caseId}/feedback`, body: { score: 5, channel: 'sms' } }),
    'GET /v1/cases/{caseId}/history': () => ({ method: 'GET', path: `/v1/cases/${caseId}/history` }),
    'POST /v1/customers/{customerId}/erasure': () => ({
      method: 'POST',
      path: `/v1/customers/C-PERM-${Date.now()}/erasure`,
      body: { reason: 'permission matrix' },
    }),
    'POST /v1/incidents': () => ({ method: 'POST', path: '/v1/incidents', body: incidentRequest() }),
    'GET /v1/incidents': () => ({ method: 'GET', path: '/v1/incidents' }),
    'GET /v1/incidents/{incidentId}': () => ({ method: 'GET', path: `/v1/incidents/${incidentId}` }),
    'POST /v1/incidents/{incidentId}/end': () => ({ method: 'POST', path: `/v1/incidents/${incidentId}/end` }),
    'GET /v1/reports/stuck-cases': () => ({ method: 'GET', path: '/v1/reports/stuck-cases' }),
    'GET /v1/reports/dashboard': () => ({ method: 'GET', path: `/v1/reports/dashboard?${range}` }),
    'GET /v1/reports/{name}': () => ({ method: 'GET', path: `/v1/reports/sla?${range}` }),
    'GET /v1/audit/export': () => ({ method: 'GET', path: `/v1/audit/export?${range}` }),
    'GET /v1/knowledge': () => ({ method: 'GET', path: `/v1/knowledge?q=${encodeURIComponent('顺丰 理赔')}` }),
    'GET /v1/knowledge/{articleId}': () => ({ method: 'GET', path: '/v1/knowledge/sf-standard' }),
    // A version the article never reaches: an expert gets 409 and the article stays as it is.
    'POST /v1/knowledge/{articleId}': () => ({ method: 'POST', path: '/v1/knowledge/sf-standard', body: { version: 999_999, title: '权限矩阵' } }),
    'GET /v1/me': () => ({ method: 'GET', path: '/v1/me' }),
    'GET /v1/people': () => ({ method: 'GET', path: '/v1/people' }),
    'GET /v1/queue': () => ({ method: 'GET', path: '/v1/queue?limit=1' }),
    // The test tokens name no person of the directory: an allowed role gets 409, never 403.
    'POST /v1/queue/next': () => ({ method: 'POST', path: '/v1/queue/next', body: {} }),
    'POST /codec/encode': () => ({ method: 'POST', path: '/codec/encode', body: { payloads: [] } }),
    'POST /codec/decode': () => ({ method: 'POST', path: '/codec/decode', body: { payloads: [] } }),
  };
  return calls[key]?.();
}

/** A valid body for each action (what the role may do is the question, not the body). */
const ACTION_BODIES: Record<Exclude<CaseActionName, 'feedback'>, Record<string, unknown>> = {
  note: { text: '权限矩阵' },
  assign: { assignee: 'sup-zhang' },
  escalate: { reason: 'permission matrix' },
  'set-priority': { priority: 'high', reason: 'permission matrix' },
  'request-evidence': { what: '外箱照片' },
  'add-evidence': { evidence: { kind: 'photo', description: '外箱破损' } },
  'propose-claim': { kind: 'goodwill', actualLossFen: 100, reason: 'permission matrix' },
  'approve-claim': { note: 'ok' },
  'reject-claim': { reason: 'permission matrix' },
  reship: { items: [{ sku: 'BRK-1', qty: 1 }], reason: 'permission matrix' },
  'choose-remedy': { remedy: 'redeliver' },
  'extend-sla': { clock: 'handling', by: '1h', reason: 'permission matrix' },
  resolve: { outcome: 'delivered', summary: 'permission matrix' },
  reopen: { reason: 'permission matrix' },
  cancel: { reason: 'permission matrix' },
  take: { reason: 'permission matrix' },
  reply: { channel: 'in-app', text: '权限矩阵' },
  'set-severity': { severity: 'serious', reason: 'permission matrix' },
  'record-plan': { plan: 'permission matrix' },
  'log-call': { direction: 'outbound', outcome: 'no-answer', durationSeconds: 0, summary: 'permission matrix' },
};

/** Waits until the case's trail stops growing (its first steps' notifications land after the status). */
async function trailSettled(id: string): Promise<void> {
  let last = -1;
  for (let still = 0; still < 3;) {
    const length = (await stack.api('agent', `/v1/cases/${id}/history`)).body.events.length as number;
    still = length === last ? still + 1 : 0;
    last = length;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

const verdict = (status: number) => (status === 403 ? 'forbidden' : status === 401 ? 'unauthenticated' : `allowed (${status})`);

test('every endpoint × role: allowed roles are never refused for their role, the others get 403', async () => {
  const wrong: string[] = [];
  for (const endpoint of ENDPOINTS) {
    if (endpoint.access.kind !== 'roles') continue;
    const key = `${endpoint.method} ${endpoint.path}` as EndpointKey;
    const allowed = rolesFor(key);
    // Refusals first: they must change nothing, so the allowed calls after them see the same case.
    for (const role of [...ROLES].sort((a, b) => Number(allowed.includes(a)) - Number(allowed.includes(b)))) {
      const call = requestFor(key);
      if (!call) throw new Error(`no request for ${key}`);
      const answer = await stack.api(role, call.path, { method: call.method, ...(call.body !== undefined ? { body: call.body } : {}) });
      const expected = allowed.includes(role);
      const ok = expected ? answer.status !== 403 && answer.status !== 401 && answer.status < 500 : answer.status === 403;
      if (!ok)
        wrong.push(
          `${key} as ${role}: expected ${expected ? 'allowed' : 'forbidden'}, got ${verdict(answer.status)} ${JSON.stringify(answer.body).slice(0, 200)}`,
        );
      if (!expected && answer.status === 403) expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    // And without a token, nobody.
    const call = requestFor(key) as Call;
    const anonymous = await stack.api(null, call.path, { method: call.method, ...(call.body !== undefined ? { body: call.body } : {}) });
    if (anonymous.status !== 401) wrong.push(`${key} without a token: expected 401, got ${anonymous.status}`);
  }
  expect(wrong).toEqual([]);
});

test('every report of GET /v1/reports/{name}, the carrier and supplier scorecards included, × role', async () => {
  const allowed = rolesFor('GET /v1/reports/{name}');
  const wrong: string[] = [];
  for (const name of REPORT_NAMES) {
    for (const role of ROLES) {
      const answer = await stack.api(role, `/v1/reports/${name}?from=2026-11-01&to=2026-11-02`);
      const expected = allowed.includes(role) ? 200 : 403;
      if (answer.status !== expected) wrong.push(`${name} as ${role}: expected ${expected}, got ${answer.status}`);
    }
  }
  expect(wrong).toEqual([]);
});

test('signed and open endpoints: a bearer token of any role grants nothing, and open ones need none', async () => {
  for (const role of ROLES) {
    const tracking = await stack.api(role, '/v1/webhooks/tracking/generic', {
      body: { eventId: 'perm-1', waybillNo: 'SF00000001', carrier: 'SF', status: 'InTransit', occurredAt: new Date().toISOString() },
    });
    expect({ role, status: tracking.status }).toEqual({ role, status: 401 });
    const supplier = await stack.api(role, '/v1/webhooks/supplier/SUP-DEV-1', { body: { replyId: 'r-1', caseId, action: 'message', message: 'hi' } });
    expect({ role, status: supplier.status }).toEqual({ role, status: 401 });
  }
  for (const path of ['/healthz', '/readyz', '/metrics', '/v1/openapi.json', '/docs', '/dashboard']) {
    expect({ path, status: (await stack.api(null, path)).status }).toEqual({ path, status: 200 });
  }
});

test('every case action × role: allowed roles are never refused for their role, the others get 403 and change nothing', async () => {
  const actions = CASE_ACTION_NAMES.filter((name): name is Exclude<CaseActionName, 'feedback'> => name !== 'feedback');
  // A fresh case per action, so one action's effect (a resolve, a cancel) cannot decide another's cells.
  const cases = await Promise.all(
    actions.map(async () => {
      const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody() });
      expect(opened.status).toBe(201);
      const id = opened.body.caseId as string;
      // Its first steps done (acknowledged, carrier urged): from here on it only moves when told to.
      await eventually(
        async () => (await stack.api('agent', `/v1/cases/${id}`)).body?.status,
        (status) => status === 'WAITING_CARRIER',
        { what: 'WAITING_CARRIER' },
      );
      await trailSettled(id);
      return id;
    }),
  );
  const wrong: string[] = [];
  for (const [index, action] of actions.entries()) {
    const id = cases[index] as string;
    const allowed = ACTION_ROLES[action];
    const forbidden = ROLES.filter((role) => !allowed.includes(role));
    const before = (await stack.api('agent', `/v1/cases/${id}/history`)).body.events.length as number;
    for (const role of forbidden) {
      const answer = await stack.api(role, `/v1/cases/${id}/actions`, { body: { action, ...ACTION_BODIES[action] } });
      if (answer.status !== 403)
        wrong.push(`${action} as ${role}: expected forbidden, got ${verdict(answer.status)} ${JSON.stringify(answer.body).slice(0, 200)}`);
    }
    const after = (await stack.api('agent', `/v1/cases/${id}/history`)).body.events.length as number;
    if (after !== before) wrong.push(`${action}: a refused call wrote ${after - before} audit event(s)`);
    for (const role of allowed) {
      const answer = await stack.api(role as Role, `/v1/cases/${id}/actions`, { body: { action, ...ACTION_BODIES[action] } });
      if (answer.status === 403 || answer.status === 401 || answer.status >= 500) {
        wrong.push(`${action} as ${role}: expected allowed, got ${verdict(answer.status)} ${JSON.stringify(answer.body).slice(0, 200)}`);
      }
    }
  }
  expect(wrong).toEqual([]);
});

test('the feedback action’s roles and the feedback endpoint’s roles are the same rule', () => {
  expect([...rolesFor('POST /v1/cases/{caseId}/feedback')].sort()).toEqual([...ACTION_ROLES.feedback].sort());
});
