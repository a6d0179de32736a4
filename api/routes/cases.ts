import { Router, type Request } from 'express';
import { listCases, verifiedTrail } from '../../store/read-model';
import type { Db } from '../../store/database';
import { allowedActions, factsOf, type CaseAction } from '../../domain/case-actions';
import type { CaseView } from '../../domain/case-view';
import { phonesForRole } from '../../domain/phone-masking';
import { parseDuration } from '../../domain/durations';
import { temporalUiLink, type AppConfig } from '../../config';
import { principalOf } from '../auth';
import { allow } from '../permissions';
import { CASE_ID_PATTERN } from '../case-ids';
import type { CaseService } from '../case-service';
import { HttpProblem, parseOrThrow } from '../problem';
import { caseGuidance } from '../guidance/guidance';
import { customerContext } from '../customer-context/customer-context';
import { caseActionBody, type CaseActionBody, feedbackBody, listCasesQuery, openCaseBody } from '../schemas';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,128}$/;

/** The optional Idempotency-Key header, checked for shape. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw new HttpProblem(400, 'Invalid Idempotency-Key', 'Idempotency-Key must be 8–128 visible ASCII characters');
  }
  return key;
}

function caseIdParam(value: string | string[] | undefined): string {
  const caseId = Array.isArray(value) ? value[0] : value;
  if (!caseId || !CASE_ID_PATTERN.test(caseId)) throw new HttpProblem(404, 'Case not found', `No case ${caseId ?? ''}`);
  return caseId;
}

/**
 * A case view as its caller is shown it: the actions their role may take now, and the customer's
 * phone numbers masked unless their role works with customers (domain/phone-masking.ts).
 */
function shownTo(req: Request, view: CaseView): CaseView & { allowedActions: string[] } {
  const principal = principalOf(req);
  return phonesForRole({ ...view, allowedActions: allowedActions(factsOf(view), principal) }, principal.role);
}

/**
 * The wire shape to the workflow's: an SLA extension travels in (scaled) milliseconds, and so does
 * a promise's `by`: the time from now until then, scaled by SLA_TIME_SCALE like the policy's
 * durations (at scale 1 the promise falls due at `by`; a sped-up stack keeps it at the pace of its
 * clocks). The workflow dates the promise from when it takes the action.
 */
function toCaseAction(body: CaseActionBody, timeScale: number, now: number = Date.now()): CaseAction {
  switch (body.action) {
    case 'extend-sla': {
      const { by, ...rest } = body;
      return { ...rest, byMs: Math.round((parseDuration(by) as number) * timeScale) };
    }
    case 'reply':
    case 'log-call': {
      const { promise, ...rest } = body;
      if (!promise) return rest;
      const { by, ...made } = promise;
      return { ...rest, promise: { ...made, dueInMs: Math.max(1, Math.round((Date.parse(by) - now) * timeScale)) } };
    }
    default:
      return body;
  }
}

export function casesRouter(
  service: CaseService,
  db: Db,
  config?: Pick<AppConfig, 'temporal' | 'temporalUiUrl'> & Partial<Pick<AppConfig, 'slaPolicy'>>,
): Router {
  const router = Router();

  router.post('/', allow('POST /v1/cases'), async (req, res) => {
    const key = idempotencyKeyOf(req);
    const body = parseOrThrow(openCaseBody, req.body);
    const result = await service.openCase(body, principalOf(req), key);
    res
      .status(result.status)
      .location(`/v1/cases/${String(result.body.caseId)}`)
      .json(result.body);
  });

  router.get('/', allow('GET /v1/cases'), async (req, res) => {
    const query = parseOrThrow(listCasesQuery, req.query, 'query string');
    const page = await listCases(db, {
      limit: query.limit,
      ...(query.status ? { status: query.status } : {}),
      ...(query.type ? { type: query.type } : {}),
      ...(query.carrier ? { carrier: query.carrier } : {}),
      ...(query.tier !== undefined ? { tier: query.tier } : {}),
      ...(query.breached !== undefined ? { breached: query.breached } : {}),
      ...(query.assignee ? { assignee: query.assignee } : {}),
      ...(query.incomplete !== undefined ? { incomplete: query.incomplete } : {}),
      ...(query.q ? { q: query.q } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    res.json(page);
  });

  router.get('/:caseId', allow('GET /v1/cases/{caseId}'), async (req, res) => {
    const caseId = caseIdParam(req.params.caseId);
    const view = await service.getCase(caseId);
    const shown = shownTo(req, view);
    // What to do next, with the step's reply script and articles (docs/knowledge.md → Guidance),
    // and the customer's other cases and latest contacts (docs/agents.md → The customer's context).
    const [guidance, context] = await Promise.all([
      caseGuidance(db, shown, shown.allowedActions, config?.slaPolicy),
      customerContext(db, caseId, shown.customer.id),
    ]);
    res.json({ ...shown, guidance, customerContext: context });
  });

  router.post('/:caseId/feedback', allow('POST /v1/cases/{caseId}/feedback'), async (req, res) => {
    const caseId = caseIdParam(req.params.caseId);
    const body = parseOrThrow(feedbackBody, req.body);
    const view = await service.submitFeedback(caseId, body, principalOf(req));
    res.json(shownTo(req, view));
  });

  router.post('/:caseId/actions', allow('POST /v1/cases/{caseId}/actions'), async (req, res) => {
    const caseId = caseIdParam(req.params.caseId);
    const key = idempotencyKeyOf(req);
    const body = parseOrThrow(caseActionBody, req.body);
    const view = await service.act(caseId, toCaseAction(body, service.slaTimeScale), principalOf(req), key);
    res.json(shownTo(req, view));
  });

  router.get('/:caseId/history', allow('GET /v1/cases/{caseId}/history'), async (req, res) => {
    const caseId = caseIdParam(req.params.caseId);
    const trail = await verifiedTrail(db, caseId);
    if (!trail) throw new HttpProblem(404, 'Case not found', `No case ${caseId}`);
    const { events, integrity } = trail;
    if (req.query.format === 'ndjson') {
      res.type('application/x-ndjson');
      res.send(events.map((event) => JSON.stringify({ caseId, ...event })).join('\n') + (events.length ? '\n' : ''));
      return;
    }
    // The case's workflow in the Temporal UI, for auditors who follow the trail into the history.
    res.json({ caseId, events, integrity, ...(config ? { temporalUi: temporalUiLink(config, caseId) } : {}) });
  });

  return router;
}
