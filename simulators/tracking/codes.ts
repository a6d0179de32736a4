import type { TrackingEvent } from './event';

/**
 * Translations from the canonical status to each partner's own codes. Real partners have many more
 * codes; these cover what the product maps back, and an event's rawCode wins when it already is a
 * code of the target format.
 */

// Kuaidi100 `state`: main states plus the documented sub-states (resultv2), e.g. 201 超時未簽收.
const KUAIDI100_CODES = new Set([
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '10',
  '11',
  '12',
  '13',
  '14',
  '101',
  '102',
  '103',
  '201',
  '202',
  '203',
  '204',
  '205',
  '206',
  '207',
  '208',
  '209',
  '210',
  '211',
  '301',
  '302',
  '303',
  '304',
  '401',
  '501',
  '502',
  '1001',
  '1002',
  '1003',
]);

const KUAIDI100_NAMES: Record<string, string> = {
  '0': '在途',
  '1': '揽收',
  '2': '疑难',
  '3': '签收',
  '4': '退签',
  '5': '派件',
  '6': '退回',
  '7': '转投',
  '8': '清关',
  '14': '拒签',
};

/** Canonical exception sub-statuses Kuaidi100 reports with a 2xx problem sub-state (resultv2). */
const KUAIDI100_PROBLEM_STATES: Record<string, string> = {
  not_signed_in_time: '201',
  no_update: '202',
  delivery_failed: '204',
  not_picked_up: '205',
  incorrect_address: '207',
  processing_delay: '208',
  damaged: '209',
  customs: '13',
};

export function kuaidi100State(event: TrackingEvent): string {
  if (event.rawCode !== undefined && KUAIDI100_CODES.has(event.rawCode)) return event.rawCode;
  const sub = event.subStatus ?? '';
  switch (event.status) {
    case 'InfoReceived':
      return '1';
    case 'OutForDelivery':
    case 'AvailableForPickup':
      return '5';
    case 'Delivered':
      return '3';
    case 'AttemptFail':
      return '204';
    case 'Exception':
    case 'Expired':
      if (/refus/i.test(sub)) return '14';
      if (/returned|return_signed/i.test(sub)) return '4';
      if (/return/i.test(sub)) return '6';
      return KUAIDI100_PROBLEM_STATES[sub] ?? '2';
    default:
      return '0';
  }
}

/** The Chinese name of a state; sub-states are named after their main state (first digit). */
export function kuaidi100StateName(state: string): string {
  return KUAIDI100_NAMES[state] ?? KUAIDI100_NAMES[state.charAt(0)] ?? '在途';
}

const KUAIDI100_COM: Record<string, string> = {
  sf: 'shunfeng',
  shunfeng: 'shunfeng',
  jd: 'jd',
  ems: 'ems',
  zto: 'zhongtong',
  yto: 'yuantong',
  sto: 'shentong',
  yunda: 'yunda',
  debang: 'debangwuliu',
};

export function kuaidi100Com(carrier: string): string {
  const key = carrier.toLowerCase();
  return KUAIDI100_COM[key] ?? key;
}

const AFTERSHIP_SLUG: Record<string, string> = {
  sf: 'sf-express',
  shunfeng: 'sf-express',
  jd: 'jd',
  ems: 'china-ems',
  zto: 'zto-express',
  yto: 'yto',
  sto: 'sto',
  yunda: 'yunda',
};

export function aftershipSlug(carrier: string): string {
  const key = carrier.toLowerCase();
  return AFTERSHIP_SLUG[key] ?? key;
}

/** The AfterShip Exception_0xx subtag of each canonical exception sub-status. */
const AFTERSHIP_EXCEPTION_SUBTAGS: Record<string, string> = {
  incorrect_address: 'Exception_007',
  refused: 'Exception_003',
  customs: 'Exception_004',
  weather: 'Exception_005',
  not_picked_up: 'Exception_008',
  returning_to_sender: 'Exception_010',
  returned_to_sender: 'Exception_011',
  damaged: 'Exception_012',
  lost: 'Exception_013',
  processing_delay: 'Exception_014',
};

/**
 * AfterShip subtags look like InTransit_003: a subStatus that already is one is sent as it is; a
 * canonical exception sub-status becomes its Exception_0xx subtag; anything else is the tag's _001.
 */
export function aftershipSubtag(event: TrackingEvent): string {
  const sub = event.subStatus;
  if (sub !== undefined && /^[A-Za-z]+_\d{3}$/.test(sub)) return sub;
  if (event.status === 'Exception' && sub !== undefined) return AFTERSHIP_EXCEPTION_SUBTAGS[sub] ?? 'Exception_001';
  return `${event.status}_001`;
}

// SF route opCodes are numeric; these are the commonly seen ones (50 收件, 30 分拣, 44 派送中, 80 签收,
// 70 派送不成功, 99 退回).
const SF_OPCODE: Record<string, string> = {
  Pending: '50',
  InfoReceived: '50',
  InTransit: '30',
  OutForDelivery: '44',
  AvailableForPickup: '44',
  Delivered: '80',
  AttemptFail: '70',
  Exception: '70',
  Expired: '70',
};

export function sfOpCode(event: TrackingEvent): string {
  const isSf = /^(sf|shunfeng)$/i.test(event.carrier);
  if (isSf && event.rawCode !== undefined && /^\d+$/.test(event.rawCode)) return event.rawCode;
  if (/return/i.test(event.subStatus ?? '')) return '99';
  return SF_OPCODE[event.status] ?? '30';
}

const JD_TITLE: Record<string, string> = {
  Pending: '揽收任务分配',
  InfoReceived: '揽收完成',
  InTransit: '运输中',
  OutForDelivery: '配送员开始配送',
  AvailableForPickup: '已放入自提点',
  Delivered: '妥投',
  AttemptFail: '配送异常',
  Exception: '异常',
  Expired: '异常',
};

export function jdOperationTitle(event: TrackingEvent): string {
  const isJd = /^jd$/i.test(event.carrier);
  if (isJd && event.rawCode !== undefined && !/^\d+$/.test(event.rawCode)) return event.rawCode;
  return JD_TITLE[event.status] ?? '运输中';
}
