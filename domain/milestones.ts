import type { ExceptionSubStatus, TrackingEvent } from './tracking';
import type { TemplateId } from './notification-templates';

/**
 * Shipment milestones (主動觸達): what a canonical tracking event means to the customer. Pure, so
 * the shipment-notices workflow derives them itself and the API can tell whether an event is worth
 * signalling at all.
 *
 * Progress milestones have a rank: a late scan of an earlier step (an "out for delivery" arriving
 * after "signed") is not told. Exception milestones have none: every exception step is its own
 * milestone, keyed by its sub-status, told once per waybill.
 */

const PROGRESS_MILESTONES = ['shipped', 'in_destination_city', 'out_for_delivery', 'awaiting_pickup', 'signed'] as const;
type ProgressMilestone = (typeof PROGRESS_MILESTONES)[number];
export type Milestone = ProgressMilestone | `exception:${ExceptionSubStatus | 'expired'}`;

/** The fields of a tracking event the derivation reads (what the API signals to the workflow). */
export type MilestoneEvent = Pick<
  TrackingEvent,
  'eventId' | 'provider' | 'carrier' | 'status' | 'subStatus' | 'rawCode' | 'occurredAt' | 'location' | 'description'
>;

/**
 * Carrier codes that name a step more precisely than the canonical status, by provider. Kuaidi100's
 * fine-grained `resultv2` states: 1 / 103 攬收 (collected), 1001 到達派件城市 (arrived in the
 * delivery city), 501 投櫃或驛站 (in a locker or station). SF route opCodes (pushed through the
 * generic webhook with `rawCode`): 50 順豐已收件, 44 正在派送, 80 已簽收.
 */
const RAW_CODES: Record<string, Record<string, ProgressMilestone>> = {
  kuaidi100: { '1': 'shipped', '103': 'shipped', '1001': 'in_destination_city', '501': 'awaiting_pickup' },
  'generic:SF': { '50': 'shipped', '44': 'out_for_delivery', '80': 'signed' },
};

/**
 * Scan texts that say the parcel reached the city it is delivered in. Carriers write it in a
 * handful of ways; the canonical status of such a scan is plain InTransit, so without a carrier
 * code the text is the only sign.
 */
const DESTINATION_CITY_TEXT = /到达派件城市|到達派件城市|到达目的地城市|到達目的地城市|到达目的城市|到達目的城市|已到达派送城市|arrived at destination city/i;

export interface MilestoneContext {
  /**
   * The city the order ships to, when the order system knows it: an InTransit scan located there
   * counts as arrival in the destination city. The OMS contract has no address today.
   */
  destinationCity?: string;
}

/** The milestone an event marks, or undefined when it marks none (InfoReceived, Pending). */
export function milestoneOf(event: MilestoneEvent, context: MilestoneContext = {}): Milestone | undefined {
  const byCode = event.rawCode === undefined ? undefined : (RAW_CODES[event.provider] ?? RAW_CODES[`${event.provider}:${event.carrier}`])?.[event.rawCode];
  switch (event.status) {
    case 'Exception':
      return `exception:${event.subStatus ?? 'other'}`;
    case 'AttemptFail':
      return 'exception:delivery_failed';
    case 'Expired':
      return 'exception:expired';
    case 'Delivered':
      return 'signed';
    case 'AvailableForPickup':
      return 'awaiting_pickup';
    case 'OutForDelivery':
      return byCode === 'awaiting_pickup' ? 'awaiting_pickup' : 'out_for_delivery';
    case 'InTransit':
      if (byCode !== undefined) return byCode;
      if (DESTINATION_CITY_TEXT.test(event.description ?? '')) return 'in_destination_city';
      if (context.destinationCity && event.location?.includes(context.destinationCity)) return 'in_destination_city';
      return 'shipped';
    case 'InfoReceived':
    case 'Pending':
      // The label exists, nothing moved: a carrier code may still say it was collected.
      return byCode === 'shipped' ? 'shipped' : undefined;
  }
}

export function isExceptionMilestone(milestone: Milestone): boolean {
  return milestone.startsWith('exception:');
}

/** Rank of a progress milestone (higher = later in the parcel's life); undefined for exceptions. */
export function progressRank(milestone: Milestone): number | undefined {
  const index = (PROGRESS_MILESTONES as readonly string[]).indexOf(milestone);
  return index < 0 ? undefined : index;
}

/**
 * Whether a milestone is still worth telling given the furthest progress already told. Exceptions
 * always are; a progress step is only when it is further than anything told before.
 */
export function isNews(milestone: Milestone, furthestRank: number | undefined): boolean {
  const rank = progressRank(milestone);
  return rank === undefined || furthestRank === undefined || rank > furthestRank;
}

/**
 * Whose job it is to tell the customer. While a case is open for the waybill, the case's own
 * notices speak for it: it acknowledges every exception (case.acknowledged) and tells the end of
 * the story (case.delivered / case.resolved). So `signed` and every exception milestone defer to
 * an open case; the progress steps (shipped, destination city, out for delivery, locker) are never
 * told by a case and always go out.
 */
export function deferredToOpenCase(milestone: Milestone): boolean {
  return milestone === 'signed' || isExceptionMilestone(milestone);
}

/** zh-CN wording of an exception step, for the customer's message. */
const EXCEPTION_TEXT_ZH: Record<ExceptionSubStatus | 'expired', string> = {
  lost: '包裹疑似遗失，正在核实',
  damaged: '包裹在运输中破损',
  refused: '包裹被拒收',
  incorrect_address: '收件地址有误，无法派送',
  returning_to_sender: '包裹正在退回寄件人',
  returned_to_sender: '包裹已退回寄件人',
  weather: '受天气影响，运输延误',
  processing_delay: '承运商处理延误',
  no_update: '物流信息超时未更新',
  customs: '包裹正在清关',
  not_signed_in_time: '包裹超时未签收',
  delivery_failed: '派送未成功',
  not_picked_up: '在快递柜或驿站超时未取',
  unknown: '运输出现异常',
  other: '运输出现异常',
  expired: '物流信息长时间未更新',
};

/** The customer-facing text of an exception milestone's reason. */
export function exceptionTextOf(milestone: Milestone): string {
  const reason = milestone.slice('exception:'.length) as ExceptionSubStatus | 'expired';
  return EXCEPTION_TEXT_ZH[reason] ?? EXCEPTION_TEXT_ZH.other;
}

/** The zh-CN template (domain/notification-templates.ts) that tells a milestone. */
export function templateOf(milestone: Milestone): Extract<TemplateId, `milestone.${string}`> {
  return isExceptionMilestone(milestone) ? 'milestone.exception' : `milestone.${milestone as ProgressMilestone}`;
}
