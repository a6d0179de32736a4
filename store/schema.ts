import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { ClaimView } from '../domain/claim';
import type { AuditEvent, CaseView } from '../domain/case-view';

/** The read model's tables as kysely sees them; migrations/ creates them. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;

interface CasesTable {
  case_id: string;
  type: string;
  status: string;
  priority: string;
  tier: number;
  assignee: string;
  order_id: string;
  waybill_no: string;
  carrier: string;
  region: string | null;
  customer_id: string;
  store_id: string | null;
  supplier_id: string | null;
  sla_due_at: Timestamp | null;
  sla_breached: boolean;
  opened_at: Timestamp;
  updated_at: Timestamp;
  resolved_at: Timestamp | null;
  closed_at: Timestamp | null;
  /** The workflow's view version that wrote this row; older snapshots are ignored. */
  version: number;
  /** The workflow task that wrote the snapshot, for local-activity writes (migration 0030). */
  write_generation: ColumnType<string | null, number | null | undefined, number | null>;
  /** The last audit seq the workflow's history confirms; later ones may still be replaced (0030). */
  confirmed_through_seq: ColumnType<number | null, number | null | undefined, number | null>;
  snapshot: JSONColumnType<CaseView | Record<string, never>>;
  /** Seq and hash of the newest audit event: the chain's anchor against truncation. */
  last_event_seq: Generated<number>;
  last_event_hash: string | null;
  /** The workflow start request, kept so an interrupted open can be completed on retry. */
  start_request: JSONColumnType<Record<string, unknown>>;
  /** Opened from tracking for a waybill the OMS does not know: an agent completes order and customer. */
  needs_completion: ColumnType<boolean, boolean | undefined, boolean>;
  /** `tracking` or `watchlist` when no agent opened it; null for agents' cases. */
  opened_from: ColumnType<string | null, string | null | undefined, string | null>;
  open_reason: ColumnType<string | null, string | null | undefined, string | null>;
}

interface CaseEventsTable {
  case_id: string;
  seq: number;
  at: Timestamp;
  actor: JSONColumnType<AuditEvent['actor']>;
  kind: string;
  data: JSONColumnType<Record<string, unknown>>;
  /** Hash chain: sha256 over the previous hash and this event, so edits are detectable. */
  prev_hash: string;
  hash: string;
  /** The workflow task that wrote it, for local-activity writes (migration 0030); null otherwise. */
  write_generation: ColumnType<string | null, number | null | undefined, number | null>;
}

interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: JSONColumnType<Record<string, unknown>>;
  created_at: Generated<Timestamp>;
}

