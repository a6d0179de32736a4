import { Router } from 'express';
import type { SimulationContext } from '../../core/context';
import { nonEmptyString, single } from '../../core/fields';
import { ok, send } from '../../core/reply';
import { simulate } from '../../core/simulate';
import type { OmsState } from './state';

/**
 * The order system's read API under /oms/v1. `GET /orders?waybillNo=X` answers
 * `{order: {...}}` or 404 `{error: "order_not_found"}`. `GET /orders?shippedSince=ISO&cursor=&limit=`
 * lists shipped orders `{orders: [...], nextCursor}` (keyset by orderId). Anything else is a 400.
 */
export function omsRoutes(ctx: SimulationContext, state: OmsState): Router {
  const router = Router();

  router.get('/orders', async (req, res) => {
    const waybillNo = nonEmptyString(single(req.query.waybillNo));
    const shippedSince = nonEmptyString(single(req.query.shippedSince));
    if (waybillNo === undefined && shippedSince !== undefined) {
      const limit = Number(single(req.query.limit) ?? '100');
      if (Number.isNaN(Date.parse(shippedSince)) || !Number.isInteger(limit) || limit < 1 || limit > 500) {
        return send(res, { status: 400, body: { error: 'invalid_query', message: 'shippedSince must be an ISO date-time and limit 1–500' } });
      }
      const cursor = single(req.query.cursor) ?? '';
      return simulate(ctx, req, res, {
        system: 'oms',
        operation: 'orders-shipped',
        perform: () => {
          const orders = state.shippedSince(shippedSince, cursor, limit);
          return ok({ orders, nextCursor: orders.length === limit ? (orders.at(-1)?.orderId ?? null) : null });
        },
      });
    }
    if (waybillNo === undefined) {
      return send(res, { status: 400, body: { error: 'invalid_query', message: 'waybillNo (or shippedSince) is required' } });
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
