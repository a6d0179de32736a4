import { genericCarrierGateway } from '../../activities/carriers/generic-carrier';
import { carrierContract } from './carrier-contract';
import { rememberTrackingEvent, useSimulators } from './helpers';

const sims = useSimulators();
const gateway = () => genericCarrierGateway(`${sims().url}/carrier`);
const API = '/carrier/generic/v1';

describe('generic carrier open API adapter', () => {
  carrierContract({
    carrier: 'HUOLALA',
    waybillPrefix: 'HLL',
    sims,
    gateway,
    provider: 'generic',
    rawCodes: false,
    paths: {
      urge: `${API}/urge`,
      intercept: `${API}/intercept`,
      redirect: `${API}/redirect`,
      returnToSender: `${API}/return`,
      redeliver: `${API}/redeliver`,
      claims: `${API}/claims`,
    },
  });

  it('sends the key as Idempotency-Key and the address as given', async () => {
    await gateway().redirect({
      idempotencyKey: 'k-redirect',
      carrier: 'SHENGSHENG',
      waybillNo: 'SS1',
      reason: '改址',
      newAddress: { name: 'A', phone: '13800138000', province: 'P', city: 'C', district: 'D', detail: 'X' },
    });
    const [entry] = sims().ledger.entries({ operation: 'redirect', idempotencyKey: 'k-redirect' });
    expect(entry?.request).toMatchObject({
      body: { carrier: 'SHENGSHENG', waybillNo: 'SS1', newAddress: { name: 'A', detail: 'X' }, reason: '改址' },
    });
  });

  it('keeps the pushed event as it is when it is canonical already', async () => {
    await rememberTrackingEvent(sims(), {
      eventId: 'evt-1',
      waybillNo: 'HLL900',
      carrier: 'HUOLALA',
      status: 'Exception',
      subStatus: 'damaged',
      rawCode: 'DMG01',
      occurredAt: '2024-05-01T10:00:00.000Z',
      location: '深圳市',
      description: '货物破损',
    });
    expect(await gateway().track({ carrier: 'HUOLALA', waybillNo: 'HLL900' })).toEqual([
      {
        eventId: 'evt-1',
        provider: 'generic',
        waybillNo: 'HLL900',
        carrier: 'HUOLALA',
        status: 'Exception',
        subStatus: 'damaged',
        rawCode: 'DMG01',
        occurredAt: '2024-05-01T10:00:00.000Z',
        location: '深圳市',
        description: '货物破损',
      },
    ]);
  });

  it('turns a status outside the canonical enum into an exception that keeps the raw value', async () => {
    await rememberTrackingEvent(sims(), {
      eventId: 'evt-2',
      waybillNo: 'HLL901',
      carrier: 'HUOLALA',
      status: 'Teleported',
      occurredAt: '2024-05-01T10:00:00Z',
    });
    const [event] = await gateway().track({ carrier: 'HUOLALA', waybillNo: 'HLL901' });
    expect(event).toMatchObject({ status: 'Exception', subStatus: 'other', rawCode: 'Teleported' });
  });
});
