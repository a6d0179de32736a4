import { TransientHttpError } from '../../activities/http/json-client';
import { comparePick, ORIGINAL_ORDER_ADDRESS, wmsClient } from '../../activities/wms/wms-client';
import { NEW_ADDRESS } from './carrier-contract';
import { controlJson, expectNonRetryable, thrown, useSimulators } from './helpers';

const sims = useSimulators();
const wms = () => wmsClient(`${sims().url}/wms`);

describe('WMS client', () => {
  describe('pick records', () => {
    it('finds what is missing and what was picked by mistake', async () => {
      await controlJson(sims(), 'PUT', '/wms/orders/ORD-1', {
        items: [
          { sku: 'BRAKE-PAD', qty: 2 },
          { sku: 'OIL-FILTER', qty: 1 },
        ],
        picked: [
          { sku: 'BRAKE-PAD', qty: 1 },
          { sku: 'AIR-FILTER', qty: 1 },
        ],
      });
      expect(await wms().getPickRecord({ orderId: 'ORD-1' })).toEqual({
        orderId: 'ORD-1',
        ordered: [
          { sku: 'BRAKE-PAD', qty: 2 },
          { sku: 'OIL-FILTER', qty: 1 },
        ],
        picked: [
          { sku: 'BRAKE-PAD', qty: 1 },
          { sku: 'AIR-FILTER', qty: 1 },
        ],
        missing: [
          { sku: 'BRAKE-PAD', qty: 1 },
          { sku: 'OIL-FILTER', qty: 1 },
        ],
        unexpected: [{ sku: 'AIR-FILTER', qty: 1 }],
      });
    });

    it('an order picked as ordered has nothing missing or unexpected', async () => {
      const record = await wms().getPickRecord({ orderId: 'ORD-2' });
      expect(record.ordered).toEqual(record.picked);
      expect(record).toMatchObject({ missing: [], unexpected: [] });
    });

    it('adds up lines of the same SKU', () => {
      expect(
        comparePick(
          'o',
          [{ sku: 'A', qty: 3 }],
          [
            { sku: 'A', qty: 1 },
            { sku: 'A', qty: 1 },
            { sku: 'B', qty: 2 },
          ],
        ),
      ).toMatchObject({
        missing: [{ sku: 'A', qty: 1 }],
        unexpected: [{ sku: 'B', qty: 2 }],
      });
    });

    it('an order the WMS does not know is a non-retryable failure', async () => {
      sims().faults.set([{ system: 'wms', operation: 'pick-records', refuse: true }]);
      expectNonRetryable(await thrown(() => wms().getPickRecord({ orderId: 'ORD-X' })), 'WmsORDER_NOT_FOUND');
    });
  });

  describe('reshipments', () => {
    const input = { idempotencyKey: 'case-1:reship', orderId: 'ORD-3', items: [{ sku: 'OIL-FILTER', qty: 1 }], address: NEW_ADDRESS, reason: '漏发' };

    it('creates one reship order per key', async () => {
      const first = await wms().createReshipment(input);
      expect(first).toEqual({ outcome: 'created', reshipOrderNo: expect.stringMatching(/^RS/), waybillNo: expect.stringMatching(/^JDVA/), carrier: 'JD' });
      expect(await wms().createReshipment(input)).toEqual(first);
      const entries = sims().ledger.entries({ system: 'wms', operation: 'reship-order', idempotencyKey: 'case-1:reship' });
      expect(entries).toHaveLength(1);
      expect(entries[0]?.request).toMatchObject({ body: { outOrderNo: 'case-1:reship', orderId: 'ORD-3', address: NEW_ADDRESS, reason: '漏发' } });
    });

    it('ships to the original order address when none is given', async () => {
      const { address: _address, ...withoutAddress } = input;
      expect((await wms().createReshipment({ ...withoutAddress, idempotencyKey: 'case-2:reship' })).outcome).toBe('created');
      const [entry] = sims().ledger.entries({ operation: 'reship-order' });
      expect(entry?.request).toMatchObject({ body: { address: ORIGINAL_ORDER_ADDRESS } });
    });

    it('STOCK_SHORTAGE is a refusal, not an error', async () => {
      sims().faults.set([{ system: 'wms', operation: 'reship-order', refuse: true }]);
      expect(await wms().createReshipment(input)).toEqual({ outcome: 'refused', code: 'STOCK_SHORTAGE', message: expect.stringContaining('OIL-FILTER') });
    });

    it('an invalid request is non-retryable and names the WMS error', async () => {
      const failure = expectNonRetryable(await thrown(() => wms().createReshipment({ ...input, items: [] })), 'WmsINVALID_ARGUMENT');
      expect(failure.message).toMatch(/400 INVALID_ARGUMENT: missing or invalid: items/);
    });

    it('an outage is a plain, retryable error', async () => {
      sims().faults.set([{ system: 'wms', operation: 'reship-order', failNext: 1 }]);
      expect(await thrown(() => wms().createReshipment(input))).toBeInstanceOf(TransientHttpError);
      expect((await wms().createReshipment(input)).outcome).toBe('created');
    });
  });

  describe('return orders', () => {
    const input = {
      idempotencyKey: 'case-3:return',
      orderId: 'ORD-4',
      items: [{ sku: 'AIR-FILTER', qty: 1 }],
      reason: '错发退回',
      pickupAddress: NEW_ADDRESS,
      waybillNo: 'JDVA1',
    };

    it('creates a return and follows it to RECEIVED', async () => {
      const created = await wms().createReturnOrder(input);
      if (created.outcome !== 'created') throw new Error('refused');
      expect(created).toEqual({
        outcome: 'created',
        returnOrderNo: expect.stringMatching(/^RT/),
        pickupWaybillNo: expect.stringMatching(/^SF/),
        status: 'CREATED',
      });
      expect(await wms().createReturnOrder(input)).toEqual(created);
      expect(sims().ledger.entries({ system: 'wms', operation: 'return-order' })).toHaveLength(1);

      const first = await wms().getReturnOrder({ returnOrderNo: created.returnOrderNo });
      expect(first).toMatchObject({ returnOrderNo: created.returnOrderNo, status: 'PICKED_UP' });
      expect(first.receivedAt).toBeUndefined();
      const second = await wms().getReturnOrder({ returnOrderNo: created.returnOrderNo });
      expect(second).toMatchObject({ status: 'RECEIVED', receivedAt: expect.any(String) });
      expect(new Date(second.receivedAt ?? '').toISOString()).toBe(second.receivedAt);
    });

    it('a return the warehouse received by hand reads RECEIVED', async () => {
      const created = await wms().createReturnOrder(input);
      if (created.outcome !== 'created') throw new Error('refused');
      await controlJson(sims(), 'PUT', `/wms/return-orders/${created.returnOrderNo}`, { autoAdvance: false });
      expect((await wms().getReturnOrder({ returnOrderNo: created.returnOrderNo })).status).toBe('CREATED');
      await controlJson(sims(), 'POST', `/wms/return-orders/${created.returnOrderNo}/receive`, {});
      expect((await wms().getReturnOrder({ returnOrderNo: created.returnOrderNo })).status).toBe('RECEIVED');
    });

    it('a refused pickup is an answer', async () => {
      sims().faults.set([{ system: 'wms', operation: 'return-order', refuse: true }]);
      expect(await wms().createReturnOrder(input)).toEqual({ outcome: 'refused', code: 'PICKUP_UNAVAILABLE', message: expect.any(String) });
    });

    it('an unknown return order is non-retryable', async () => {
      expectNonRetryable(await thrown(() => wms().getReturnOrder({ returnOrderNo: 'RT-NOPE' })), 'WmsNOT_FOUND');
    });
  });
});
