import type { z } from 'zod';
import { openApiDocument } from '../../api/openapi';
import {
  caseHistoryResponse,
  caseListResponse,
  caseViewResponse,
  dashboardResponse,
  erasureResponse,
  incidentListResponse,
  incidentResponse,
  openCaseResponse,
  problemResponse,
  readinessResponse,
  reportResponse,
  trackingPushResponse,
} from '../../api/response-schemas';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * The responses the OpenAPI document promises are the ones the API sends: real answers, parsed
 * with the same response schemas the document is generated from.
 */

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

function conforms(schema: z.ZodType, body: unknown, what: string): void {
  const result = schema.safeParse(body);
  if (!result.success) throw new Error(`${what} does not match its documented schema: ${JSON.stringify(result.error.issues.slice(0, 5))}`);
}

test('the document served is the one generated', async () => {
  const served = await stack.api(null, '/v1/openapi.json');
  expect(served.status).toBe(200);
  expect(served.body).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
});

test('case answers match their documented schemas', async () => {
  const body = openCaseBody();
  const opened = await stack.api('agent', '/v1/cases', { body });
  expect(opened.status).toBe(201);
  conforms(openCaseResponse, opened.body, 'POST /v1/cases 201');
  const caseId = opened.body.caseId as string;
  const view = await eventually(
    () => stack.api('supervisor', `/v1/cases/${caseId}`),
    (answer) => answer.body?.status === 'WAITING_CARRIER',
    { what: 'WAITING_CARRIER' },
  );
  conforms(caseViewResponse, view.body, 'GET /v1/cases/{caseId} 200');
  const acted = await stack.api('supervisor', `/v1/cases/${caseId}/actions`, { body: { action: 'note', text: '合同检查' } });
  expect(acted.status).toBe(200);
  conforms(caseViewResponse, acted.body, 'POST /v1/cases/{caseId}/actions 200');
  conforms(caseListResponse, (await stack.api('auditor', '/v1/cases?limit=5')).body, 'GET /v1/cases 200');
  conforms(caseHistoryResponse, (await stack.api('auditor', `/v1/cases/${caseId}/history`)).body, 'GET /v1/cases/{caseId}/history 200');

  const pushed = await stack.pushTracking({ eventId: `${caseId}-contract`, waybillNo: body.waybillNo, status: 'InTransit' });
  expect(pushed.status).toBe(200);
  conforms(trackingPushResponse, JSON.parse(pushed.body), 'POST /v1/webhooks/tracking/generic 200');

  for (const [what, answer] of [
    ['400', await stack.api('agent', '/v1/cases', { body: { type: 'STOLEN' } })],
    ['401', await stack.api(null, '/v1/cases')],
    ['403', await stack.api('auditor', '/v1/cases', { body })],
    ['404', await stack.api('agent', '/v1/cases/CASE-20000101-00000000')],
    ['409', await stack.api('system', `/v1/cases/${caseId}/feedback`, { body: { score: 5, channel: 'sms' } })],
  ] as const) {
    expect(answer.status).toBe(Number(what));
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    conforms(problemResponse, answer.body, `problem ${what}`);
  }
});

test('incident, report, erasure and readiness answers match their documented schemas', async () => {
  const declared = await stack.api('supervisor', '/v1/incidents', {
    body: { cause: 'weather', regions: ['ZZ-CONTRACT'], startsAt: new Date().toISOString(), message: '台风' },
  });
  expect(declared.status).toBe(202);
  conforms(incidentResponse, declared.body, 'POST /v1/incidents 202');
  const shown = await eventually(
    () => stack.api('agent', `/v1/incidents/${declared.body.incidentId}`),
    (answer) => answer.status === 200,
    { what: 'the incident' },
  );
  conforms(incidentResponse, shown.body, 'GET /v1/incidents/{incidentId} 200');
  conforms(incidentListResponse, (await stack.api('agent', '/v1/incidents')).body, 'GET /v1/incidents 200');
  const ended = await stack.api('supervisor', `/v1/incidents/${declared.body.incidentId}/end`, { method: 'POST' });
  expect(ended.status).toBe(202);
  conforms(incidentResponse, ended.body, 'POST /v1/incidents/{incidentId}/end 202');
  for (const name of ['sla', 'carriers', 'suppliers', 'satisfaction', 'health']) {
    const report = await stack.api('auditor', `/v1/reports/${name}?from=2026-11-01&to=2026-11-02`);
    expect(report.status).toBe(200);
    conforms(reportResponse, report.body, `GET /v1/reports/${name} 200`);
  }
  const dashboard = await stack.api('auditor', '/v1/reports/dashboard?from=2026-11-01&to=2026-11-02&carrier=SF&team=tier1');
  expect(dashboard.status).toBe(200);
  conforms(dashboardResponse, dashboard.body, 'GET /v1/reports/dashboard 200');
  const erased = await stack.api('expert', '/v1/customers/C-CONTRACT-NOBODY/erasure', { body: { reason: 'asked' } });
  expect(erased.status).toBe(202);
  conforms(erasureResponse, erased.body, 'POST /v1/customers/{customerId}/erasure 202');
  conforms(readinessResponse, (await stack.api(null, '/readyz')).body, 'GET /readyz');
});
