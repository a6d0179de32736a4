import { Router } from 'express';
import type { SimulationContext } from '../../core/context';
import { nonEmptyString, single } from '../../core/fields';
import { ok, send } from '../../core/reply';
import { simulate } from '../../core/simulate';
import type { OmsState } from './state';

/**
 * The order system's read API under /oms/v1. `GET /orders?waybillNo=X` answers
 * `{order: {...}}` or 404 `{error: "order_not_found"}`; a missing waybillNo is a 400.
 */
export function omsRoutes(ctx: SimulationContext, state: OmsState): Router {
  const router = Router();

  router.get('/orders', async (req, res) => {
    const waybillNo = nonEmptyString(single(req.query.waybillNo));
    if (waybillNo === undefined) {
      return send(res, { status: 400, body: { error: 'invalid_query', message: 'waybillNo is required' } });
    }
    await simulate(ctx, req, res, {
      system: 'oms',
      operation: 'order-by-waybill',
      perform: () => {
        const order = state.orderByWaybill(waybillNo);
        if (order === undefined) return { status: 404, body: { error: 'order_not_found', message: `no order ships waybill ${waybillNo}` } };
        return ok({ order });
      },
    });
  });

  return router;
}
