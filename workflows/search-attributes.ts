import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

/**
 * The search attributes supervisors filter on in the Temporal UI (names are contract,
 * docs/supervisors.md). The dev server registers them at start (scripts/temporal-cli.ts).
 */
export const CaseStatusKey = defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD);
export const ExceptionTypeKey = defineSearchAttributeKey('ExceptionType', SearchAttributeType.KEYWORD);
export const CarrierKey = defineSearchAttributeKey('Carrier', SearchAttributeType.KEYWORD);
export const PriorityKey = defineSearchAttributeKey('Priority', SearchAttributeType.KEYWORD);
export const AssignedToKey = defineSearchAttributeKey('AssignedTo', SearchAttributeType.KEYWORD);
export const RegionKey = defineSearchAttributeKey('Region', SearchAttributeType.KEYWORD);
export const OrderIdKey = defineSearchAttributeKey('OrderId', SearchAttributeType.KEYWORD);
export const WaybillNoKey = defineSearchAttributeKey('WaybillNo', SearchAttributeType.KEYWORD);
export const EscalationTierKey = defineSearchAttributeKey('EscalationTier', SearchAttributeType.INT);
export const SlaDueAtKey = defineSearchAttributeKey('SlaDueAt', SearchAttributeType.DATETIME);
export const SlaBreachedKey = defineSearchAttributeKey('SlaBreached', SearchAttributeType.BOOL);

/**
 * What identifies a case's order and parcel, set on its child workflows (claim settlement,
 * supplier follow-up) too: a supervisor who searches by waybill or order finds them with the case.
 */
export function caseIdentity(input: { orderId: string; waybillNo: string; carrier: string; type: string; region?: string }): SearchAttributePair[] {
  return [
    { key: OrderIdKey, value: input.orderId },
    { key: WaybillNoKey, value: input.waybillNo },
    { key: CarrierKey, value: input.carrier },
    { key: ExceptionTypeKey, value: input.type },
    ...(input.region ? [{ key: RegionKey, value: input.region }] : []),
  ];
}

/** Name → type, in the form `temporal server start-dev --search-attribute` takes. */
export const SEARCH_ATTRIBUTE_REGISTRY: Record<string, 'Keyword' | 'Int' | 'Datetime' | 'Bool'> = {
  CaseStatus: 'Keyword',
  ExceptionType: 'Keyword',
  Carrier: 'Keyword',
  Priority: 'Keyword',
  AssignedTo: 'Keyword',
  Region: 'Keyword',
  OrderId: 'Keyword',
  WaybillNo: 'Keyword',
  EscalationTier: 'Int',
  SlaDueAt: 'Datetime',
  SlaBreached: 'Bool',
};
