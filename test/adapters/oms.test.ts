import { ApplicationFailure } from '@temporalio/common';
import { TransientHttpError } from '../../activities/http/json-client';
import { omsClient } from '../../activities/oms/oms-client';
import { createOmsActivities } from '../../activities/oms/oms-activities';
import { controlJson, thrown, useSimulators } from './helpers';

const sims = useSimulators();
const oms = () => omsClient(`${sims().url}/oms`);

const ORDER = {
  waybillNo: 'SF1000000001',
  carrier: 'SF',
  customer: { customerId: 'CUST-1', name: '王師傅汽修', phone: '13800000001' },
  store: { storeId: 'STORE-1', name: '楓車汽修 徐匯店', wecomKey: 'wecom-store-1' },
  items: [{ sku: 'BRAKE-PAD-01', name: '前剎車片', quantity: 2, unitPrice: 12_800 }],
  supplierId: 'SUP-DEV-1',
};

describe('OMS client (the order system, looked up by waybill)', () => {
  it('finds the order, customer, store with its WeCom key, items and supplier of a waybill', async () => {
    await controlJson(sims(), 'PUT', '/oms/orders/ORD-100', ORDER);
    expect(await oms().lookUpOrderByWaybill('SF1000000001')).toEqual({ orderId: 'ORD-100', ...ORDER });
  });

  it('answers null for a waybill the OMS does not know (the wire answer is 404 order_not_found)', async () => {
    const res = await fetch(`${sims().url}/oms/v1/orders?waybillNo=NOPE`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'order_not_found' });
    expect(await oms().lookUpOrderByWaybill('NOPE')).toBeNull();
  });

  it('takes a seeded customer and store by id, and a null supplier for our own warehouse', async () => {
    await controlJson(sims(), 'PUT', '/oms/customers/CUST-2', { name: '李老闆', phone: '13900000002' });
    await controlJson(sims(), 'PUT', '/oms/stores/STORE-2', { name: '楓車 閔行店', wecomKey: 'wecom-store-2' });
    await controlJson(sims(), 'PUT', '/oms/orders/ORD-200', {
      waybillNo: 'JD2000',
      carrier: 'JD',
      customerId: 'CUST-2',
      storeId: 'STORE-2',
      items: [{ sku: 'OIL-FILTER', name: '機油濾芯', quantity: 1, unitPrice: 3_500 }],
    });
    const order = await createOmsActivities({ oms: oms() }).lookUpOrderByWaybill('JD2000');
    expect(order).toMatchObject({ orderId: 'ORD-200', supplierId: null, customer: { customerId: 'CUST-2' }, store: { wecomKey: 'wecom-store-2' } });
  });

  it('an outage is transient (retried by Temporal), not "unknown waybill"', async () => {
    await controlJson(sims(), 'PUT', '/oms/orders/ORD-100', ORDER);
    sims().faults.set([{ system: 'oms', failNext: 1 }]);
    expect(await thrown(() => oms().lookUpOrderByWaybill('SF1000000001'))).toBeInstanceOf(TransientHttpError);
    expect(await oms().lookUpOrderByWaybill('SF1000000001')).toMatchObject({ orderId: 'ORD-100' });
  });

  it('a seed that is not an order is refused with a clear message', async () => {
    const res = await fetch(`${sims().url}/__control/oms/orders/ORD-BAD`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ waybillNo: 'X' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/carrier/);
  });

  it('a 400 from the OMS is non-retryable', async () => {
    const error = await thrown(() => oms().lookUpOrderByWaybill(''));
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect((error as ApplicationFailure).nonRetryable).toBe(true);
  });
});
