import type { SendNotificationInput } from '../../activities/notifications/notify';

/** The acknowledgement SMS of a made-up case, under `key`: what the notification tests send. */
export function acknowledgementSms(caseId: string, key: string, phone = '13800138000'): SendNotificationInput {
  return {
    idempotencyKey: key,
    caseId,
    channel: 'sms',
    template: 'case.acknowledged',
    recipient: { userId: 'C-1', phone },
    params: { caseId, customerName: '张三汽修', orderId: 'SO-1', waybillNo: 'SF1', carrierName: '顺丰', dueText: '2小时内' },
  };
}
