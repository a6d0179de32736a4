import { AFTERSHIP_SUBTAGS, carrierOfAftershipSlug, mapAftershipTag } from '../../domain/aftership-tags';
import { autoOpenType } from '../../domain/auto-open';
import { carrierOfKuaidi100Com, KUAIDI100_STATES, mapKuaidi100State } from '../../domain/kuaidi100-states';
import { EXCEPTION_SUB_STATUSES } from '../../domain/tracking';
import { parseAftershipPush, parseKuaidi100Param } from '../../api/webhooks/provider-pushes';

/** Every provider code, one row each: the canonical status it means and the case it opens. */

const KUAIDI100: [string, string, string | undefined, string | undefined][] = [
  // state, status, subStatus, the case type it opens on a waybill with no open case
  ['0', 'InTransit', undefined, undefined],
  ['1001', 'InTransit', undefined, undefined],
  ['1002', 'InTransit', undefined, undefined],
  ['1003', 'InTransit', undefined, undefined],
  ['1', 'InfoReceived', undefined, undefined],
  ['101', 'InfoReceived', undefined, undefined],
  ['102', 'InfoReceived', undefined, undefined],
  ['103', 'InfoReceived', undefined, undefined],
  ['2', 'Exception', 'other', 'DELAYED'],
  ['201', 'Exception', 'not_signed_in_time', 'DELAYED'],
  ['202', 'Exception', 'no_update', 'DELAYED'],
  ['203', 'Exception', 'refused', 'REFUSED'],
  ['204', 'AttemptFail', 'delivery_failed', 'REFUSED'],
  ['205', 'Exception', 'not_picked_up', 'REFUSED'],
  ['206', 'AttemptFail', 'delivery_failed', 'REFUSED'],
  ['207', 'Exception', 'incorrect_address', 'ADDRESS_CHANGE'],
  ['208', 'Exception', 'processing_delay', 'DELAYED'],
  ['209', 'Exception', 'damaged', 'DAMAGED'],
  ['210', 'Exception', 'other', 'DELAYED'],
  ['211', 'Exception', 'other', 'DELAYED'],
  ['3', 'Delivered', undefined, undefined],
  ['301', 'Delivered', undefined, undefined],
  ['302', 'Delivered', undefined, undefined],
  ['303', 'Delivered', undefined, undefined],
  ['304', 'Delivered', undefined, undefined],
  ['4', 'Exception', 'returned_to_sender', 'INTERCEPT'],
  ['401', 'Exception', 'returned_to_sender', 'INTERCEPT'],
  ['5', 'OutForDelivery', undefined, undefined],
  ['501', 'AvailableForPickup', undefined, undefined],
  ['502', 'AvailableForPickup', undefined, undefined],
  ['6', 'Exception', 'returning_to_sender', 'INTERCEPT'],
  ['7', 'InTransit', undefined, undefined],
  ['8', 'InTransit', undefined, undefined],
  ['10', 'InTransit', undefined, undefined],
  ['11', 'InTransit', undefined, undefined],
  ['12', 'InTransit', undefined, undefined],
  ['13', 'Exception', 'customs', 'DELAYED'],
  ['14', 'Exception', 'refused', 'REFUSED'],
  // Not a Kuaidi100 code: mapped, never refused.
  ['99', 'Exception', 'unknown', 'DELAYED'],
  ['2999', 'Exception', 'unknown', 'DELAYED'],
];

