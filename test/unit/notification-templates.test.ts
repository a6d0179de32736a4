import { CARRIER_NAMES_ZH, TEMPLATE_IDS, type TemplateId, defaultChannels, renderTemplate } from '../../domain/notification-templates';
import { CARRIERS, NOTIFICATION_CHANNELS, type NotificationChannel } from '../../domain/types';

const CASE_ID = 'CASE-20261123-0042';

/** Distinct, recognisable values so each can be found in the rendered text. */
const VALUES: Record<string, string> = {
  caseId: CASE_ID,
  customerName: '张先生',
  orderId: 'ORD-778899',
  waybillNo: 'SF1234567890',
  incidentCause: '恶劣天气',
  incidentMessage: '暴雨红色预警，派送暂停',
  expectedEndText: '预计北京时间2026-11-25 18:00恢复。',
  carrierName: '顺丰速运',
  dueText: '11月24日 18:00',
  type: 'DELAYED',
  priority: 'urgent',
  tier: '2',
  assignee: 'supervisor:lihua',
  reason: 'firstResponse SLA breached',
  clock: '首次响应',
  percent: '75',
  summary: '已补发缺件',
  what: '外包装照片',
  text: '您好，已为您催件，明天回电',
  request: '请补发正确配件',
  reminder: '2',
  amountText: '¥120.00',
  newWaybillNo: 'JD0099887766',
  address: '广东省广州市白云区石井街道',
  returnWaybillNo: 'SF5550001111',
  count: '2',
  location: '上海市',
  exceptionText: '受天气影响，运输延误',
};

/**
 * Finds the parameters a template needs the way a caller would: render, read the name of the
 * missing parameter from the error, supply it, repeat.
 */
function requiredParams(id: TemplateId): string[] {
  const names: string[] = [];
  const params: Record<string, string> = {};
  for (let attempt = 0; attempt < 50; attempt += 1) {
    try {
      renderTemplate(id, params);
      return names;
    } catch (error) {
      const match = /needs parameter "(\w+)"/.exec((error as Error).message);
      if (!match?.[1]) throw error;
      const name = match[1];
      if (names.includes(name)) throw new Error(`asked twice for ${name}`, { cause: error });
      names.push(name);
      params[name] = VALUES[name] ?? `<${name}>`;
    }
  }
  throw new Error(`template ${id} never rendered`);
}

const CUSTOMER_TEMPLATES = TEMPLATE_IDS.filter((id) => !id.startsWith('staff.'));
const STAFF_TEMPLATES = TEMPLATE_IDS.filter((id) => id.startsWith('staff.'));
const HAN = /\p{Script=Han}/u;

describe('renderTemplate', () => {
  test('fills every placeholder of the acknowledgement', () => {
    const message = renderTemplate('case.acknowledged', {
      customerName: '张先生',
      orderId: 'ORD-1',
      waybillNo: 'SF1',
      caseId: CASE_ID,
      dueText: '明天 18:00',
    });
    expect(message).toEqual({
      smsCode: 'SMS_CASE_ACK',
      title: '物流异常已受理',
      body: `张先生您好，您的订单ORD-1（运单SF1）的物流异常已受理，案件号${CASE_ID}。我们会尽快处理，预计明天 18:00前给您答复。`,
    });
  });

  test('throws naming the missing parameter instead of sending a blank', () => {
    expect(() => renderTemplate('case.acknowledged', { customerName: '张先生', orderId: 'O', waybillNo: 'W', caseId: CASE_ID })).toThrow(
      'template case.acknowledged needs parameter "dueText"',
    );
    expect(() => renderTemplate('survey.request', {})).toThrow(/survey\.request.*"caseId"/);
  });

  test('an empty string is a value, not a missing parameter', () => {
    expect(renderTemplate('case.closed', { caseId: '' }).body).toBe('案件已结案，感谢您对枫车的信任。');
  });

  test('inserts values verbatim without expanding placeholders inside them', () => {
    const body = renderTemplate('case.closed', { caseId: '{caseId}$&' }).body;
    expect(body).toBe('案件{caseId}$&已结案，感谢您对枫车的信任。');
  });

  test('ignores extra parameters', () => {
    expect(renderTemplate('survey.reminder', { caseId: CASE_ID, unused: 'x' }).body).toContain(CASE_ID);
  });

  test.each(TEMPLATE_IDS)('%s renders with its full parameter set, leaving no placeholder', (id) => {
    const names = requiredParams(id);
    expect(names.length).toBeGreaterThan(0);
    const params = Object.fromEntries(names.map((name) => [name, VALUES[name] ?? `<${name}>`]));
    const message = renderTemplate(id, params);
    expect(message.body).not.toMatch(/\{\w+\}/);
    expect(message.title).not.toMatch(/\{\w+\}/);
    for (const name of names) expect(message.body).toContain(params[name]);
    expect(message.smsCode).toMatch(/^SMS_[A-Z_]+$/);
  });

  test('every template has its own SMS code', () => {
    const codes = TEMPLATE_IDS.map((id) => renderTemplate(id, new Proxy({}, { get: () => 'x' }) as Record<string, string>).smsCode);
    expect(new Set(codes).size).toBe(TEMPLATE_IDS.length);
  });
});

