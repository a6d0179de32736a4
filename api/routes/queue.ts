import { Router, type Request } from 'express';
import { allowedActions, factsOf } from '../../domain/case-actions';
import type { CaseView } from '../../domain/case-view';
import { phonesForRole } from '../../domain/phone-masking';
import { principalOf } from '../auth';
import { allow } from '../permissions';
import { parseOrThrow } from '../problem';
import { queueNextBody, queueQuery } from '../queue/queue-schemas';
import type { WorkQueue } from '../queue/work-queue';

/** `GET /v1/queue` and `POST /v1/queue/next` (docs/queue.md). */
export function queueRouter(queue: WorkQueue): Router {
  const router = Router();

  router.get('/', allow('GET /v1/queue'), async (req, res) => {
    const query = parseOrThrow(queueQuery, req.query, 'query string');
    res.json(await queue.view(principalOf(req), query));
  });

  router.post('/next', allow('POST /v1/queue/next'), async (req, res) => {
    const body = parseOrThrow(queueNextBody, req.body ?? {});
    const view = await queue.next(principalOf(req), body);
    // An empty queue is not an error: 204, as a poll that found nothing (docs/queue.md).
    if (!view) {
      res.status(204).end();
      return;
    }
    res.json(shownTo(req, view));
  });

  return router;
}

/** The taken case as GET /v1/cases/{caseId} shows it: the caller's actions, phones masked by role. */
function shownTo(req: Request, view: CaseView): CaseView & { allowedActions: string[] } {
  const principal = principalOf(req);
  return phonesForRole({ ...view, allowedActions: allowedActions(factsOf(view), principal) }, principal.role);
}
