import { Router } from 'express';
import type { SimulationContext } from '../../core/context';
import { asRecord, isRecord, missingStrings, nonEmptyString } from '../../core/fields';
import { ok, send, type Reply } from '../../core/reply';
import { simulate } from '../../core/simulate';
import { parseLineItems } from './items';
import type { ReturnOrder, WmsState } from './state';

/**
 * The warehouse (WMS) open API under /wms/v1. JSON in and out; success bodies are the resource
 * itself, errors are {errorCode, errorMessage} (HTTP 400 for bad input, HTTP 200 for a business
 * refusal). Writes are idempotent by the caller's outOrderNo.
 */

function invalid(message: string): Reply {
  return { status: 400, body: { errorCode: 'INVALID_ARGUMENT', errorMessage: message } };
}

function refused(errorCode: string, errorMessage: string): Reply {
  return ok({ errorCode, errorMessage });
}

function returnView(ret: ReturnOrder): Record<string, unknown> {
  const { autoAdvance: _autoAdvance, ...view } = ret;
  return view;
}

export function wmsRoutes(ctx: SimulationContext, state: WmsState): Router {
  const router = Router();

  router.get('/pick-records/:orderId', async (req, res) => {
    const orderId = req.params.orderId;
    await simulate(ctx, req, res, {
      system: 'wms',
      operation: 'pick-records',
      refuse: () => refused('ORDER_NOT_FOUND', `no outbound order ${orderId} in this warehouse`),
      perform: () => {
        const picks = state.picksFor(orderId);
        return ok({ orderId, items: picks.items, picked: picks.picked });
      },
    });
  });

  router.post('/reship-orders', async (req, res) => {
    const body = asRecord(req.body);
    const missing = missingStrings(body, ['outOrderNo', 'orderId', 'reason']);
    const items = parseLineItems(body.items);
    if (items === undefined) missing.push('items [{sku, qty}]');
    if (!isRecord(body.address) && nonEmptyString(body.address) === undefined) missing.push('address');
    if (missing.length > 0 || items === undefined) return send(res, invalid(`missing or invalid: ${missing.join(', ')}`));
    const outOrderNo = String(body.outOrderNo);
    await simulate(ctx, req, res, {
      system: 'wms',
      operation: 'reship-order',
      idempotencyKey: outOrderNo,
      refuse: () => refused('STOCK_SHORTAGE', 'insufficient stock to reship: ' + items.map((i) => i.sku).join(', ')),
      perform: () => {
        const order = {
          reshipOrderNo: ctx.ids.next('RS'),
          outOrderNo,
          orderId: String(body.orderId),
          items,
          address: body.address,
          reason: String(body.reason),
          waybillNo: `JDVA${ctx.ids.nextNumeric('JDVA', 11)}`,
          carrier: 'JD',
          createdAt: ctx.now().toISOString(),
        };
        state.reships.set(order.reshipOrderNo, order);
        return ok({ reshipOrderNo: order.reshipOrderNo, waybillNo: order.waybillNo, carrier: order.carrier });
      },
    });
  });

  router.post('/return-orders', async (req, res) => {
    const body = asRecord(req.body);
    const missing = missingStrings(body, ['outOrderNo', 'orderId']);
    const items = parseLineItems(body.items);
    if (items === undefined) missing.push('items [{sku, qty}]');
    if (missing.length > 0 || items === undefined) return send(res, invalid(`missing or invalid: ${missing.join(', ')}`));
    const outOrderNo = String(body.outOrderNo);
    await simulate(ctx, req, res, {
      system: 'wms',
      operation: 'return-order',
      idempotencyKey: outOrderNo,
      refuse: () => refused('PICKUP_UNAVAILABLE', 'no reverse pickup capacity for this address'),
      perform: () => {
        const at = ctx.now().toISOString();
        const ret: ReturnOrder = {
          returnOrderNo: ctx.ids.next('RT'),
          outOrderNo,
          orderId: String(body.orderId),
          items,
          pickupWaybillNo: `SF${ctx.ids.nextNumeric('SFPICK', 12)}`,
          status: 'CREATED',
          autoAdvance: true,
          createdAt: at,
          updatedAt: at,
        };
        state.returns.set(ret.returnOrderNo, ret);
        return ok({ returnOrderNo: ret.returnOrderNo, pickupWaybillNo: ret.pickupWaybillNo, status: ret.status });
      },
    });
  });

  router.get('/return-orders/:returnOrderNo', async (req, res) => {
    const ret = state.returns.get(req.params.returnOrderNo);
    if (ret === undefined) {
      return send(res, { status: 404, body: { errorCode: 'NOT_FOUND', errorMessage: `return order ${req.params.returnOrderNo} not found` } });
    }
    await simulate(ctx, req, res, {
      system: 'wms',
      operation: 'return-order-status',
      perform: () => {
        if (ret.autoAdvance) state.advance(ret);
        return ok(returnView(ret));
      },
    });
  });

  return router;
}
