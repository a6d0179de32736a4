import { Router } from 'express';
import { parseCustomer, parseOrder, parseStore, type OmsState } from './state';

/**
 * Test setup for the order system (under /__control/oms): customers, stores (with their WeCom
 * key) and orders, each `PUT` by id (idempotent: the same body again changes nothing).
 */
export function omsControlRoutes(state: OmsState): Router {
  const router = Router();

  router.put('/customers/:customerId', (req, res) => {
    const customer = parseCustomer(req.body, req.params.customerId);
    if (customer === undefined) {
      res.status(400).json({ error: 'invalid_body', message: 'expected {name, phone}' });
      return;
    }
    state.customers.set(customer.customerId, customer);
    res.json(customer);
  });

  router.put('/stores/:storeId', (req, res) => {
    const store = parseStore(req.body, req.params.storeId);
    if (store === undefined) {
      res.status(400).json({ error: 'invalid_body', message: 'expected {name, wecomKey}' });
      return;
    }
    state.stores.set(store.storeId, store);
    res.json(store);
  });

  // Body {waybillNo, carrier, customer | customerId, store | storeId, items, supplierId?}.
  router.put('/orders/:orderId', (req, res) => {
    const order = parseOrder(req.body, req.params.orderId, state);
    if (Array.isArray(order)) {
      res.status(400).json({ error: 'invalid_body', message: order.join('; ') });
      return;
    }
    state.customers.set(order.customer.customerId, order.customer);
    state.stores.set(order.store.storeId, order.store);
    state.orders.set(order.orderId, order);
    res.json({ order });
  });

  router.delete('/orders/:orderId', (req, res) => {
    state.orders.delete(req.params.orderId);
    res.status(204).end();
  });

  return router;
}
