import type { NotificationChannel } from './types';

/**
 * Customer and staff messages, zh-CN first. The SMS gateway renders its own registered template
 * (we send its code and parameters); in-app and WeCom messages are rendered here.
 */

export const TEMPLATE_IDS = [
  'case.acknowledged',
  'case.carrier_urged',
  'case.delivered',
  'survey.request',
  'survey.reminder',
  'case.closed',
  'staff.escalated',
  'staff.sla_warning',
] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

interface Template {
  /** Code of the template registered with the SMS provider. */
  smsCode: string;
  title: string;
  body: string;
}

const TEMPLATES: Record<TemplateId, Template> = {
  'case.acknowledged': {
    smsCode: 'SMS_CASE_ACK',
    title: '物流异常已受理',
    body: '{customerName}您好，您的订单{orderId}（运单{waybillNo}）的物流异常已受理，案件号{caseId}。我们会尽快处理，预计{dueText}前给您答复。',
  },
  'case.carrier_urged': {
    smsCode: 'SMS_CASE_URGED',
    title: '已为您催促承运商',
    body: '您的运单{waybillNo}已向{carrierName}催件（案件号{caseId}），包裹有新动态会第一时间通知您。',
  },
  'case.delivered': {
    smsCode: 'SMS_CASE_DELIVERED',
    title: '包裹已签收',
    body: '您的运单{waybillNo}已签收，案件{caseId}已处理完毕。感谢您的耐心等待。',
  },
  'survey.request': {
    smsCode: 'SMS_SURVEY',
    title: '请为本次服务评分',
    body: '案件{caseId}已处理完毕，请回复1-5分为本次服务评分（5分为非常满意）。',
  },
  'survey.reminder': {
    smsCode: 'SMS_SURVEY_REMINDER',
    title: '期待您的评价',
    body: '案件{caseId}的服务评价尚未完成，回复1-5分即可，感谢您的支持。',
  },
  'case.closed': {
    smsCode: 'SMS_CASE_CLOSED',
    title: '案件已结案',
    body: '案件{caseId}已结案，感谢您对枫车的信任。',
  },
  'staff.escalated': {
    smsCode: 'SMS_STAFF_ESCALATED',
    title: '案件升级',
    body: '**案件升级** {caseId}\n> 类型：{type}　优先级：{priority}\n> 升级至第{tier}级（{assignee}），原因：{reason}\n> 运单：{carrierName} {waybillNo}',
  },
  'staff.sla_warning': {
    smsCode: 'SMS_STAFF_SLA_WARNING',
    title: 'SLA预警',
    body: '**SLA预警** {caseId}\n> {clock}已用{percent}%，将于{dueText}超时',
  },
};

export const CARRIER_NAMES_ZH: Record<string, string> = {
  JD: '京东物流',
  SF: '顺丰速运',
  HUOLALA: '货拉拉',
  SHENGSHENG: '省省回头车',
  OTHER: '承运商',
};

export interface RenderedMessage {
  smsCode: string;
  title: string;
  body: string;
}

/** Fills `{name}` placeholders; a missing parameter is an error, not a blank in a customer SMS. */
export function renderTemplate(id: TemplateId, params: Record<string, string>): RenderedMessage {
  const template = TEMPLATES[id];
  const fill = (text: string) =>
    text.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`template ${id} needs parameter "${name}"`);
      return value;
    });
  return { smsCode: template.smsCode, title: fill(template.title), body: fill(template.body) };
}

export function defaultChannels(channels: readonly NotificationChannel[] | undefined): NotificationChannel[] {
  return channels && channels.length ? [...channels] : ['sms', 'inapp'];
}
