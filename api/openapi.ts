import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { CASE_ACTION_NAMES } from '../domain/case-actions';
import { CARRIERS, EXCEPTION_TYPES, ROLES } from '../domain/types';
import { codecBody } from './codec-server';
import { ACTION_ROLES, ENDPOINTS, type Access, type Endpoint, type EndpointKey } from './permissions';
import {
  caseHistoryResponse,
  caseListResponse,
  caseViewResponse,
  dashboardResponse,
  erasureResponse,
  healthResponse,
  incidentListResponse,
  incidentResponse,
  openCaseResponse,
  codecResponse,
  problemResponse,
  readinessResponse,
  reportResponse,
  stuckCasesResponse,
  supplierReplyResponse,
  trackingPushResponse,
  kuaidi100PushAnswer,
} from './response-schemas';
import { erasureBody } from './routes/customers';
import { incidentBody } from './routes/incidents';
import { knowledgeEditBody, knowledgeSearchQuery } from './routes/knowledge';
import { knowledgeArticleResponse, knowledgeArticleWithHistoryResponse, knowledgeSearchResponse } from './knowledge/response-schemas';
import { REPORT_NAMES } from './routes/reports';
import { meResponse, peopleResponse, queueNextBody, queueQuery, queueResponse } from './queue/queue-schemas';
import { DASHBOARD_TEAMS } from './reports/dashboard';
import { caseActionBody, feedbackBody, genericTrackingPush, listCasesQuery, openCaseBody, supplierReplyBody } from './schemas';

/**
 * The OpenAPI 3.1 document of the API, generated (zod-to-openapi) from the zod schemas the routes
 * validate with and the response schemas (./response-schemas.ts). Every endpoint of the permission
 * matrix (./permissions.ts) must be described here — the map below is typed by it — and a test
 * checks the document against the routes the express app actually registers.
 */

type Doc = Omit<RouteConfig, 'method' | 'path' | 'security'> & {
  /** Problem answers besides the ones every endpoint of its kind may give (401, 403, 429, 500). */
  problems?: number[];
};

const problemContent = { 'application/problem+json': { schema: problemResponse } };
const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const body = <T extends z.ZodType>(schema: T, description?: string) => ({ ...(description ? { description } : {}), required: true, content: json(schema) });

const PROBLEM_TEXT: Record<number, string> = {
  400: 'Invalid request: malformed JSON or invalid fields (each named by JSON path in `errors`). Nothing was started or written.',
  401: 'No bearer token, an unknown token, or (webhooks) a bad signature.',
  403: 'The caller’s role may not do this.',
  404: 'No such case, incident or report.',
  409: 'The present state does not allow it (or an open case of that type already exists for the waybill).',
  413: 'The body is larger than 256 kB.',
  422: 'The Idempotency-Key was used before with another body, or (codec) a payload no configured key decrypts.',
  429: 'Rate limited: retry after `Retry-After` seconds.',
  500: 'An internal error; it has been logged.',
  503: 'A dependency (PostgreSQL, Temporal) is unavailable or the case is still starting; retry shortly.',
};

const caseIdParam = z.object({
  caseId: z
    .string()
    .regex(/^CASE-\d{8}-[0-9A-Z]{8}$/)
    .meta({ example: 'CASE-20261123-7K3QH9XW' }),
});
const incidentIdParam = z.object({ incidentId: z.string().regex(/^INC-[0-9A-Z]{20}$/) });
const idempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{8,128}$/)
    .optional()
    .meta({ description: 'Same key + same body → the first answer again; same key + another body → 422' }),
});
/** Validated by api/reports/range.ts by hand; described here with the same rules. */
const reportRangeQuery = z.object({
  from: z.string().meta({ format: 'date', description: 'First local date (business time zone), YYYY-MM-DD', example: '2026-11-01' }),
  to: z.string().meta({ format: 'date', description: 'Last local date, included', example: '2026-11-30' }),
});
const ndjson = { 'application/x-ndjson': { schema: z.string().meta({ description: 'One JSON object per line' }) } };

/** The remote codec protocol: protobuf JSON payloads in, the same shape out. */
function codecDoc(direction: 'encode' | 'decode', summary: string, secretPath = false): Doc {
  return {
    tags: ['codec'],
    summary,
    request: {
      ...(secretPath ? { params: z.object({ secret: z.string().regex(/^[A-Za-z0-9_-]{32,128}$/) }) } : {}),
      headers: z.object({ 'x-namespace': z.string().optional().meta({ description: 'The namespace; this codec serves its own only' }) }),
      body: body(codecBody),
    },
    responses: { 200: { description: `The payloads, ${direction}d`, content: json(codecResponse) } },
    problems: [400, 413, 422],
  };
}

