import { Router } from 'express';
import { principalOf } from '../auth';
import { allow } from '../permissions';
import type { WorkQueue } from '../queue/work-queue';

/** `GET /v1/me` and `GET /v1/people`: the people directory with each person's load (docs/queue.md). */
export function peopleRouter(queue: WorkQueue): Router {
  const router = Router();

  router.get('/me', allow('GET /v1/me'), async (req, res) => {
    res.json(await queue.me(principalOf(req)));
  });

  router.get('/people', allow('GET /v1/people'), async (_req, res) => {
    res.json(await queue.people());
  });

  return router;
}