describe('customer templates', () => {
  test.each(CUSTOMER_TEMPLATES)('%s is Chinese text', (id) => {
    const message = renderTemplate(id, VALUES);
    expect(message.title).toMatch(HAN);
    expect(message.body).toMatch(HAN);
  });

  // case.carrier_urged is the exception: it identifies the parcel by waybill and carrier instead.
  // Shipment milestones belong to no case: they name the waybill (below).
  test.each(CUSTOMER_TEMPLATES.filter((id) => id !== 'case.carrier_urged' && !id.startsWith('milestone.')))('%s names the case id', (id) => {
    expect(renderTemplate(id, VALUES).body).toContain(CASE_ID);
  });

  test.each(CUSTOMER_TEMPLATES.filter((id) => id.startsWith('milestone.')))('%s names the waybill', (id) => {
    expect(renderTemplate(id, VALUES).body).toContain('SF1234567890');
  });

  test('the urge notice names the waybill and the carrier', () => {
    const body = renderTemplate('case.carrier_urged', VALUES).body;
    expect(body).toContain('SF1234567890');
    expect(body).toContain('顺丰速运');
  });
});

describe('staff templates', () => {
  test.each(STAFF_TEMPLATES)('%s names the case id', (id) => {
    expect(renderTemplate(id, VALUES).body).toContain(CASE_ID);
  });

  test('the escalation notice carries tier, assignee and reason', () => {
    const body = renderTemplate('staff.escalated', VALUES).body;
    expect(body).toContain('升级至第2级（supervisor:lihua）');
    expect(body).toContain('原因：firstResponse SLA breached');
  });

  test('the SLA warning carries the clock, the percentage and the due time', () => {
    expect(renderTemplate('staff.sla_warning', VALUES).body).toContain('首次响应已用75%，将于11月24日 18:00超时');
  });
});

describe('CARRIER_NAMES_ZH', () => {
  test.each(CARRIERS)('has a Chinese name for %s', (carrier) => {
    expect(CARRIER_NAMES_ZH[carrier]).toMatch(HAN);
  });
});

describe('defaultChannels', () => {
  test.each<[string, NotificationChannel[] | undefined, NotificationChannel[]]>([
    ['no preference', undefined, ['sms', 'inapp']],
    ['an empty preference', [], ['sms', 'inapp']],
    ['WeCom only', ['wecom'], ['wecom']],
    ['all channels', [...NOTIFICATION_CHANNELS], ['sms', 'inapp', 'wecom']],
  ])('%s gives %j', (_label, channels, expected) => {
    expect(defaultChannels(channels)).toEqual(expected);
  });

  test('returns a copy the caller may change', () => {
    const preference: NotificationChannel[] = ['inapp'];
    const channels = defaultChannels(preference);
    channels.push('sms');
    expect(preference).toEqual(['inapp']);
  });
});
