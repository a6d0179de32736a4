import { CarrierProtocolError } from '../../activities/carriers/dialect-support';
import { genericCarrierGateway } from '../../activities/carriers/generic-carrier';
import { sfCarrierGateway, sfRouteStatus } from '../../activities/carriers/sf-carrier';
import { carrierContract, NEW_ADDRESS } from './carrier-contract';
import { DEV_CREDENTIALS, expectRetryable, rememberTrackingEvent, requestPath, thrown, useSimulators } from './helpers';

const sims = useSimulators();
const SF = '/carrier/sf/std/service';

function gateway(overrides: { checkWord?: string; urgeServiceCode?: string | null } = {}) {
  const base = `${sims().url}/carrier`;
  return sfCarrierGateway({
    serviceUrl: `${base}/sf/std/service`,
    partnerId: DEV_CREDENTIALS.sf.partnerId,
    checkWord: overrides.checkWord ?? DEV_CREDENTIALS.sf.checkWord,
    fallback: genericCarrierGateway(base),
    ...(overrides.urgeServiceCode !== undefined ? { urgeServiceCode: overrides.urgeServiceCode } : {}),
  });
}

/** msgData of a recorded SF request. */
function msgData(operation: string, key: string): Record<string, unknown> {
  const [entry] = sims().ledger.entries({ system: 'carrier', operation, idempotencyKey: key });
  return JSON.parse((entry?.request as { body: { msgData: string } }).body.msgData) as Record<string, unknown>;
}

describe('SF Express adapter', () => {
  carrierContract({
    carrier: 'SF',
    waybillPrefix: 'SF',
    sims,
    gateway: () => gateway(),
    provider: 'sf',
    paths: { urge: SF, intercept: SF, redirect: SF, returnToSender: SF, redeliver: SF, claims: '/carrier/generic/v1/claims' },
  });

  it('uses EXP_RECE_WANTED_INTERCEPT service codes 1 (with newDestAddress), 2, 4 and the hold code, keyed by requestID', async () => {
    const base = { carrier: 'SF' as const, waybillNo: 'SF100', reason: 'r' };
    await gateway().redirect({ ...base, idempotencyKey: 'k1', newAddress: NEW_ADDRESS });
    await gateway().returnToSender({ ...base, idempotencyKey: 'k2' });
    await gateway().redeliver({ ...base, idempotencyKey: 'k3' });
    await gateway().intercept({ ...base, idempotencyKey: 'k4' });
    expect(msgData('redirect', 'k1')).toMatchObject({
      waybillNo: 'SF100',
      serviceCode: '1',
      newDestAddress: { contact: '王师傅', phone: '13800138000', province: '广东省', city: '深圳市', county: '南山区', address: '科技园路1号' },
    });
    expect(msgData('return', 'k2')).toMatchObject({ serviceCode: '2' });
    expect(msgData('redeliver', 'k3')).toMatchObject({ serviceCode: '4' });
    expect(msgData('intercept', 'k4')).toMatchObject({ serviceCode: '5' });
    const [entry] = sims().ledger.entries({ operation: 'return', idempotencyKey: 'k2' });
    expect(entry?.request).toMatchObject({ body: { requestID: 'k2', serviceCode: 'EXP_RECE_WANTED_INTERCEPT', partnerID: 'sf-dev-partner' } });
  });

  it('a wrong checkWord (A1006) throws a retryable error and does nothing', async () => {
    const error = await thrown(() =>
      gateway({ checkWord: 'not-the-checkword' }).intercept({ idempotencyKey: 'k', carrier: 'SF', waybillNo: 'SF1', reason: 'r' }),
    );
    expect(error).toBeInstanceOf(CarrierProtocolError);
    expectRetryable(error);
    expect((error as Error).message).toContain('A1006');
    expect(sims().ledger.entries()).toEqual([]);
  });

  it('can send urges through the generic API, since real SF has no urge service', async () => {
    await gateway({ urgeServiceCode: null }).urge({ idempotencyKey: 'u1', carrier: 'SF', waybillNo: 'SF2', reason: '催件' });
    expect(requestPath(sims().ledger.entries({ operation: 'urge' })[0])).toBe('/carrier/generic/v1/urge');
  });

  it('maps route opCodes to the canonical status and keeps the opCode', async () => {
    const at = (h: number) => new Date(Date.UTC(2024, 4, 1, h, 0, 0)).toISOString();
    const push = (eventId: string, h: number, extra: Record<string, string>) =>
      rememberTrackingEvent(sims(), { eventId, waybillNo: 'SF900', carrier: 'SF', status: 'InTransit', occurredAt: at(h), ...extra });
    await push('e1', 1, { status: 'InfoReceived', location: '深圳市', description: '顺丰速运 已收取快件' });
    await push('e2', 2, { status: 'OutForDelivery', description: '快件派送中' });
    await push('e3', 3, { status: 'AttemptFail', description: '客户拒收' });
    await push('e4', 4, { status: 'Exception', subStatus: 'returning_to_sender', description: '快件退回中' });
    await push('e5', 5, { status: 'Delivered', rawCode: '80', description: '已签收' });
    const events = await gateway().track({ carrier: 'SF', waybillNo: 'SF900' });
    expect(events.map((e) => [e.status, e.subStatus, e.rawCode, e.occurredAt])).toEqual([
      ['InfoReceived', undefined, '50', at(1)],
      ['OutForDelivery', undefined, '44', at(2)],
      ['Exception', 'refused', '70', at(3)],
      ['Exception', 'returning_to_sender', '99', at(4)],
      ['Delivered', undefined, '80', at(5)],
    ]);
    expect(events[0]).toMatchObject({ location: '深圳市', description: '顺丰速运 已收取快件', provider: 'sf' });
  });

  it.each([
    ['30', '', 'InTransit', undefined],
    ['130', '', 'AvailableForPickup', undefined],
    ['70', '派送不成功', 'AttemptFail', 'delivery_failed'],
    ['70', '外包装破损', 'Exception', 'damaged'],
    ['33', '', 'Exception', 'processing_delay'],
    ['12345', '', 'InTransit', undefined],
  ])('opCode %s (%s) is %s/%s', (opCode, remark, status, subStatus) => {
    expect(sfRouteStatus(opCode, remark)).toEqual({ status, ...(subStatus ? { subStatus } : {}) });
  });
});