const AFTERSHIP: [string, string | undefined, string, string | undefined, string | undefined][] = [
  ['Pending', 'Pending_001', 'Pending', undefined, undefined],
  ['Pending', 'Pending_002', 'Pending', undefined, undefined],
  ['Pending', 'Pending_003', 'Pending', undefined, undefined],
  ['Pending', 'Pending_004', 'Pending', undefined, undefined],
  ['Pending', 'Pending_005', 'Pending', undefined, undefined],
  ['Pending', 'Pending_006', 'Pending', undefined, undefined],
  ['InfoReceived', 'InfoReceived_001', 'InfoReceived', undefined, undefined],
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n): [string, string, string, undefined, undefined] => [
    'InTransit',
    `InTransit_00${n}`,
    'InTransit',
    undefined,
    undefined,
  ]),
  ['OutForDelivery', 'OutForDelivery_001', 'OutForDelivery', undefined, undefined],
  ['OutForDelivery', 'OutForDelivery_003', 'OutForDelivery', undefined, undefined],
  ['OutForDelivery', 'OutForDelivery_004', 'OutForDelivery', undefined, undefined],
  ['AvailableForPickup', 'AvailableForPickup_001', 'AvailableForPickup', undefined, undefined],
  ['Delivered', 'Delivered_001', 'Delivered', undefined, undefined],
  ['Delivered', 'Delivered_002', 'Delivered', undefined, undefined],
  ['Delivered', 'Delivered_003', 'Delivered', undefined, undefined],
  ['Delivered', 'Delivered_004', 'Delivered', undefined, undefined],
  ['AttemptFail', 'AttemptFail_001', 'AttemptFail', 'delivery_failed', 'REFUSED'],
  ['AttemptFail', 'AttemptFail_002', 'AttemptFail', 'delivery_failed', 'REFUSED'],
  ['AttemptFail', 'AttemptFail_003', 'AttemptFail', 'delivery_failed', 'REFUSED'],
  ['Exception', 'Exception_001', 'Exception', 'other', 'DELAYED'],
  ['Exception', 'Exception_002', 'Exception', 'incorrect_address', 'ADDRESS_CHANGE'],
  ['Exception', 'Exception_003', 'Exception', 'refused', 'REFUSED'],
  ['Exception', 'Exception_004', 'Exception', 'customs', 'DELAYED'],
  ['Exception', 'Exception_005', 'Exception', 'weather', 'DELAYED'],
  ['Exception', 'Exception_006', 'Exception', 'other', 'DELAYED'],
  ['Exception', 'Exception_007', 'Exception', 'incorrect_address', 'ADDRESS_CHANGE'],
  ['Exception', 'Exception_008', 'Exception', 'not_picked_up', 'REFUSED'],
  ['Exception', 'Exception_009', 'Exception', 'other', 'DELAYED'],
  ['Exception', 'Exception_010', 'Exception', 'returning_to_sender', 'INTERCEPT'],
  ['Exception', 'Exception_011', 'Exception', 'returned_to_sender', 'INTERCEPT'],
  ['Exception', 'Exception_012', 'Exception', 'damaged', 'DAMAGED'],
  ['Exception', 'Exception_013', 'Exception', 'lost', 'LOST'],
  ['Exception', 'Exception_014', 'Exception', 'processing_delay', 'DELAYED'],
  ['Exception', 'Exception_015', 'Exception', 'customs', 'DELAYED'],
  ['Exception', 'Exception_016', 'Exception', 'other', 'DELAYED'],
  ['Exception', 'Exception_017', 'Exception', 'incorrect_address', 'ADDRESS_CHANGE'],
  ['Exception', 'Exception_018', 'Exception', 'other', 'DELAYED'],
  ['Expired', 'Expired_001', 'Expired', undefined, 'DELAYED'],
  // Unknown subtags and tags: mapped, never refused.
  ['Exception', 'Exception_099', 'Exception', 'unknown', 'DELAYED'],
  ['InTransit', 'InTransit_099', 'InTransit', undefined, undefined],
  ['Teleported', undefined, 'Exception', 'unknown', 'DELAYED'],
  // A subtag that contradicts its tag: the tag decides.
  ['Delivered', 'Exception_013', 'Delivered', undefined, undefined],
];

describe('Kuaidi100 state codes', () => {
  it.each(KUAIDI100)('state %s → %s/%s, opens %s', (state, status, subStatus, opens) => {
    const mapped = mapKuaidi100State(state);
    expect([mapped.status, mapped.subStatus]).toEqual([status, subStatus]);
    expect(autoOpenType(mapped)).toBe(opens);
  });

  it('the table above covers every code the mapping knows', () => {
    expect(Object.keys(KUAIDI100_STATES).sort()).toEqual(
      KUAIDI100.map(([state]) => state)
        .filter((state) => !['99', '2999'].includes(state))
        .sort(),
    );
  });

  it.each([
    ['shunfeng', 'SF'],
    ['jd', 'JD'],
    ['huolala', 'HUOLALA'],
    ['zhongtong', 'OTHER'],
  ])('com %s is carrier %s', (com, carrier) => expect(carrierOfKuaidi100Com(com)).toBe(carrier));
});

describe('AfterShip tags and subtags', () => {
  it.each(AFTERSHIP)('%s/%s → %s/%s, opens %s', (tag, subtag, status, subStatus, opens) => {
    const mapped = mapAftershipTag(tag, subtag);
    expect([mapped.status, mapped.subStatus]).toEqual([status, subStatus]);
    expect(autoOpenType(mapped)).toBe(opens);
  });

  it('the table above covers every subtag the mapping knows, Exception_001 to Exception_018 included', () => {
    const tested = new Set(AFTERSHIP.map(([, subtag]) => subtag));
    expect(Object.keys(AFTERSHIP_SUBTAGS).filter((subtag) => !tested.has(subtag))).toEqual([]);
    for (let n = 1; n <= 18; n += 1) expect(AFTERSHIP_SUBTAGS).toHaveProperty(`Exception_${String(n).padStart(3, '0')}`);
  });

  it.each([
    ['sf-express', 'SF'],
    ['jd', 'JD'],
    ['fedex', 'OTHER'],
  ])('slug %s is carrier %s', (slug, carrier) => expect(carrierOfAftershipSlug(slug)).toBe(carrier));
});

