import type { NotificationChannel } from './types';

/**
 * Customer and staff messages, zh-CN first. The SMS gateway renders its own registered template
 * (we send its code and parameters); in-app and WeCom messages are rendered here.
 */

export const TEMPLATE_IDS = [
  'case.acknowledged',
  'case.carrier_urged',
  'case.delivered',
  'case.resolved',
  'evidence.request',
  'evidence.reminder',
  'case.cancelled',
  'case.reshipped',
  'case.redirected',
  'case.intercepted',
  'case.delivery_failed',
  'case.redelivery',
  'case.lost',
  'return.pickup',
  'return.received',
  'case.refunded',
  'claim.paid',
  'case.reopened',
  'survey.request',
  'survey.reminder',
  'case.closed',
  'incident.notice',
  'case.reply',
  'staff.escalated',
  'staff.sla_warning',
  'staff.assigned',
  'staff.reopened',
  'supplier.request',
  'supplier.reminder',
  'supplier.escalated',
  // Shipment milestones (主動觸達), told by the shipment-notices workflow (domain/milestones.ts).
  'milestone.shipped',
  'milestone.in_destination_city',
  'milestone.out_for_delivery',
  'milestone.awaiting_pickup',
  'milestone.signed',
  'milestone.exception',
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
  'case.resolved': {
    smsCode: 'SMS_CASE_RESOLVED',
    title: '案件已处理',
    body: '案件{caseId}（运单{waybillNo}）已处理完毕：{summary}。',
  },
  'evidence.request': {
    smsCode: 'SMS_EVIDENCE_REQUEST',
    title: '请补充材料',
    body: '为尽快处理案件{caseId}，请在门店App中上传：{what}。收到后我们会立即继续处理。',
  },
  'evidence.reminder': {
    smsCode: 'SMS_EVIDENCE_REMINDER',
    title: '材料尚未收到',
    body: '案件{caseId}仍在等待您上传：{what}。上传后我们会立即继续处理，逾期将按现有信息处理。',
  },
  'case.cancelled': {
    smsCode: 'SMS_CASE_CANCELLED',
    title: '案件已撤销',
    body: '案件{caseId}（运单{waybillNo}）已撤销：{reason}。如有疑问请联系客服。',
  },
  'case.reshipped': {
    smsCode: 'SMS_CASE_RESHIPPED',
    title: '配件已补发',
    body: '案件{caseId}：我们已为您补发配件，新运单号{newWaybillNo}，请留意查收。',
  },
  'case.redirected': {
    smsCode: 'SMS_CASE_REDIRECTED',
    title: '改址已生效',
    body: '您的运单{waybillNo}已由{carrierName}改派至：{address}（案件{caseId}）。',
  },
  'case.intercepted': {
    smsCode: 'SMS_CASE_INTERCEPTED',
    title: '包裹已拦截',
    body: '您的运单{waybillNo}已由{carrierName}拦截并退回（案件{caseId}），入库后将为您办理后续。',
  },
  'case.delivery_failed': {
    smsCode: 'SMS_CASE_DELIVERY_FAILED',
    title: '派送未成功',
    body: '{customerName}您好，运单{waybillNo}派送未成功（案件{caseId}）。请告知我们：再次派送、改址派送或退回，客服将为您安排。',
  },
  'case.redelivery': {
    smsCode: 'SMS_CASE_REDELIVERY',
    title: '已安排再次派送',
    body: '运单{waybillNo}已安排{carrierName}再次派送（案件{caseId}），请保持电话畅通。',
  },
  'case.lost': {
    smsCode: 'SMS_CASE_LOST',
    title: '包裹确认遗失',
    body: '很抱歉，运单{waybillNo}经核实已遗失（案件{caseId}）。我们将先行为您赔付或补发，无需等待承运商理赔。',
  },
  'return.pickup': {
    smsCode: 'SMS_RETURN_PICKUP',
    title: '退货取件已安排',
    body: '案件{caseId}：退货取件已安排，取件运单号{returnWaybillNo}，快递员将上门取件。',
  },
  'return.received': {
    smsCode: 'SMS_RETURN_RECEIVED',
    title: '退件已入库',
    body: '案件{caseId}：您退回的配件已入库，我们将尽快为您办理后续。',
  },
  'case.refunded': {
    smsCode: 'SMS_CASE_REFUNDED',
    title: '退款已到账',
    body: '案件{caseId}：{amountText}已退回您的账户，请注意查收。',
  },
  'claim.paid': {
    smsCode: 'SMS_CLAIM_PAID',
    title: '赔付已到账',
    body: '案件{caseId}：平台已先行赔付{amountText}，请注意查收。',
  },
  'case.reopened': {
    smsCode: 'SMS_CASE_REOPENED',
    title: '案件已重新受理',
    body: '{customerName}您好，案件{caseId}已重新受理，主管将尽快与您联系，给您满意的答复。',
  },
  'incident.notice': {
    smsCode: 'SMS_INCIDENT_NOTICE',
    title: '物流异常提醒',
    body: '{customerName}您好，受{incidentCause}影响，您的运单{waybillNo}可能延误（案件号{caseId}）：{incidentMessage}{expectedEndText}我们会持续跟进，给您带来不便敬请谅解。',
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
  // An agent's own words (`reply`): the text is theirs, the frame names the case.
  'case.reply': {
    smsCode: 'SMS_CASE_REPLY',
    title: '客服回复',
    body: '客服回复（案件{caseId}）：{text}',
  },
  'staff.assigned': {
    smsCode: 'SMS_STAFF_ASSIGNED',
    title: '案件指派',
    body: '**案件指派** {caseId}\n> 类型：{type}　优先级：{priority}　第{tier}级\n> 已指派给 {assignee}：{reason}',
  },
  'staff.reopened': {
    smsCode: 'SMS_STAFF_REOPENED',
    title: '案件重开',
    body: '**案件重开** {caseId}\n> 类型：{type}　第{tier}级（{assignee}）\n> 原因：{reason}，请回访客户并给出补救方案',
  },
  'supplier.request': {
    smsCode: 'SMS_SUPPLIER_REQUEST',
    title: '供应商跟进',
    body: '**供应商跟进** 案件{caseId}\n> 订单：{orderId}　运单：{waybillNo}\n> 请求：{request}\n> 请在{dueText}回复（补发请附新运单号）。',
  },
  'supplier.reminder': {
    smsCode: 'SMS_SUPPLIER_REMINDER',
    title: '供应商跟进提醒',
    body: '**供应商跟进提醒（第{reminder}次）** 案件{caseId}\n> 订单{orderId}（运单{waybillNo}）仍在等待贵司回复：{request}\n> 请在{dueText}回复。',
  },
  'supplier.escalated': {
    smsCode: 'SMS_SUPPLIER_ESCALATED',
    title: '供应商未回复升级',
    body: '**供应商未回复升级** 案件{caseId}\n> 贵司已被提醒{count}次，仍未回复订单{orderId}（运单{waybillNo}）的跟进请求：{request}\n> 请督促在{dueText}回复。',
  },
  'milestone.shipped': {
    smsCode: 'SMS_MILESTONE_SHIPPED',
    title: '包裹已揽收',
    body: '{customerName}您好，您的订单{orderId}已由{carrierName}揽收发出，运单号{waybillNo}。',
  },
  'milestone.in_destination_city': {
    smsCode: 'SMS_MILESTONE_DEST_CITY',
    title: '包裹已到达派件城市',
    body: '您的运单{waybillNo}（订单{orderId}）已到达派件城市{location}，即将安排派送。',
  },
  'milestone.out_for_delivery': {
    smsCode: 'SMS_MILESTONE_OUT_FOR_DELIVERY',
    title: '包裹派送中',
    body: '{customerName}您好，您的运单{waybillNo}正在派送中，{carrierName}快递员将尽快送达，请保持电话畅通。',
  },
  'milestone.awaiting_pickup': {
    smsCode: 'SMS_MILESTONE_AWAITING_PICKUP',
    title: '包裹待取件',
    body: '您的运单{waybillNo}已放入快递柜或驿站{location}，请尽快取件。',
  },
  'milestone.signed': {
    smsCode: 'SMS_MILESTONE_SIGNED',
    title: '包裹已签收',
    body: '您的运单{waybillNo}（订单{orderId}）已签收，感谢您选择枫车。如有问题请联系客服。',
  },
  'milestone.exception': {
    smsCode: 'SMS_MILESTONE_EXCEPTION',
    title: '物流异常提醒',
    body: '{customerName}您好，您的运单{waybillNo}{exceptionText}。我们已在跟进，有进展会第一时间通知您。',
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
