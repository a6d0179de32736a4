import { getJson, postJson, sendJson, useSimulators } from './helpers';

const sims = useSimulators();
const wms = (path: string): string => `${sims().url}/wms/v1${path}`;
const control = (path: string): string => `${sims().url}/__control/wms${path}`;

const reship = {
  outOrderNo: 'case-9-reship-1',
  orderId: 'O-9',
  items: [{ sku: 'BRK-PAD-01', qty: 2 }],
  address: { name: '李', phone: '13900002222', province: '广东省', city: '广州市', district: '天河区', detail: '汽修一条街8号' },
  reason: 'wrong item shipped',
};

describe('WMS', () => {
  it('answers pick records as configured, so a test can set up a wrong pick', async () => {
    const setup = await sendJson('PUT', control('/orders/O-1'), {
      items: [{ sku: 'BRK-PAD-01', qty: 2 }],
      picked: [{ sku: 'BRK-PAD-02', qty: 2, picker: 'zhang', at: '2024-05-01T02:00:00.000Z' }],
    });
    expect(setup.status).toBe(200);
    const res = await getJson(wms('/pick-records/O-1'));
    expect(res.body).toEqual({
      orderId: 'O-1',
      items: [{ sku: 'BRK-PAD-01', qty: 2 }],
      picked: [{ sku: 'BRK-PAD-02', qty: 2, picker: 'zhang', at: '2024-05-01T02:00:00.000Z' }],
    });
  });

  it('answers a plausible complete pick for an order nobody configured, and validates setup bodies', async () => {
    const res = await getJson(wms('/pick-records/O-2'));
    expect(res.body.picked).toEqual([expect.objectContaining({ sku: res.body.items[0].sku, qty: res.body.items[0].qty })]);
    expect((await sendJson('PUT', control('/orders/O-3'), { items: [] })).status).toBe(400);
  });

  it('creates a reship order once per outOrderNo', async () => {
    const first = await postJson(wms('/reship-orders'), reship);
    expect(first.body).toEqual({ reshipOrderNo: expect.stringMatching(/^RS\d+$/), waybillNo: expect.stringMatching(/^JDVA\d+$/), carrier: 'JD' });
    expect((await postJson(wms('/reship-orders'), reship)).body).toEqual(first.body);
    expect(sims().ledger.entries({ system: 'wms', operation: 'reship-order' })).toHaveLength(1);
    expect(sims().ledger.entries({ system: 'wms', idempotencyKey: reship.outOrderNo, includeReplays: true })).toHaveLength(2);
  });

  it('refuses a reship in its error shape and rejects bad items with 400', async () => {
    expect((await postJson(wms('/reship-orders'), { ...reship, items: [{ sku: 'X', qty: 0 }] })).status).toBe(400);
    sims().faults.set([{ system: 'wms', operation: 'reship-order', refuse: true }]);
    const refused = await postJson(wms('/reship-orders'), reship);
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual({ errorCode: 'STOCK_SHORTAGE', errorMessage: expect.stringContaining('BRK-PAD-01') });
  });

  it('moves a return order one step per poll: CREATED → PICKED_UP → RECEIVED', async () => {
    const created = await postJson(wms('/return-orders'), {
      outOrderNo: 'ret-1',
      orderId: 'O-9',
      items: [{ sku: 'BRK-PAD-02', qty: 2 }],
      reason: 'wrong item',
    });
    expect(created.body).toEqual({ returnOrderNo: expect.stringMatching(/^RT\d+$/), pickupWaybillNo: expect.any(String), status: 'CREATED' });
    const no: string = created.body.returnOrderNo;
    expect((await getJson(wms(`/return-orders/${no}`))).body.status).toBe('PICKED_UP');
    expect((await getJson(wms(`/return-orders/${no}`))).body.status).toBe('RECEIVED');
    expect((await getJson(wms(`/return-orders/${no}`))).body.status).toBe('RECEIVED');
  });

  it('lets a test hold a return and mark it received', async () => {
    const no: string = (await postJson(wms('/return-orders'), { outOrderNo: 'ret-2', orderId: 'O-9', items: [{ sku: 'A', qty: 1 }] })).body.returnOrderNo;
    await sendJson('PUT', control(`/return-orders/${no}`), { autoAdvance: false });
    expect((await getJson(wms(`/return-orders/${no}`))).body.status).toBe('CREATED');
    expect((await postJson(control(`/return-orders/${no}/receive`), {})).status).toBe(200);
    expect((await getJson(wms(`/return-orders/${no}`))).body.status).toBe('RECEIVED');
    expect((await getJson(wms('/return-orders/RT-NOPE'))).status).toBe(404);
  });

  it('dropResponse creates the return order and a retry with the same outOrderNo finds it', async () => {
    sims().faults.set([{ system: 'wms', operation: 'return-order', dropResponse: true }]);
    const body = { outOrderNo: 'ret-3', orderId: 'O-9', items: [{ sku: 'A', qty: 1 }] };
    await expect(postJson(wms('/return-orders'), body)).rejects.toThrow();
    const retry = await postJson(wms('/return-orders'), body);
    expect(retry.body).toEqual(sims().ledger.entries({ idempotencyKey: 'ret-3' })[0]?.response);
    expect(retry.body.returnOrderNo).toBe('RT00000001');
  });
});
