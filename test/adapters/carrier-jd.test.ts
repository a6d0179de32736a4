import { genericCarrierGateway } from '../../activities/carriers/generic-carrier';
import { jdCarrierGateway, josSign, jdTitleStatus } from '../../activities/carriers/jd-carrier';
import { carrierContract } from './carrier-contract';
import { DEV_CREDENTIALS, rememberTrackingEvent, useSimulators } from './helpers';

const sims = useSimulators();
const GENERIC = '/carrier/generic/v1';

function gateway() {
  const base = `${sims().url}/carrier`;
  return jdCarrierGateway({ routerUrl: `${base}/jd/routerjson`, ...DEV_CREDENTIALS.jd, fallback: genericCarrierGateway(base) });
}

describe('JD Logistics adapter', () => {
  carrierContract({
    carrier: 'JD',
    waybillPrefix: 'JDVA',
    sims,
    gateway,
    provider: 'jd',
    // JD's API has intercept and trace only; the rest goes through the generic open API.
    paths: {
      urge: `${GENERIC}/urge`,
      intercept: '/carrier/jd/routerjson',
      redirect: `${GENERIC}/redirect`,
      returnToSender: `${GENERIC}/return`,
      redeliver: `${GENERIC}/redeliver`,
      claims: `${GENERIC}/claims`,
    },
    // JD dedupes intercepts by deliveryId, the waybill.
    ledgerKey: (instruction, key, waybillNo) => (instruction === 'intercept' ? waybillNo : key),
  });

  it('sends a JOS request: system fields, a valid sign, and the business JSON', async () => {
    await gateway().intercept({ idempotencyKey: 'k1', carrier: 'JD', waybillNo: 'JDVA100', reason: '订单取消' });
    const [entry] = sims().ledger.entries({ operation: 'intercept', idempotencyKey: 'JDVA100' });
    const body = (entry?.request as { body: Record<string, string> }).body;
    expect(body).toMatchObject({
      method: 'jingdong.ldop.receive.order.intercept',
      app_key: 'jd-dev-app-key',
      access_token: 'jd-dev-access-token',
      v: '2.0',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
    });
    expect(JSON.parse(body['360buy_param_json'] ?? '')).toEqual({ vendorCode: 'jd-dev-customer', deliveryId: 'JDVA100', interceptReason: '订单取消' });
    const { sign, ...unsigned } = body;
    expect(sign).toBe(josSign(unsigned, 'jd-dev-app-secret'));
  });

  it('one waybill gets one intercept, whatever the key (JD has no request serial)', async () => {
    const first = await gateway().intercept({ idempotencyKey: 'k1', carrier: 'JD', waybillNo: 'JDVA200', reason: 'r' });
    expect(await gateway().intercept({ idempotencyKey: 'k2', carrier: 'JD', waybillNo: 'JDVA200', reason: 'r' })).toEqual(first);
    expect(sims().ledger.entries({ operation: 'intercept' })).toHaveLength(1);
  });

  it('maps trace operation titles to the canonical status and keeps the title', async () => {
    const at = (h: number) => new Date(Date.UTC(2024, 4, 1, h, 30, 15)).toISOString();
    await rememberTrackingEvent(sims(), {
      eventId: 'j1',
      waybillNo: 'JDVA900',
      carrier: 'JD',
      status: 'InfoReceived',
      occurredAt: at(1),
      location: '北京亚一',
    });
    await rememberTrackingEvent(sims(), { eventId: 'j2', waybillNo: 'JDVA900', carrier: 'JD', status: 'OutForDelivery', occurredAt: at(2) });
    await rememberTrackingEvent(sims(), {
      eventId: 'j3',
      waybillNo: 'JDVA900',
      carrier: 'JD',
      status: 'Exception',
      rawCode: '拒收',
      occurredAt: at(3),
      description: '客户拒收',
    });
    await rememberTrackingEvent(sims(), { eventId: 'j4', waybillNo: 'JDVA900', carrier: 'JD', status: 'Delivered', occurredAt: at(4) });
    const events = await gateway().track({ carrier: 'JD', waybillNo: 'JDVA900' });
    expect(events.map((e) => [e.status, e.subStatus, e.rawCode, e.occurredAt])).toEqual([
      ['InfoReceived', undefined, '揽收完成', at(1)],
      ['OutForDelivery', undefined, '配送员开始配送', at(2)],
      ['Exception', 'refused', '拒收', at(3)],
      ['Delivered', undefined, '妥投', at(4)],
    ]);
    expect(events[0]).toMatchObject({ provider: 'jd', location: '北京亚一' });
    expect(events[2]).toMatchObject({ description: '客户拒收' });
  });

  it.each([
    ['揽收任务分配', 'Pending', undefined],
    ['已放入自提点', 'AvailableForPickup', undefined],
    ['配送异常', 'AttemptFail', 'delivery_failed'],
    ['分拣中心发货', 'InTransit', undefined],
    ['异常', 'Exception', 'other'],
  ])('title %s is %s/%s', (title, status, subStatus) => {
    expect(jdTitleStatus(title)).toEqual({ status, ...(subStatus ? { subStatus } : {}) });
  });
});
