import { Router } from 'express';
import type { SimulationContext } from '../../core/context';
import { asRecord } from '../../core/fields';
import { parseLineItems, parsePickRecords } from './items';
import { isReturnStatus, type WmsState } from './state';

/** Test setup for the warehouse: what was picked, and how reverse pickups progress. */
export function wmsControlRoutes(ctx: SimulationContext, state: WmsState): Router {
  const router = Router();

  // Body {items: [{sku, qty}], picked: [{sku, qty, picker?, at?}]}: set up a wrong or missing pick.
  router.put('/orders/:orderId', (req, res) => {
    const body = asRecord(req.body);
    const items = parseLineItems(body.items);
    const picked = parsePickRecords(body.picked, ctx.now().toISOString());
    if (items === undefined || picked === undefined) {
      res.status(400).json({ error: 'invalid_body', message: 'expected {items: [{sku, qty}], picked: [{sku, qty, picker?, at?}]}' });
      return;
    }
    state.picks.set(req.params.orderId, { items, picked });
    res.json({ orderId: req.params.orderId, items, picked });
  });

  // Body {autoAdvance?: boolean, status?: 'CREATED' | 'PICKED_UP' | 'RECEIVED'}.
  router.put('/return-orders/:returnOrderNo', (req, res) => {
    const ret = state.returns.get(req.params.returnOrderNo);
    if (ret === undefined) {
      res.status(404).json({ error: 'not_found', message: `return order ${req.params.returnOrderNo} not found` });
      return;
    }
    const body = asRecord(req.body);
    const badAuto = body.autoAdvance !== undefined && typeof body.autoAdvance !== 'boolean';
    const badStatus = body.status !== undefined && !isReturnStatus(body.status);
    if (badAuto || badStatus) {
      res.status(400).json({ error: 'invalid_body', message: 'expected {autoAdvance?: boolean, status?: CREATED|PICKED_UP|RECEIVED}' });
      return;
    }
    if (typeof body.autoAdvance === 'boolean') ret.autoAdvance = body.autoAdvance;
    if (isReturnStatus(body.status)) state.setStatus(ret, body.status);
    res.json({ ...ret });
  });

  router.post('/return-orders/:returnOrderNo/receive', (req, res) => {
    const ret = state.returns.get(req.params.returnOrderNo);
    if (ret === undefined) {
      res.status(404).json({ error: 'not_found', message: `return order ${req.params.returnOrderNo} not found` });
      return;
    }
    state.setStatus(ret, 'RECEIVED');
    res.json({ ...ret });
  });

  return router;
}
