import { deferredToOpenCase, exceptionTextOf, isNews, milestoneOf, progressRank, templateOf, type MilestoneEvent } from '../../domain/milestones';
import { renderTemplate } from '../../domain/notification-templates';

const event = (fields: Partial<MilestoneEvent>): MilestoneEvent => ({
  eventId: 'ev-1',
  provider: 'generic',
  carrier: 'SF',
  status: 'InTransit',
  occurredAt: '2026-11-24T10:00:00+08:00',
  ...fields,
});

describe('milestoneOf: every canonical status and the carrier codes that refine it', () => {
  test.each<[string, Partial<MilestoneEvent>, string | undefined]>([
    ['pending', { status: 'Pending' }, undefined],
    ['label created', { status: 'InfoReceived' }, undefined],
    ['kuaidi100 state 1 (攬收) on an InfoReceived', { provider: 'kuaidi100', status: 'InfoReceived', rawCode: '1' }, 'shipped'],
    ['first scan in transit', { status: 'InTransit', description: '快件已发出' }, 'shipped'],
    ['kuaidi100 103 已攬收', { provider: 'kuaidi100', status: 'InTransit', rawCode: '103' }, 'shipped'],
    ['SF opCode 50 順豐已收件', { provider: 'generic', carrier: 'SF', status: 'InTransit', rawCode: '50' }, 'shipped'],
    ['SF opCode 50 means nothing for JD', { provider: 'generic', carrier: 'JD', status: 'InTransit', rawCode: '50' }, 'shipped'],
    ['kuaidi100 1001 到達派件城市', { provider: 'kuaidi100', status: 'InTransit', rawCode: '1001' }, 'in_destination_city'],
    ['scan text 到达派件城市', { status: 'InTransit', description: '快件已到达派件城市【上海】' }, 'in_destination_city'],
    ['scan text 到达目的地城市', { status: 'InTransit', description: '已到达目的地城市' }, 'in_destination_city'],
    ['a plain transit scan elsewhere', { status: 'InTransit', description: '快件已到达【杭州转运中心】', location: '杭州' }, 'shipped'],
    ['out for delivery', { status: 'OutForDelivery' }, 'out_for_delivery'],
    ['kuaidi100 501 投櫃或驛站 pushed as OutForDelivery', { provider: 'kuaidi100', status: 'OutForDelivery', rawCode: '501' }, 'awaiting_pickup'],
    ['locker / station', { status: 'AvailableForPickup' }, 'awaiting_pickup'],
    ['delivered', { status: 'Delivered' }, 'signed'],
    ['exception with a reason', { status: 'Exception', subStatus: 'weather' }, 'exception:weather'],
    ['exception without a reason', { status: 'Exception' }, 'exception:other'],
    ['failed attempt', { status: 'AttemptFail' }, 'exception:delivery_failed'],
    ['expired', { status: 'Expired' }, 'exception:expired'],
  ])('%s', (_name, fields, expected) => {
    expect(milestoneOf(event(fields))).toBe(expected);
  });

  test('a scan in the destination city counts as arrival there when the order knows the city', () => {
    expect(milestoneOf(event({ location: '上海市浦东新区' }), { destinationCity: '上海' })).toBe('in_destination_city');
    expect(milestoneOf(event({ location: '杭州市' }), { destinationCity: '上海' })).toBe('shipped');
  });
});

describe('which milestones are news', () => {
  test('progress only moves forward; exceptions are always news', () => {
    expect(isNews('shipped', undefined)).toBe(true);
    expect(isNews('out_for_delivery', progressRank('shipped'))).toBe(true);
    expect(isNews('out_for_delivery', progressRank('signed'))).toBe(false);
    expect(isNews('shipped', progressRank('shipped'))).toBe(false);
    expect(isNews('exception:damaged', progressRank('signed'))).toBe(true);
  });

  test('signed and exceptions defer to an open case; progress steps never do', () => {
    expect(deferredToOpenCase('signed')).toBe(true);
    expect(deferredToOpenCase('exception:lost')).toBe(true);
    for (const step of ['shipped', 'in_destination_city', 'out_for_delivery', 'awaiting_pickup'] as const) expect(deferredToOpenCase(step)).toBe(false);
  });
});

describe('templates of the milestones', () => {
  const params = { customerName: '张先生', orderId: 'SO-1', waybillNo: 'SF1', carrierName: '顺丰速运', location: '上海', exceptionText: '' };
  test.each(['shipped', 'in_destination_city', 'out_for_delivery', 'awaiting_pickup', 'signed', 'exception:weather'] as const)('%s renders', (m) => {
    const message = renderTemplate(templateOf(m), { ...params, exceptionText: exceptionTextOf(m) });
    expect(message.body).toContain('SF1');
    expect(message.body).not.toMatch(/\{\w+\}/);
  });
  test('an exception names its reason', () => {
    expect(exceptionTextOf('exception:weather')).toBe('受天气影响，运输延误');
    expect(renderTemplate('milestone.exception', { ...params, exceptionText: exceptionTextOf('exception:lost') }).body).toContain('疑似遗失');
  });
});
