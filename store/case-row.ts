import type { CaseView } from '../domain/case-view';

/** What the columns of a `cases` row are made of: the case's view, or the opening's first facts. */
export type CaseRowSource = Pick<
  CaseView,
  | 'caseId'
  | 'type'
  | 'status'
  | 'priority'
  | 'tier'
  | 'assignee'
  | 'orderId'
  | 'waybillNo'
  | 'carrier'
  | 'region'
  | 'supplierId'
  | 'slaDueAt'
  | 'slaBreached'
  | 'openedAt'
  | 'updatedAt'
  | 'resolvedAt'
  | 'closedAt'
  | 'version'
> & { customer: Pick<CaseView['customer'], 'id' | 'storeId'> };

/**
 * The searchable columns of a `cases` row. One mapping for the row the API writes when it opens
 * a case and for every snapshot the workflow writes after, so a list filter never sees two shapes.
 */
export function caseColumns(source: CaseRowSource) {
  return {
    case_id: source.caseId,
    type: source.type,
    status: source.status,
    priority: source.priority,
    tier: source.tier,
    assignee: source.assignee,
    order_id: source.orderId,
    waybill_no: source.waybillNo,
    carrier: source.carrier,
    region: source.region ?? null,
    customer_id: source.customer.id,
    store_id: source.customer.storeId ?? null,
    supplier_id: source.supplierId ?? null,
    sla_due_at: source.slaDueAt ?? null,
    sla_breached: source.slaBreached,
    opened_at: source.openedAt,
    updated_at: source.updatedAt,
    resolved_at: source.resolvedAt ?? null,
    closed_at: source.closedAt ?? null,
    version: source.version,
  };
}
