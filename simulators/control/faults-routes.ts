import { Router } from 'express';
import type { SeededFaultInjector } from '../core/faults';
import { parseFaultRule, parseFaultRules } from './fault-rule';

/** GET / PUT (replace) / POST (append one) / DELETE the fault table. */
export function faultRoutes(faults: SeededFaultInjector): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.json({ rules: faults.rules() });
  });
  router.put('/', (req, res) => {
    const parsed = parseFaultRules(req.body);
    if (isProblemList(parsed)) {
      res.status(400).json({ error: 'invalid_body', message: parsed.join('; ') });
      return;
    }
    faults.set(parsed);
    res.json({ rules: faults.rules() });
  });
  router.post('/', (req, res) => {
    const parsed = parseFaultRule(req.body);
    if (Array.isArray(parsed)) {
      res.status(400).json({ error: 'invalid_body', message: parsed.join('; ') });
      return;
    }
    faults.add(parsed);
    res.status(201).json({ rules: faults.rules() });
  });
  router.delete('/', (_req, res) => {
    faults.clear();
    res.status(204).end();
  });
  return router;
}

function isProblemList(value: unknown[]): value is string[] {
  return value.some((v) => typeof v === 'string');
}
