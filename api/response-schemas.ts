import { z } from 'zod';
import { guidanceResponse } from './guidance/schema';
import { customerContextResponse } from './customer-context/schema';
import { CASE_ACTION_NAMES } from '../domain/case-actions';
import { CLOCK_NAMES } from '../domain/sla-policy';
import { CARRIERS, CASE_STATUSES, EXCEPTION_TYPES, PRIORITIES, ROLES } from '../domain/types';
import { incidentBody } from './routes/incidents';
import { STUCK_REASONS } from './stuck-cases/stuck-cases';

/**
 * Response shapes of the HTTP contract, for the OpenAPI document (api/openapi.ts) and for the
 * contract test that parses real answers with them (test/integration/openapi-contract.test.ts).
 * Objects are open (`looseObject`): the contract lets us add fields, never rename or drop the ones
 * listed here.
 */

const instant = z.string().meta({ format: 'date-time' });

export const problemResponse = z
  .looseObject({
    type: z.string().meta({ format: 'uri' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ path: z.string().meta({ example: '$.customer.phone' }), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json)' });

const actor = z.looseObject({ kind: z.enum(['user', 'system', 'carrier', 'customer', 'workflow']), id: z.string(), role: z.enum(ROLES).optional() });

const clock = z.looseObject({
  name: z.enum(CLOCK_NAMES),
  state: z.string(),
  targetMs: z.number(),
  startedAt: instant,
  dueAt: instant.optional(),
  elapsedMs: z.number(),
  breached: z.boolean(),
  breachedAt: instant.optional(),
  warned: z.array(z.number()),
  pauses: z.array(z.looseObject({ at: instant, reason: z.string(), resumedAt: instant.optional() })),
  extensions: z.array(z.looseObject({ at: instant, byMs: z.number(), reason: z.string() })),
});

const caseLinksResponse = z.looseObject({ self: z.string(), history: z.string(), feedback: z.string() });

export const openCaseResponse = z
  .looseObject({ caseId: z.string().meta({ example: 'CASE-20261123-7K3QH9XW' }), status: z.string(), links: caseLinksResponse })
  .meta({ id: 'OpenCaseResponse' });

export const caseViewResponse = z
  .looseObject({
    needsCompletion: z
      .boolean()
      .optional()
      .meta({ description: 'Opened from tracking for a waybill the OMS does not know: an agent completes order and customer' }),
    openedFrom: z.string().nullable().optional().meta({ description: '`tracking` or `watchlist` when no agent opened the case' }),
    openReason: z.string().nullable().optional(),
    caseId: z.string(),
    type: z.enum(EXCEPTION_TYPES),
    status: z.enum(CASE_STATUSES),
    priority: z.enum(PRIORITIES),
    tier: z.number().int().min(1).max(3),
    assignee: z.string(),
    orderId: z.string(),
    waybillNo: z.string(),
    carrier: z.enum(CARRIERS),
    region: z.string().optional(),
    customer: z.looseObject({
      id: z.string(),
      name: z.string(),
      phone: z.string().meta({ description: 'Masked (138****8000) in every view that is not the owner’s working view' }),
      storeId: z.string().optional(),
    }),
    description: z.string(),
    openedAt: instant,
    openedBy: actor,
    updatedAt: instant,
    resolvedAt: instant.optional(),
    closedAt: instant.optional(),
    resolution: z.looseObject({ outcome: z.string(), summary: z.string(), at: instant }).optional(),
    slaBreached: z.boolean(),
    slaDueAt: instant.optional(),
    clocks: z.array(clock),
    tracking: z.looseObject({ eventsSeen: z.number() }),
    carrierRequests: z.array(z.looseObject({ key: z.string(), operation: z.string(), at: instant, outcome: z.string() })),
    notifications: z.array(z.looseObject({ key: z.string(), channel: z.string(), template: z.string(), at: instant, outcome: z.string() })),
    feedback: z.looseObject({ score: z.number(), channel: z.string(), at: instant }).optional(),
    claim: z.looseObject({ status: z.string(), kind: z.string() }).optional(),
    evidence: z.looseObject({ items: z.array(z.looseObject({ kind: z.string(), description: z.string() })) }),
    notes: z.array(z.looseObject({ text: z.string(), at: instant, by: z.string() })),
    timeline: z.array(z.looseObject({ seq: z.number().int(), at: instant, kind: z.string(), summary: z.string() })),
    version: z.number().int(),
    allowedActions: z
      .array(z.enum(CASE_ACTION_NAMES as readonly [string, ...string[]]))
      .meta({ description: 'The actions the caller’s role may take in the case’s present state' }),
    guidance: guidanceResponse.optional().meta({ description: 'GET /v1/cases/{caseId} only: what to do next (docs/knowledge.md)' }),
    customerContext: customerContextResponse
      .optional()
      .meta({ description: 'GET /v1/cases/{caseId} only: the customer’s other cases and recent contacts (docs/agents.md)' }),
  })
  .meta({ id: 'CaseView', description: 'The case as the workflow sees it now' });

export const caseListResponse = z
  .looseObject({
    items: z.array(
      z.looseObject({
        caseId: z.string(),
        type: z.string(),
        status: z.string(),
        priority: z.string(),
        tier: z.number().int(),
        assignee: z.string(),
        orderId: z.string(),
        waybillNo: z.string(),
        carrier: z.string(),
        region: z.string().nullable(),
        slaDueAt: instant.nullable(),
        slaBreached: z.boolean(),
        openedAt: instant,
        updatedAt: instant,
        closedAt: instant.nullable(),
        needsCompletion: z.boolean().meta({ description: 'Opened from tracking for a waybill the OMS does not know: an agent completes order and customer' }),
        openedFrom: z.enum(['tracking', 'watchlist']).nullable().meta({ description: 'Who opened it without an agent, if anyone' }),
      }),
    ),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page' }),
  })
  .meta({ id: 'CaseList' });

const auditEvent = z.looseObject({
  seq: z.number().int(),
  at: instant,
  actor,
  kind: z.string().meta({ example: 'case.opened' }),
  data: z.record(z.string(), z.unknown()),
  hash: z.string().optional(),
  prevHash: z.string().optional(),
});

const integrity = z.looseObject({
  verified: z.boolean(),
  brokenAtSeq: z.number().int().optional(),
  truncated: z.looseObject({ expectedLastSeq: z.number().int(), actualLastSeq: z.number().int() }).optional(),
});

export const caseHistoryResponse = z
  .looseObject({ caseId: z.string(), events: z.array(auditEvent), integrity, temporalUi: z.string().optional() })
  .meta({ id: 'CaseHistory', description: 'The audit trail; `?format=ndjson` answers one event per line instead' });

export const incidentResponse = z
  .looseObject({
    incidentId: z.string().meta({ example: 'INC-0123456789ABCDEF0123' }),
    status: z.string().meta({ example: 'active' }),
    fanOutComplete: z.boolean(),
    matched: z.number().int(),
    reached: z.number().int(),
    notified: z.number().int(),
    failed: z.number().int(),
    request: incidentBody,
    links: z.looseObject({ self: z.string(), end: z.string() }),
  })
  .meta({ id: 'Incident' });

export const incidentListResponse = z
  .looseObject({ items: z.array(z.looseObject({ incidentId: z.string(), running: z.boolean(), startedAt: instant })) })
  .meta({ id: 'IncidentList' });

export const erasureResponse = z.looseObject({ erasedCases: z.array(z.string()), pendingCases: z.array(z.string()) }).meta({ id: 'ErasureAnswer' });

export const trackingPushResponse = z
  .looseObject({ received: z.literal(true), duplicate: z.boolean(), deliveredTo: z.array(z.string()), held: z.boolean() })
  .meta({ id: 'TrackingPushAnswer' });

/** Kuaidi100 reads only its own answer shape, refusals included. */
export const kuaidi100PushAnswer = z.object({ result: z.boolean(), returnCode: z.string(), message: z.string() }).meta({
  id: 'Kuaidi100PushAnswer',
  description: '`{"result":true,"returnCode":"200","message":"成功"}` when accepted; `result: false` makes Kuaidi100 push again',
});

export const supplierReplyResponse = z
  .looseObject({ received: z.literal(true), duplicate: z.boolean(), caseId: z.string(), replyId: z.string() })
  .meta({ id: 'SupplierReplyAnswer' });

export const reportResponse = z
  .looseObject({ report: z.string(), from: z.string().meta({ format: 'date' }), to: z.string().meta({ format: 'date' }), timeZone: z.string() })
  .meta({ id: 'Report', description: 'A report over the range; its sections depend on the report (docs/supervisors.md → Reports)' });

const ratioSeries = z.array(z.number().nullable()).meta({ description: 'One value per day of `daily.days`; null on a day without data' });

export const dashboardResponse = z
  .looseObject({
    report: z.literal('dashboard'),
    from: z.string().meta({ format: 'date' }),
    to: z.string().meta({ format: 'date' }),
    timeZone: z.string(),
    previous: z.looseObject({ from: z.string().meta({ format: 'date' }), to: z.string().meta({ format: 'date' }) }),
    filters: z.looseObject({ carrier: z.string().nullable(), region: z.string().nullable(), type: z.string().nullable(), team: z.string().nullable() }),
    options: z.looseObject({ carriers: z.array(z.string()), regions: z.array(z.string()), types: z.array(z.string()), teams: z.array(z.string()) }),
    kpis: z.array(
      z.looseObject({
        key: z.string(),
        unit: z.enum(['count', 'ratio', 'ms']),
        better: z.enum(['higher', 'lower']),
        value: z.number().nullable(),
        previous: z.number().nullable().meta({ description: 'The same figure over the previous period of as many days' }),
        change: z.number().nullable(),
        target: z.number().nullable().meta({ description: 'From the SLA policy file; null when the policy sets none' }),
        targetSource: z.string().nullable(),
        met: z.boolean().nullable(),
      }),
    ),
    daily: z.looseObject({
      days: z.array(z.string().meta({ format: 'date' })),
      opened: z.array(z.looseObject({ type: z.enum(EXCEPTION_TYPES), counts: z.array(z.number()) })),
      closed: z.array(z.looseObject({ type: z.enum(EXCEPTION_TYPES), counts: z.array(z.number()) })),
      slaAttainment: z.array(z.looseObject({ clock: z.enum(CLOCK_NAMES), values: ratioSeries })),
      csat: ratioSeries,
      complaintRate: ratioSeries,
      exceptionRate: z.array(z.looseObject({ carrier: z.enum(CARRIERS), values: ratioSeries })),
      trackingFreshness: ratioSeries,
    }),
    atRisk: z.looseObject({
      dueSoonMs: z.number(),
      cases: z.array(
        z.looseObject({
          caseId: z.string(),
          type: z.string(),
          status: z.string(),
          priority: z.string(),
          team: z.string(),
          assignee: z.string(),
          carrier: z.string(),
          region: z.string().nullable(),
          dueAt: instant.nullable(),
          breached: z.boolean(),
          temporalUi: z.string().meta({ format: 'uri' }),
        }),
      ),
    }),
  })
  .meta({
    id: 'Dashboard',
    description: 'The director’s dashboard: KPI cards against the policy’s targets, daily series, cases at risk (docs/supervisors.md → Dashboard)',
  });

export const healthResponse = z.looseObject({ status: z.literal('ok') }).meta({ id: 'Health' });
export const readinessResponse = z
  .looseObject({
    status: z.enum(['ready', 'not ready']),
    checks: z.record(z.string(), z.looseObject({ ok: z.boolean(), detail: z.string().optional() })),
  })
  .meta({ id: 'Readiness' });

export const codecResponse = z
  .looseObject({
    payloads: z.array(z.looseObject({ metadata: z.record(z.string(), z.string()), data: z.string() })),
  })
  .meta({ id: 'CodecPayloads', description: 'Payloads as protobuf JSON: metadata values and data in base64' });

const stuckCase = z
  .object({
    caseId: z.string().nullable().meta({ example: 'CASE-20261207-V02PT4M2', description: 'null for a workflow that belongs to no case' }),
    workflowId: z.string().nullable().meta({ description: 'The failing workflow: the case’s own, or a child such as a claim settlement' }),
    workflowType: z.string().nullable().meta({ example: 'caseWorkflow' }),
    type: z.string().nullable().meta({ example: 'LOST', description: 'From the read model; null when it holds no row' }),
    status: z.string().nullable().meta({ example: 'IN_PROGRESS' }),
    reason: z.enum(STUCK_REASONS),
    since: z.string().meta({ format: 'date-time', description: 'When the failing task was first scheduled, or the deadline that passed' }),
    attempts: z.number().int().min(0).meta({ description: 'Workflow task attempts so far; 0 when only overdue' }),
    lastFailure: z.string().meta({ example: 'workflow task failed (WORKFLOW_WORKER_UNHANDLED_FAILURE): [TMPRL1100] Nondeterminism error: …' }),
  })
  .meta({ id: 'StuckCase' });

export const stuckCasesResponse = z
  .object({
    report: z.literal('stuck-cases'),
    generatedAt: z.string().meta({ format: 'date-time' }),
    thresholds: z.object({ workflowTaskAttempts: z.number().int(), overdueGraceMs: z.number().int() }),
    counts: z.object({ 'workflow-task-failing': z.number().int(), overdue: z.number().int() }),
    cases: z.array(stuckCase),
  })
  .meta({ id: 'StuckCasesReport', description: 'Cases whose workflow task keeps failing, then cases overdue past their own deadline (docs/stuck-cases.md)' });
