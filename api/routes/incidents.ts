import { createHash, randomUUID } from 'node:crypto';
import { Router } from 'express';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { AppConfig } from '../../config';
import { incidentPolicy, type IncidentPolicy } from '../../config/incident-policy';
import { INCIDENT_CAUSES, type IncidentRequest } from '../../domain/incidents';
import { EXCEPTION_TYPES, CARRIERS } from '../../domain/types';
import { endIncidentSignal, incidentViewQuery, type IncidentView, type IncidentWorkflowInput } from '../../workflows/incidents/contract';
import { principalOf } from '../auth';
import { allow } from '../permissions';
import { HttpProblem, parseOrThrow } from '../problem';

/**
 * Incidents (`/v1/incidents`): each one a Temporal workflow (workflows/incidents). An
 * Idempotency-Key names the incident's workflow, so a retried POST finds the incident it started
 * instead of starting another; the same key with another body is refused (422).
 */

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,128}$/;
const INCIDENT_ID = /^INC-[0-9A-Z]{20}$/;
const MAX_INCIDENT_AHEAD_DAYS = 30;
const MAX_INCIDENT_AHEAD_MS = MAX_INCIDENT_AHEAD_DAYS * 24 * 60 * 60 * 1000;
const instant = z.string().refine((value) => !Number.isNaN(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}T/.test(value), 'must be an ISO 8601 date-time');

export const incidentBody = z
  .strictObject({
    cause: z.enum(INCIDENT_CAUSES, { error: `must be one of ${INCIDENT_CAUSES.join(', ')}` }),
    regions: z
      .array(z.string().regex(/^[0-9A-Za-z-]{1,16}$/, 'a region code, e.g. 44 or 440300'))
      .min(1)
      .max(100),
    carriers: z.array(z.enum(CARRIERS)).max(CARRIERS.length).optional(),
    types: z.array(z.enum(EXCEPTION_TYPES)).max(EXCEPTION_TYPES.length).optional(),
    startsAt: instant,
    expectedEndAt: instant.optional(),
    message: z.string().trim().min(1).max(500),
  })
  .refine((body) => !body.expectedEndAt || Date.parse(body.expectedEndAt) > Date.parse(body.startsAt), {
    path: ['expectedEndAt'],
    message: 'expectedEndAt must be after startsAt',
  })
  // An incident moves every matching case's clocks to its end and tells customers so: one typed
  // far ahead (the year 9999) would hold them all. Longer incidents are declared again.
  .refine((body) => !body.expectedEndAt || Date.parse(body.expectedEndAt) <= Date.now() + MAX_INCIDENT_AHEAD_MS, {
    path: ['expectedEndAt'],
    message: `expectedEndAt must be at most ${MAX_INCIDENT_AHEAD_DAYS} days from now`,
  });

/**
 * The incident an Idempotency-Key names, scoped to who sent it: two principals using the same key
 * declare two incidents, and neither can read or replay the other's.
 */
export function incidentIdFor(principalId: string, key: string): string {
  return `INC-${createHash('sha256').update(`incident:${principalId}:${key}`).digest('hex').slice(0, 20).toUpperCase()}`;
}

const hashOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

function incidentIdParam(value: string | string[] | undefined): string {
  const id = Array.isArray(value) ? value[0] : value;
  if (!id || !INCIDENT_ID.test(id)) throw new HttpProblem(404, 'Incident not found', `No incident ${id ?? ''}`);
  return id;
}

export function incidentsRouter(config: AppConfig, temporal: Client, overrides: Partial<IncidentPolicy> = {}): Router {
  const router = Router();
  const policy = incidentPolicy(config.slaTimeScale, overrides);

  const view = async (incidentId: string): Promise<IncidentView> => {
    try {
      return await temporal.workflow.getHandle(incidentId).query(incidentViewQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new HttpProblem(404, 'Incident not found', `No incident ${incidentId}`);
      // No worker answers the progress query right now (e.g. while workers restart): try again.
      throw new HttpProblem(503, 'Incident progress unavailable', `The progress of ${incidentId} cannot be read now; retry shortly`);
    }
  };
  const links = (incidentId: string) => ({ self: `/v1/incidents/${incidentId}`, end: `/v1/incidents/${incidentId}/end` });

  router.post('/', allow('POST /v1/incidents'), async (req, res) => {
    const key = req.get('idempotency-key');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key))
      throw new HttpProblem(400, 'Invalid Idempotency-Key', 'Idempotency-Key must be 8–128 visible ASCII characters');
    const request = parseOrThrow(incidentBody, req.body) as IncidentRequest;
    const requestHash = hashOf(request);
    const declaredBy = principalOf(req).id;
    const incidentId = key ? incidentIdFor(declaredBy, key) : `INC-${randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase()}`;
    const input: IncidentWorkflowInput = { incidentId, request, requestHash, declaredBy, policy };
    // The first answer; a retried POST gets it again.
    const answer = {
      incidentId,
      status: 'active',
      fanOutComplete: false,
      matched: 0,
      reached: 0,
      notified: 0,
      failed: 0,
      request,
      links: links(incidentId),
    };
    try {
      await temporal.workflow.start('incidentWorkflow', {
        taskQueue: config.temporal.taskQueue,
        workflowId: incidentId,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        // Kept on the execution itself, so a retry is checked without a worker answering a query.
        memo: { requestHash },
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      // The same key again: the incident it started, unless the body differs.
      const existing = await temporal.workflow.getHandle(incidentId).describe();
      if (existing.memo?.requestHash !== requestHash) {
        throw new HttpProblem(422, 'Idempotency-Key reused', 'This Idempotency-Key declared another incident');
      }
    }
    res.status(202).location(`/v1/incidents/${incidentId}`).json(answer);
  });

  router.get('/', allow('GET /v1/incidents'), async (_req, res) => {
    const items: Array<{ incidentId: string; running: boolean; startedAt: string }> = [];
    for await (const execution of temporal.workflow.list({ query: `WorkflowType = 'incidentWorkflow'` })) {
      items.push({ incidentId: execution.workflowId, running: execution.status.name === 'RUNNING', startedAt: execution.startTime.toISOString() });
      if (items.length >= 200) break;
    }
    res.json({ items });
  });

  router.get('/:incidentId', allow('GET /v1/incidents/{incidentId}'), async (req, res) => {
    const incidentId = incidentIdParam(req.params.incidentId);
    const { requestHash: _hash, ...shown } = await view(incidentId);
    res.set('cache-control', 'no-store').json({ ...shown, links: links(incidentId) });
  });

  router.post('/:incidentId/end', allow('POST /v1/incidents/{incidentId}/end'), async (req, res) => {
    const incidentId = incidentIdParam(req.params.incidentId);
    const current = await view(incidentId);
    if (current.status === 'active') {
      try {
        await temporal.workflow.getHandle(incidentId).signal(endIncidentSignal);
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    }
    res.status(202).json({ ...current, requestHash: undefined, status: current.status === 'active' ? 'ending' : current.status, links: links(incidentId) });
  });
  return router;
}