interface InboundEventsTable {
  provider: string;
  event_id: string;
  waybill_no: string;
  status: string;
  payload: JSONColumnType<Record<string, unknown>>;
  /** The first case the event was delivered to, or null when it was only recorded. */
  case_id: string | null;
  received_at: Generated<Timestamp>;
  /** pending: not yet at every target; held: no open case when it came (handed to later ones). */
  delivery_state: ColumnType<InboundEventState, InboundEventState | undefined, InboundEventState>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

type InboundEventState = 'pending' | 'held' | 'complete';
export type InboundDeliveryState = 'pending' | 'delivered' | 'case-finished';

/** One tracking event's delivery to one case: what is left to do after a crash or a failure. */
interface InboundDeliveriesTable {
  provider: string;
  event_id: string;
  case_id: string;
  state: InboundDeliveryState;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  created_at: Generated<Timestamp>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

interface NotificationOutboxTable {
  idempotency_key: string;
  case_id: string;
  channel: string;
  template: string;
  recipient: string;
  status: 'sending' | 'sent' | 'failed';
  provider_message_id: string | null;
  attempts: number;
  last_error: string | null;
  created_at: Generated<Timestamp>;
  sent_at: Timestamp | null;
  /** The attempt that may call the provider now, and until when (migration 0007). */
  lease_owner: ColumnType<string | null, string | null | undefined, string | null>;
  lease_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** An attempt may have reached the provider without our learning the outcome (migration 0009). */
  maybe_delivered: ColumnType<boolean, boolean | undefined, boolean>;
}

/** Outcome of each proactive milestone notice per waybill and channel (migration 0011). */
interface ShipmentNoticesTable {
  waybill_no: string;
  milestone: string;
  channel: string;
  outcome: string;
  detail: string | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** The stored tracking of one waybill (migrations/0010_tracking_in.ts). */
interface ShipmentsTable {
  waybill_no: string;
  carrier: string;
  lane: string | null;
  order_id: string | null;
  shipped_at: Timestamp | null;
  promised_at: Timestamp | null;
  first_scan_at: Timestamp | null;
  last_event_at: Timestamp | null;
  last_status: string | null;
  last_sub_status: string | null;
  out_for_delivery_at: Timestamp | null;
  pickup_ready_at: Timestamp | null;
  delivered_at: Timestamp | null;
  event_count: ColumnType<number, number | undefined, number>;
  last_received_at: Timestamp | null;
  watch_rule: string | null;
  watch_flagged_at: Timestamp | null;
  created_at: Generated<Timestamp>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface Database {
  shipments: ShipmentsTable;
  cases: CasesTable;
  case_events: CaseEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  inbound_events: InboundEventsTable;
  inbound_deliveries: InboundDeliveriesTable;
  notification_outbox: NotificationOutboxTable;
  shipment_notices: ShipmentNoticesTable;
}

/** One supplier follow-up per case (供應商跟進), for the per-supplier scorecard. */
interface SupplierFollowUpsTable {
  case_id: string;
  supplier_id: string;
  order_id: string;
  type: string;
  started_at: Timestamp;
  replied_at: Timestamp | null;
  /** From the follow-up's start to the supplier's first reply (int8, read back as a number). */
  response_ms: number | null;
  reminders: number;
  escalated_to_manager: boolean;
  outcome: 'open' | 'replied' | 'unanswered';
  reply: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  updated_at: Timestamp;
}

/** Supplier replies received by webhook, keyed by the supplier's reply id (dedupe). */
interface SupplierRepliesTable {
  supplier_id: string;
  reply_id: string;
  case_id: string;
  received_at: Generated<Timestamp>;
  payload: JSONColumnType<Record<string, unknown>>;
  /** pending until signalled to the follow-up; follow-up-ended when it had already finished. */
  delivery_state: ColumnType<SupplierReplyState, SupplierReplyState | undefined, SupplierReplyState>;
  attempts: ColumnType<number, number | undefined, number>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

type SupplierReplyState = 'pending' | 'delivered' | 'follow-up-ended';

// Declaration merging: the supplier tables join the Database interface above.
export interface Database {
  supplier_follow_ups: SupplierFollowUpsTable;
  supplier_replies: SupplierRepliesTable;
}

interface ClaimsTable {
  claim_id: string;
  case_id: string;
  carrier: string;
  type: string;
  kind: string;
  status: string;
  amount_fen: ColumnType<string | null, number | null, number | null>;
  approval_tier: string | null;
  approved_by: string | null;
  payout_id: string | null;
  recovery_from: string | null;
  recovery_status: string | null;
  recoverable_fen: ColumnType<string | null, number | null, number | null>;
  recovered_fen: ColumnType<string | null, number | null, number | null>;
  view: JSONColumnType<ClaimView, string, string>;
  created_at: Generated<Timestamp>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** One erasure of a customer's personal data; the customer only as a SHA-256 of the id. */
interface PiiErasuresTable {
  erasure_id: Generated<number>;
  customer_ref: string;
  requested_by: string;
  erased_case_ids: JSONColumnType<string[]>;
  pending_case_ids: JSONColumnType<string[]>;
  /** Why the erasure was requested (migration 0008; null on older rows). */
  reason: string | null;
  erased_at: Generated<Timestamp>;
}

export interface Database {
  pii_erasures: PiiErasuresTable;
}

// Declaration merging: claims join the Database interface above.
export interface Database {
  claims: ClaimsTable;
}

/** One payout screening verdict per claim (migrations/0070_payout_screenings.ts). */
interface PayoutScreeningsTable {
  claim_id: string;
  case_id: string;
  proposed_by: string;
  payee_id: string;
  amount_fen: ColumnType<string, number, number>;
  business_day: string;
  automatic: boolean;
  reasons: JSONColumnType<string[], string, string>;
  screened_at: Generated<Timestamp>;
}

export interface Database {
  payout_screenings: PayoutScreeningsTable;
}
