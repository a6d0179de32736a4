import type { Carrier } from './types';
import type { CanonicalCode } from './kuaidi100-states';
import { TRACKING_STATUSES, type TrackingStatus } from './tracking';

/**
 * AfterShip webhook `msg.tag` / `msg.subtag` → the canonical status. The tag already is our
 * canonical status (our enum is modelled on AfterShip's tags); the subtag says why, and for
 * exceptions it is the sub-status. Every documented subtag is listed; an unknown subtag of a
 * known tag takes the tag (with sub-status `unknown` under Exception), an unknown tag is
 * Exception/unknown. The raw subtag stays on the event.
 */

export const AFTERSHIP_SUBTAGS: Readonly<Record<string, CanonicalCode>> = {
  Pending_001: { status: 'Pending', name: 'No information yet' },
  Pending_002: { status: 'Pending', name: 'Tracking registered, waiting for the carrier' },
  Pending_003: { status: 'Pending', name: 'Carrier account not connected' },
  Pending_004: { status: 'Pending', name: 'Carrier not supported' },
  Pending_005: { status: 'Pending', name: 'Carrier unable to track' },
  Pending_006: { status: 'Pending', name: 'Invalid tracking number' },
  InfoReceived_001: { status: 'InfoReceived', name: 'Info received' },
  InTransit_001: { status: 'InTransit', name: 'In transit' },
  InTransit_002: { status: 'InTransit', name: 'Acceptance scan' },
  InTransit_003: { status: 'InTransit', name: 'Arrival scan' },
  InTransit_004: { status: 'InTransit', name: 'Arrived at the destination country' },
  InTransit_005: { status: 'InTransit', name: 'Customs clearance completed' },
  InTransit_006: { status: 'InTransit', name: 'Customs clearance started' },
  InTransit_007: { status: 'InTransit', name: 'Departure scan' },
  InTransit_008: { status: 'InTransit', name: 'Problem resolved' },
  InTransit_009: { status: 'InTransit', name: 'Forwarded to a different delivery address' },
  OutForDelivery_001: { status: 'OutForDelivery', name: 'Out for delivery' },
  OutForDelivery_003: { status: 'OutForDelivery', name: 'Customer contacted' },
  OutForDelivery_004: { status: 'OutForDelivery', name: 'Delivery appointment scheduled' },
  AvailableForPickup_001: { status: 'AvailableForPickup', name: 'Available for pickup' },
  Delivered_001: { status: 'Delivered', name: 'Delivered' },
  Delivered_002: { status: 'Delivered', name: 'Picked up by the customer' },
  Delivered_003: { status: 'Delivered', name: 'Signed by the customer' },
  Delivered_004: { status: 'Delivered', name: 'Delivered and cash collected' },
  AttemptFail_001: { status: 'AttemptFail', subStatus: 'delivery_failed', name: 'Addressee not available' },
  AttemptFail_002: { status: 'AttemptFail', subStatus: 'delivery_failed', name: 'Business closed' },
  AttemptFail_003: { status: 'AttemptFail', subStatus: 'delivery_failed', name: 'Customer not available or other' },
  Exception_001: { status: 'Exception', subStatus: 'other', name: 'Delivery exception' },
  Exception_002: { status: 'Exception', subStatus: 'incorrect_address', name: 'Customer moved' },
  Exception_003: { status: 'Exception', subStatus: 'refused', name: 'Customer refused delivery' },
  Exception_004: { status: 'Exception', subStatus: 'customs', name: 'Delayed (customs clearance)' },
  Exception_005: { status: 'Exception', subStatus: 'weather', name: 'Delayed (external factors)' },
  Exception_006: { status: 'Exception', subStatus: 'other', name: 'Held for payment' },
  Exception_007: { status: 'Exception', subStatus: 'incorrect_address', name: 'Incorrect address' },
  Exception_008: { status: 'Exception', subStatus: 'not_picked_up', name: 'Pick-up missed' },
  Exception_009: { status: 'Exception', subStatus: 'other', name: 'Rejected by the carrier' },
  Exception_010: { status: 'Exception', subStatus: 'returning_to_sender', name: 'Returning to sender' },
  Exception_011: { status: 'Exception', subStatus: 'returned_to_sender', name: 'Returned to sender' },
  Exception_012: { status: 'Exception', subStatus: 'damaged', name: 'Shipment damaged' },
  Exception_013: { status: 'Exception', subStatus: 'lost', name: 'Shipment lost' },
  Exception_014: { status: 'Exception', subStatus: 'processing_delay', name: 'Delayed (carrier)' },
  Exception_015: { status: 'Exception', subStatus: 'customs', name: 'Held by customs' },
  Exception_016: { status: 'Exception', subStatus: 'other', name: 'Shipment seized or prohibited' },
  Exception_017: { status: 'Exception', subStatus: 'incorrect_address', name: 'Address needs more information' },
  Exception_018: { status: 'Exception', subStatus: 'other', name: 'Shipment cancelled' },
  Expired_001: { status: 'Expired', name: 'No update for a long time' },
};

const isStatus = (tag: string): tag is TrackingStatus => (TRACKING_STATUSES as readonly string[]).includes(tag);

/** The canonical status of an AfterShip tag and subtag. */
export function mapAftershipTag(tag: string, subtag: string | undefined): CanonicalCode {
  const known = subtag !== undefined && Object.hasOwn(AFTERSHIP_SUBTAGS, subtag) ? AFTERSHIP_SUBTAGS[subtag] : undefined;
  // A subtag that contradicts its tag is not trusted: the tag decides.
  if (known !== undefined && known.status === tag) return known;
  if (!isStatus(tag)) return { status: 'Exception', subStatus: 'unknown', name: `unknown tag ${tag}` };
  return tag === 'Exception' || tag === 'AttemptFail'
    ? { status: tag, subStatus: tag === 'Exception' ? 'unknown' : 'delivery_failed', name: tag }
    : { status: tag, name: tag };
}

/** AfterShip courier slugs → our carriers; anything else is OTHER. */
const AFTERSHIP_CARRIERS: Readonly<Record<string, Carrier>> = {
  'sf-express': 'SF',
  sf: 'SF',
  jd: 'JD',
  'jd-logistics': 'JD',
  'jd-express': 'JD',
  huolala: 'HUOLALA',
  shengsheng: 'SHENGSHENG',
};

export function carrierOfAftershipSlug(slug: string): Carrier {
  // Own keys only: a slug such as `__proto__` or `constructor` must not read Object.prototype.
  const key = slug.toLowerCase();
  return Object.hasOwn(AFTERSHIP_CARRIERS, key) ? (AFTERSHIP_CARRIERS[key] ?? 'OTHER') : 'OTHER';
}