it('every canonical exception sub-status opens a case of some type', () => {
  for (const subStatus of EXCEPTION_SUB_STATUSES) expect(autoOpenType({ status: 'Exception', subStatus })).toBeDefined();
});

describe('reading the pushes', () => {
  const received = new Date('2026-11-25T00:00:00Z');
  const kuaidi100Param = (state: string, data: unknown[]) =>
    JSON.stringify({
      status: 'polling',
      message: '',
      lastResult: { message: 'ok', state, status: '200', ischeck: '0', com: 'shunfeng', nu: 'SF1234567890', data },
    });
  const scans = [
    { context: '快件已破損，等待處理', time: '2026-11-24 18:30:00', ftime: '2026-11-24 18:30:00', status: '疑難', areaName: '上海市' },
    { context: '已攬收', time: '2026-11-24 09:00:00', ftime: '2026-11-24 09:00:00', status: '攬收', areaName: '深圳市' },
  ];

  it('a Kuaidi100 push becomes the canonical event of its newest scan, the raw state kept', () => {
    const parsed = parseKuaidi100Param(kuaidi100Param('209', scans), received);
    expect(parsed).toEqual({
      ok: true,
      event: expect.objectContaining({
        provider: 'kuaidi100',
        waybillNo: 'SF1234567890',
        carrier: 'SF',
        status: 'Exception',
        subStatus: 'damaged',
        rawCode: '209',
        occurredAt: '2026-11-24T10:30:00.000Z',
        location: '上海市',
        description: '快件已破損，等待處理',
      }),
    });
  });

  it('the derived Kuaidi100 event id is stable for a resent push and new for a new scan or state', () => {
    const id = (param: string) => {
      const parsed = parseKuaidi100Param(param, received);
      if (!parsed.ok) throw new Error(parsed.problems.join());
      return parsed.event.eventId;
    };
    const first = id(kuaidi100Param('209', scans));
    expect(id(kuaidi100Param('209', scans))).toBe(first);
    expect(id(kuaidi100Param('2', scans))).not.toBe(first);
    expect(id(kuaidi100Param('209', [{ ...scans[0], ftime: '2026-11-24 19:00:00' }, ...scans]))).not.toBe(first);
    expect(id(kuaidi100Param('209', [{ ...scans[0], context: '另一段描述' }, scans[1]]))).not.toBe(first);
  });

  it.each([
    ['not JSON', '{'],
    ['no lastResult', JSON.stringify({ status: 'polling' })],
    ['no waybill', JSON.stringify({ lastResult: { state: '0', com: 'jd', data: [] } })],
    ['a state that is no code', JSON.stringify({ lastResult: { nu: 'JD0001234', state: 'lost', com: 'jd', data: [] } })],
    ['a date that is none', JSON.stringify({ lastResult: { nu: 'JD0001234', state: '0', com: 'jd', data: [{ ftime: 'yesterday', context: 'x' }] } })],
  ])('a Kuaidi100 param with %s is refused with the reason', (_what, param) => {
    const parsed = parseKuaidi100Param(param, received);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.join()).not.toBe('');
  });

  it('an AfterShip webhook becomes the canonical event of its latest checkpoint', () => {
    const body = {
      event: 'tracking_update',
      event_id: '7f7c3c0e-0000-4000-8000-000000000001',
      msg: {
        tracking_number: 'SF1234567890',
        slug: 'sf-express',
        tag: 'Exception',
        subtag: 'Exception_013',
        checkpoints: [
          { checkpoint_time: '2026-11-24T09:00:00+08:00', message: 'Picked up', location: '深圳市', tag: 'InTransit' },
          { checkpoint_time: '2026-11-24T20:00:00+08:00', message: 'Shipment lost', location: '上海市', tag: 'Exception' },
        ],
      },
    };
    expect(parseAftershipPush(body, received)).toEqual({
      ok: true,
      event: {
        eventId: body.event_id,
        provider: 'aftership',
        waybillNo: 'SF1234567890',
        carrier: 'SF',
        status: 'Exception',
        subStatus: 'lost',
        rawCode: 'Exception_013',
        occurredAt: '2026-11-24T12:00:00.000Z',
        location: '上海市',
        description: 'Shipment lost',
      },
    });
  });

  it('an AfterShip body without event id or tracking number is refused with the reason', () => {
    const parsed = parseAftershipPush({ msg: { slug: 'jd', tag: 'InTransit' } }, received);
    expect(parsed).toEqual({ ok: false, problems: [expect.stringMatching(/event_id/), expect.stringMatching(/tracking_number/)] });
  });
});
