import type { Carrier } from './types';
import type { ExceptionSubStatus, TrackingStatus } from './tracking';

/**
 * Kuaidi100 (快遞100) subscription push codes → the canonical status. `lastResult.state` is the
 * main state (0–8, 14); with `resultv2` subscriptions it is the fine-grained sub-state (101, 201,
 * 1001, ...), whose first digits name the main state. Every code Kuaidi100 documents is listed;
 * an unknown one maps to Exception/unknown (never a failure), and the raw code stays on the event.
 */

export interface CanonicalCode {
  status: TrackingStatus;
  subStatus?: ExceptionSubStatus;
  /** The provider's own name of the code, for people reading the event. */
  name: string;
}

export const KUAIDI100_STATES: Readonly<Record<string, CanonicalCode>> = {
  '0': { status: 'InTransit', name: '在途' },
  '1001': { status: 'InTransit', name: '到達派件城市' },
  '1002': { status: 'InTransit', name: '幹線' },
  '1003': { status: 'InTransit', name: '轉遞' },
  '1': { status: 'InfoReceived', name: '攬收' },
  '101': { status: 'InfoReceived', name: '已下單' },
  '102': { status: 'InfoReceived', name: '待攬收' },
  '103': { status: 'InfoReceived', name: '已攬收' },
  '2': { status: 'Exception', subStatus: 'other', name: '疑難' },
  '201': { status: 'Exception', subStatus: 'not_signed_in_time', name: '超時未簽收' },
  '202': { status: 'Exception', subStatus: 'no_update', name: '超時未更新' },
  '203': { status: 'Exception', subStatus: 'refused', name: '拒收' },
  '204': { status: 'AttemptFail', subStatus: 'delivery_failed', name: '派件異常' },
  '205': { status: 'Exception', subStatus: 'not_picked_up', name: '櫃或驛站超時未取' },
  '206': { status: 'AttemptFail', subStatus: 'delivery_failed', name: '無法聯繫' },
  '207': { status: 'Exception', subStatus: 'incorrect_address', name: '超區' },
  '208': { status: 'Exception', subStatus: 'processing_delay', name: '滯留' },
  '209': { status: 'Exception', subStatus: 'damaged', name: '破損' },
  '210': { status: 'Exception', subStatus: 'other', name: '寄件人申請撤回' },
  '211': { status: 'Exception', subStatus: 'other', name: '驛站問題件' },
  '3': { status: 'Delivered', name: '簽收' },
  '301': { status: 'Delivered', name: '本人簽收' },
  '302': { status: 'Delivered', name: '派件異常後簽收' },
  '303': { status: 'Delivered', name: '代簽' },
  '304': { status: 'Delivered', name: '投櫃或站簽收' },
  '4': { status: 'Exception', subStatus: 'returned_to_sender', name: '退簽' },
  '401': { status: 'Exception', subStatus: 'returned_to_sender', name: '已銷單（退簽）' },
  '5': { status: 'OutForDelivery', name: '派件' },
  '501': { status: 'AvailableForPickup', name: '投櫃或驛站' },
  '502': { status: 'AvailableForPickup', name: '驛站待取' },
  '6': { status: 'Exception', subStatus: 'returning_to_sender', name: '退回' },
  '7': { status: 'InTransit', name: '轉投' },
  '8': { status: 'InTransit', name: '清關' },
  '10': { status: 'InTransit', name: '待清關' },
  '11': { status: 'InTransit', name: '清關中' },
  '12': { status: 'InTransit', name: '已清關' },
  '13': { status: 'Exception', subStatus: 'customs', name: '清關異常' },
  '14': { status: 'Exception', subStatus: 'refused', name: '拒簽' },
};

const UNKNOWN: CanonicalCode = { status: 'Exception', subStatus: 'unknown', name: '未知狀態' };

/** The canonical status of a Kuaidi100 state; an unknown code is Exception/unknown. */
export function mapKuaidi100State(state: string): CanonicalCode {
  return (Object.hasOwn(KUAIDI100_STATES, state) ? KUAIDI100_STATES[state] : undefined) ?? UNKNOWN;
}

/** Kuaidi100 company codes (`com`) → our carriers; anything else is OTHER. */
const KUAIDI100_CARRIERS: Readonly<Record<string, Carrier>> = {
  shunfeng: 'SF',
  shunfengkuaiyun: 'SF',
  jd: 'JD',
  jingdong: 'JD',
  jingdongkuaiyun: 'JD',
  huolala: 'HUOLALA',
  shengsheng: 'SHENGSHENG',
};

export function carrierOfKuaidi100Com(com: string): Carrier {
  // Own keys only: a `com` such as `__proto__` or `constructor` must not read Object.prototype.
  const key = com.toLowerCase();
  return Object.hasOwn(KUAIDI100_CARRIERS, key) ? (KUAIDI100_CARRIERS[key] ?? 'OTHER') : 'OTHER';
}
