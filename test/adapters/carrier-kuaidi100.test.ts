import { CarrierProtocolError } from '../../activities/carriers/dialect-support';
import { genericCarrierGateway } from '../../activities/carriers/generic-carrier';
import { kuaidi100CarrierGateway, kuaidi100Status } from '../../activities/carriers/kuaidi100-carrier';
import { carrierContract, NEW_ADDRESS } from './carrier-contract';
import { DEV_CREDENTIALS, expectRetryable, rememberTrackingEvent, thrown, useSimulators } from './helpers';

const sims = useSimulators();
const GENERIC = '/carrier/generic/v1';
const LABEL = '/carrier/kuaidi100/label/order';

function gateway(key = DEV_CREDENTIALS.kuaidi100.key) {
  const base = `${sims().url}/carrier`;
  return kuaidi100CarrierGateway({ baseUrl: `${base}/kuaidi100`, ...DEV_CREDENTIALS.kuaidi100, key, fallback: genericCarrierGateway(base) });
}

function param(operation: string, key: string): Record<string, unknown> {
  const [entry] = sims().ledger.entries({ system: 'carrier', operation, idempotencyKey: key });
  return JSON.parse((entry?.request as { body: { param: string } }).body.param) as Record<string, unknown>;
}

describe('Kuaidi100 adapter', () => {
  carrierContract({
    carrier: 'SF',
    waybillPrefix: 'SF8',
    sims,
    gateway: () => gateway(),
    provider: 'kuaidi100',
    // Kuaidi100 has no urge, redelivery or claims: the generic open API serves them.
    paths: {
      urge: `${GENERIC}/urge`,
      intercept: LABEL,
      redirect: LABEL,
      returnToSender: LABEL,
      redeliver: `${GENERIC}/redeliver`,
      claims: `${GENERIC}/claims`,
    },
  });

  it('sends interceptOrder with the type, the company code and orderid = idempotency key', async () => {
    const base = { carrier: 'SF' as const, waybillNo: 'SF8100', reason: '改址' };
    await gateway().redirect({ ...base, idempotencyKey: 'k1', newAddress: NEW_ADDRESS });
    await gateway().returnToSender({ ...base, idempotencyKey: 'k2' });
    await gateway().intercept({ ...base, idempotencyKey: 'k3' });
    expect(param('redirect', 'k1')).toEqual({
      kuaidicom: 'shunfeng',
      kuaidinum: 'SF8100',
      interceptType: 'MODIFY_ADDR',
      orderid: 'k1',
      reason: '改址',
      recManInfo: { name: '王师傅', mobile: '13800138000', printAddr: '广东省深圳市南山区科技园路1号' },
    });
    expect(param('return', 'k2')).toMatchObject({ interceptType: 'RETURN_SEND_ADDR', orderid: 'k2' });
    expect(param('intercept', 'k3')).toMatchObject({ interceptType: 'RETURN_SEND_STATION', orderid: 'k3' });
  });

  it('a bad key (sign failure) throws a retryable error and does nothing', async () => {
    for (const call of [
      () => gateway('wrong-key-123').intercept({ idempotencyKey: 'k', carrier: 'SF', waybillNo: 'SF81', reason: 'r' }),
      () => gateway('wrong-key-123').track({ carrier: 'SF', waybillNo: 'SF81' }),
    ]) {
      const error = await thrown(call);
      expect(error).toBeInstanceOf(CarrierProtocolError);
      expectRetryable(error);
    }
    expect(sims().ledger.entries()).toEqual([]);
  });

  it('maps Kuaidi100 states, sub-states included, and keeps the state as raw code', async () => {
    const at = (h: number) => new Date(Date.UTC(2024, 4, 1, h, 0, 0)).toISOString();
    const push = (eventId: string, h: number, extra: Record<string, string>) =>
      rememberTrackingEvent(sims(), { eventId, waybillNo: 'SF8900', carrier: 'SF', status: 'InTransit', occurredAt: at(h), ...extra });
    await push('k1', 1, { status: 'InfoReceived', location: '深圳市', description: '已揽收' });
    await push('k2', 2, { description: '运输中' });
    await push('k3', 3, { status: 'Exception', rawCode: '209', description: '快件破损' });
    await push('k4', 4, { status: 'OutForDelivery' });
    await push('k5', 5, { status: 'Exception', subStatus: 'refused' });
    const events = await gateway().track({ carrier: 'SF', waybillNo: 'SF8900' });
    expect(events.map((e) => [e.status, e.subStatus, e.rawCode, e.occurredAt])).toEqual([
      ['InfoReceived', undefined, '1', at(1)],
      ['InTransit', undefined, '0', at(2)],
      ['Exception', 'damaged', '209', at(3)],
      ['OutForDelivery', undefined, '5', at(4)],
      ['Exception', 'refused', '14', at(5)],
    ]);
    expect(events[0]).toMatchObject({ provider: 'kuaidi100', carrier: 'SF', location: '深圳市', description: '已揽收' });
  });

  it.each([
    ['3', 'Delivered', undefined],
    ['4', 'Exception', 'returned_to_sender'],
    ['6', 'Exception', 'returning_to_sender'],
    ['201', 'Exception', 'not_signed_in_time'],
    ['202', 'Exception', 'no_update'],
    ['203', 'Exception', 'refused'],
    ['204', 'AttemptFail', 'delivery_failed'],
    ['501', 'AvailableForPickup', undefined],
    ['299', 'Exception', 'other'],
    ['99', 'InTransit', undefined],
  ])('state %s is %s/%s', (state, status, subStatus) => {
    expect(kuaidi100Status(state)).toEqual({ status, ...(subStatus ? { subStatus } : {}) });
  });
});