const DOCS: Record<EndpointKey, Doc> = {
  'GET /healthz': { tags: ['operations'], summary: 'Liveness', responses: { 200: { description: 'The process answers', content: json(healthResponse) } } },
  'GET /readyz': {
    tags: ['operations'],
    summary: 'Readiness: PostgreSQL and Temporal answer',
    responses: { 200: { description: 'Ready', content: json(readinessResponse) }, 503: { description: 'Not ready', content: json(readinessResponse) } },
  },
  'GET /metrics': {
    tags: ['operations'],
    summary: 'Prometheus metrics (text exposition format)',
    responses: { 200: { description: 'Metrics', content: { 'text/plain': { schema: z.string() } } } },
  },
  'GET /v1/openapi.json': {
    tags: ['operations'],
    summary: 'This document',
    responses: { 200: { description: 'OpenAPI 3.1', content: json(z.looseObject({ openapi: z.string() })) } },
  },
  'GET /docs': {
    tags: ['operations'],
    summary: 'This document, rendered for people (Swagger UI, served locally)',
    responses: { 200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } } },
  },
  'GET /dashboard': {
    tags: ['reports'],
    summary: 'The director’s dashboard page (zh-CN; it signs in with a token and reads GET /v1/reports/dashboard)',
    responses: { 200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } } },
  },
  'POST /v1/cases': {
    tags: ['cases'],
    summary: 'Open a case',
    request: { headers: idempotencyHeader, body: body(openCaseBody) },
    responses: { 201: { description: 'Opened (or, with the same Idempotency-Key and body, the first answer again)', content: json(openCaseResponse) } },
    problems: [400, 409, 413, 422, 503],
  },
  'GET /v1/cases': {
    tags: ['cases'],
    summary: 'List cases from the read model, newest first',
    description: '`status`, `type` and `carrier` take comma-separated lists.',
    request: { query: listCasesQuery },
    responses: { 200: { description: 'A page', content: json(caseListResponse) } },
    problems: [400],
  },
  'GET /v1/cases/{caseId}': {
    tags: ['cases'],
    summary: 'The case now, with the actions the caller may take',
    request: { params: caseIdParam },
    responses: { 200: { description: 'The case', content: json(caseViewResponse) } },
    problems: [404, 503],
  },
  'POST /v1/cases/{caseId}/actions': {
    tags: ['cases'],
    summary: 'Take an action on a case (sent as a validated Temporal update)',
    description: `Who may take which action:\n\n${CASE_ACTION_NAMES.filter((name) => name !== 'feedback')
      .map((name) => `- \`${name}\`: ${ACTION_ROLES[name].join(', ')}`)
      .join('\n')}\n\nResolving a case escalated to tier 2 takes a supervisor or an expert; tier 3, an expert.`,
    request: { params: caseIdParam, headers: idempotencyHeader, body: body(caseActionBody) },
    responses: { 200: { description: 'The case after the action', content: json(caseViewResponse) } },
    problems: [400, 404, 409, 422, 503],
  },
  'POST /v1/cases/{caseId}/feedback': {
    tags: ['cases'],
    summary: 'The customer’s answer to the survey',
    request: { params: caseIdParam, body: body(feedbackBody) },
    responses: { 200: { description: 'The case after the feedback', content: json(caseViewResponse) } },
    problems: [400, 404, 409, 503],
  },
  'GET /v1/cases/{caseId}/history': {
    tags: ['cases'],
    summary: 'The case’s hash-chained audit trail',
    request: { params: caseIdParam, query: z.object({ format: z.enum(['ndjson']).optional() }) },
    responses: { 200: { description: 'Every event in order', content: { ...json(caseHistoryResponse), ...ndjson } } },
    problems: [404],
  },
  'POST /v1/customers/{customerId}/erasure': {
    tags: ['customers'],
    summary: 'Erase a customer’s personal data on request',
    request: { params: z.object({ customerId: z.string().min(1).max(64) }), headers: idempotencyHeader, body: body(erasureBody) },
    responses: { 202: { description: 'Erased now, or pending until the open cases finish', content: json(erasureResponse) } },
    problems: [400, 422],
  },
  'POST /v1/incidents': {
    tags: ['incidents'],
    summary: 'Declare an incident (weather, regional control, carrier outage)',
    request: { headers: idempotencyHeader, body: body(incidentBody) },
    responses: { 202: { description: 'Declared; it reaches every matching open case', content: json(incidentResponse) } },
    problems: [400, 422],
  },
  'GET /v1/incidents': {
    tags: ['incidents'],
    summary: 'List incidents',
    responses: { 200: { description: 'Incidents', content: json(incidentListResponse) } },
  },
  'GET /v1/incidents/{incidentId}': {
    tags: ['incidents'],
    summary: 'An incident’s progress',
    request: { params: incidentIdParam },
    responses: { 200: { description: 'The incident', content: json(incidentResponse) } },
    problems: [404, 503],
  },
  'POST /v1/incidents/{incidentId}/end': {
    tags: ['incidents'],
    summary: 'End an incident and resume the clocks it paused',
    request: { params: incidentIdParam },
    responses: { 202: { description: 'Ending', content: json(incidentResponse) } },
    problems: [404, 503],
  },
  'GET /v1/reports/dashboard': {
    tags: ['reports'],
    summary: 'The dashboard’s figures: KPIs against targets with the previous period, daily series, cases breached or due soon',
    description:
      'Cases belong to a day by the local date they were opened on (closed counts: the date they closed). Filters narrow the cases; shipments and tracking freshness are narrowed by carrier only. `team` is the tier a case sits at (tier1, tier2, tier3).',
    request: {
      query: reportRangeQuery.extend({
        carrier: z.enum(CARRIERS).optional(),
        region: z.string().max(64).optional(),
        type: z.enum(EXCEPTION_TYPES).optional(),
        team: z.enum(DASHBOARD_TEAMS).optional(),
      }),
    },
    responses: { 200: { description: 'The dashboard', content: json(dashboardResponse) } },
    problems: [400],
  },
  'GET /v1/reports/{name}': {
    tags: ['reports'],
    summary: 'A report over a date range (JSON, or CSV with Accept: text/csv)',
    description:
      '`carrier-scorecard`: per carrier and lane, on-time delivery against the promised date, transit time p50/p90, first-attempt delivery, exception and damage rates, claims filed/paid/recovered, each beside its target (policy `reports`), ranked, with a backup-carrier flag per lane. `supplier-scorecard`: per supplier, wrong/missing/damaged cases, reply time against `supplier.responseTarget`, escalations.',
    request: { params: z.object({ name: z.enum(REPORT_NAMES) }), query: reportRangeQuery },
    responses: { 200: { description: 'The report', content: { ...json(reportResponse), 'text/csv': { schema: z.string() } } } },
    problems: [400, 404],
  },
  'GET /v1/reports/stuck-cases': {
    tags: ['reports'],
    summary: 'Stuck cases now: workflow tasks failing again and again, and cases overdue past their own deadline',
    description:
      'Swept afresh on every call: every running workflow is described (its pending workflow task attempt) and the read model is searched for open cases whose deadline passed without a write. Thresholds: STUCK_WORKFLOW_TASK_ATTEMPTS, STUCK_OVERDUE_GRACE_MS (docs/stuck-cases.md).',
    responses: { 200: { description: 'The report', content: json(stuckCasesResponse) } },
    problems: [503],
  },
  'GET /v1/me': {
    tags: ['queue'],
    summary: 'Who the caller is: their person, team, skills, capacity and load (docs/queue.md)',
    responses: { 200: { description: 'The caller; `person` is null outside the people directory', content: json(meResponse) } },
  },
  'GET /v1/people': {
    tags: ['queue'],
    summary: 'The people directory: teams, and each person with their load against their capacity',
    responses: { 200: { description: 'Teams and people', content: json(peopleResponse) } },
  },
  'GET /v1/queue': {
    tags: ['queue'],
    summary: 'The caller’s work: their open cases and the unowned cases of their team’s tier queue that match their skills',
    description:
      'Ordered breached first, then by the earliest SLA due time (`dueAt`, `timeLeftSeconds` negative once breached), then the oldest. `team` shows a team’s view (its members’ cases and its whole tier queue): supervisors and experts any team, agents their own. `type` and `carrier` take comma-separated lists.',
    request: { query: queueQuery },
    responses: { 200: { description: 'The queue', content: json(queueResponse) } },
    problems: [400],
  },
  'POST /v1/queue/next': {
    tags: ['queue'],
    summary: 'Take the next case of the caller’s queue (atomically: two callers never get the same case)',
    description:
      'Claims the first unowned case of the caller’s queue that matches their skills (and the optional `type`, `carrier`) and sends it the `take` action as the caller; a take refused because someone took the case meanwhile moves on to the next case. 204 when nothing is left to take; 409 `At capacity` (with `load` and `capacity`) when the caller already owns as many open cases as their capacity; 409 `Not in the people directory` for a token that names no person.',
    request: { body: { required: false, content: json(queueNextBody) } },
    responses: { 200: { description: 'The case, now owned by the caller', content: json(caseViewResponse) }, 204: { description: 'Nothing left to take' } },
    problems: [400, 409, 503],
  },
  'GET /v1/audit/export': {
    tags: ['audit'],
    summary: 'Every case trail opened in the range, with its chain verification, as NDJSON',
    request: { query: reportRangeQuery },
    responses: { 200: { description: 'One line per case, then a summary line', content: ndjson } },
    problems: [400],
  },
  'GET /v1/knowledge': {
    tags: ['knowledge'],
    summary: 'Search the knowledge base (Chinese words, ranked, with snippets)',
    description:
      '`q` is segmented into words (e.g. `顺丰 理赔 时效`); an article matching more words, or in its title, ranks higher. `kind` and `caseType` filter.',
    request: { query: knowledgeSearchQuery },
    responses: { 200: { description: 'Ranked articles', content: json(knowledgeSearchResponse) } },
    problems: [400],
  },
  'GET /v1/knowledge/{articleId}': {
    tags: ['knowledge'],
    summary: 'An article with its version history',
    request: { params: z.object({ articleId: z.string().regex(/^[a-z0-9][a-z0-9-]{1,79}$/) }) },
    responses: { 200: { description: 'The article', content: json(knowledgeArticleWithHistoryResponse) } },
    problems: [404],
  },
  'POST /v1/knowledge/{articleId}': {
    tags: ['knowledge'],
    summary: 'Edit an article (experts): a new version, who and when recorded',
    description: '`version` is the version the edit is based on: when the article has moved on, 409 with `currentVersion`.',
    request: { params: z.object({ articleId: z.string().regex(/^[a-z0-9][a-z0-9-]{1,79}$/) }), body: body(knowledgeEditBody) },
    responses: { 200: { description: 'The new version', content: json(knowledgeArticleResponse) } },
    problems: [400, 404, 409],
  },
  'POST /v1/webhooks/tracking/generic': {
    tags: ['webhooks'],
    summary: 'A tracking push in the generic format',
    description:
      'Signed: `X-Signature: sha256=<hex HMAC-SHA256 of the raw body>` with WEBHOOK_SECRET_GENERIC. A repeated eventId answers 200 `duplicate`, nothing done twice.',
    request: {
      headers: z.object({ 'x-signature': z.string().regex(/^sha256=[0-9a-f]{64}$/) }),
      body: body(genericTrackingPush),
    },
    responses: { 200: { description: 'Delivered to every open case of the waybill, or held for one opened later', content: json(trackingPushResponse) } },
    problems: [400, 413, 503],
  },
  'POST /v1/webhooks/tracking/kuaidi100': {
    tags: ['webhooks'],
    summary: 'A Kuaidi100 subscription push (快遞100 訂閱推送)',
    description:
      'Form body: `param` (the push JSON: `lastResult.nu`, `com`, `state`, `data[]`) and `sign` = upper-case hex MD5 of `param` + the salt WEBHOOK_SECRET_KUAIDI100. Every state and resultv2 sub-state is mapped (docs/integrations.md); an unknown one becomes Exception/unknown with the raw code kept. The event id is derived from waybill, state, the newest scan’s ftime and its text, so a resent push is recognised. Every answer, refusals included, is in Kuaidi100’s shape.',
    request: {
      body: {
        required: true,
        content: { 'application/x-www-form-urlencoded': { schema: z.object({ param: z.string(), sign: z.string().regex(/^[0-9A-F]{32}$/) }) } },
      },
    },
    responses: {
      200: { description: 'Accepted (delivered, held, or a resent push already handled)', content: json(kuaidi100PushAnswer) },
      400: {
        description: '`result: false`: no `param`, or a push that is not one (the message says what is wrong). Nothing recorded.',
        content: json(kuaidi100PushAnswer),
      },
      401: { description: '`result: false`: the sign does not match. Nothing recorded.', content: json(kuaidi100PushAnswer) },
      503: { description: '`result: false`: recorded but not yet delivered; Kuaidi100 pushes again', content: json(kuaidi100PushAnswer) },
    },
    problems: [413],
  },
  'POST /v1/webhooks/tracking/aftership': {
    tags: ['webhooks'],
    summary: 'An AfterShip tracking webhook',
    description:
      'JSON (`event_id`, `msg.tracking_number`, `msg.slug`, `msg.tag`, `msg.subtag`, `msg.checkpoints[]`), header `aftership-hmac-sha256` = base64 HMAC-SHA256 of the raw body with WEBHOOK_SECRET_AFTERSHIP. Every tag and subtag is mapped (docs/integrations.md); a repeated `event_id` answers `duplicate`, nothing done twice.',
    request: {
      headers: z.object({ 'aftership-hmac-sha256': z.string() }),
      body: body(
        z.looseObject({
          event_id: z.string(),
          msg: z.looseObject({ tracking_number: z.string(), slug: z.string(), tag: z.string(), subtag: z.string().optional() }),
        }),
      ),
    },
    responses: { 200: { description: 'Delivered to every open case of the waybill, or held for one opened later', content: json(trackingPushResponse) } },
    problems: [400, 413, 503],
  },
  'POST /v1/webhooks/supplier/{supplierId}': {
    tags: ['webhooks'],
    summary: 'A supplier’s reply to a follow-up',
    description: 'Signed: `X-Signature: sha256=<hex HMAC-SHA256 of "<supplierId>." + the raw body>` under the supplier’s own secret.',
    request: {
      params: z.object({ supplierId: z.string().min(1).max(64) }),
      headers: z.object({ 'x-signature': z.string().regex(/^sha256=[0-9a-f]{64}$/) }),
      body: body(supplierReplyBody),
    },
    responses: { 200: { description: 'Recorded and signalled', content: json(supplierReplyResponse) } },
    problems: [400, 403, 404, 409, 413, 503],
  },
  'POST /codec/encode': codecDoc('encode', 'Encode payloads with the payload codec (the Temporal UI’s remote codec protocol)'),
  'POST /codec/decode': codecDoc('decode', 'Decode payloads with the payload codec: a case’s history in clear, for supervisors'),
  'POST /codec/ui/{secret}/encode': codecDoc('encode', 'Encode, for the Temporal UI (CODEC_UI_SECRET in the path)', true),
  'POST /codec/ui/{secret}/decode': codecDoc('decode', 'Decode, for the Temporal UI (CODEC_UI_SECRET in the path)', true),
};

const WHO: Record<Access['kind'], (access: Access) => string> = {
  roles: (access) => `Roles: ${access.kind === 'roles' ? access.roles.join(', ') : ''}.`,
  signature: () => 'Authenticated by the sender’s signature, not a bearer token.',
  secret: () => 'Only when CODEC_UI_SECRET is set; the secret in the path is the credential (for the Temporal UI, which cannot send a bearer token).',
  public: () => 'Open.',
};

function responsesOf(endpoint: Endpoint, doc: Doc): RouteConfig['responses'] {
  const statuses = new Set<number>(doc.problems ?? []);
  if (endpoint.access.kind !== 'public') statuses.add(401).add(429);
  if (endpoint.access.kind === 'roles') statuses.add(403);
  if (endpoint.path.startsWith('/v1/')) statuses.add(500);
  const problems = Object.fromEntries(
    [...statuses].sort().map((status) => [String(status), { description: PROBLEM_TEXT[status] ?? 'Problem', content: problemContent }]),
  );
  return { ...problems, ...doc.responses };
}

function buildDocument(): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: `A token from API_TOKENS; its role (${ROLES.join(', ')}) decides what it may do (docs/agents.md → Permissions).`,
  });
  for (const endpoint of ENDPOINTS) {
    const key = `${endpoint.method} ${endpoint.path}` as EndpointKey;
    const { problems: _problems, ...doc } = DOCS[key];
    const who = WHO[endpoint.access.kind](endpoint.access);
    registry.registerPath({
      ...doc,
      method: endpoint.method.toLowerCase() as 'get' | 'post',
      path: endpoint.path,
      description: [who, doc.description].filter(Boolean).join('\n\n'),
      ...(endpoint.access.kind === 'roles' ? { security: [{ bearer: [] }] } : {}),
      responses: responsesOf(endpoint, DOCS[key]),
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Case orchestrator for logistics exceptions',
      version: '1.0.0',
      description: 'HTTP API v1. Errors are application/problem+json (RFC 9457).',
    },
    servers: [{ url: '/' }],
    tags: ['cases', 'incidents', 'reports', 'audit', 'customers', 'knowledge', 'webhooks', 'codec', 'operations'].map((name) => ({ name })),
  });
}

let built: ReturnType<typeof buildDocument> | undefined;

/** The document, built once per process (the schemas do not change while it runs). */
export function openApiDocument(): ReturnType<typeof buildDocument> {
  built ??= buildDocument();
  return built;
}
