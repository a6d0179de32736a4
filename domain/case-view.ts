import type { CallRecord, PromiseRecord, ReplyRecord } from './agent-contact';
import type { CaseIncident } from './incidents';
import type { Severity } from './severity';
import type { ClaimView } from './claim';
import type { SlaClock } from './sla-clock';
import type { ClockName } from './sla-policy';
import type { Actor, CaseStatus, Carrier, CustomerContact, EscalationTier, ExceptionType, NotificationChannel, OrderItem, Priority } from './types';
import type { TrackingStatus, ExceptionSubStatus } from './tracking';

/**
 * What a case looks like to the outside: the `caseView` query's answer, the read model's
 * snapshot, and the body of `GET /v1/cases/{caseId}` (plus `allowedActions`, which depend on the
 * caller). Times are ISO strings so the same JSON serves every reader.
 */

export interface ClockView {
  name: ClockName;
  state: SlaClock['state'];
  targetMs: number;
  startedAt: string;
  dueAt?: string;
  elapsedMs: number;
  breached: boolean;
  breachedAt?: string;
  warned: number[];
  pauses: { at: string; reason: string; resumedAt?: string }[];
  extensions: { at: string; byMs: number; reason: string }[];
}

export interface NotificationRecord {
  key: string;
  channel: NotificationChannel;
  template: string;
  recipient: string;
  at: string;
  outcome: 'sent' | 'failed';
  detail?: string;
}

interface CarrierRequestRecord {
  key: string;
  operation: string;
  at: string;
  outcome: 'accepted' | 'refused' | 'failed';
  reference?: string;
  detail?: string;
}

export interface TimelineEntry {
  seq: number;
  at: string;
  kind: string;
  summary: string;
}

interface FeedbackRecord {
  score: number;
  comment?: string;
  channel: string;
  at: string;
}

export interface CaseView {
  caseId: string;
  type: ExceptionType;
  status: CaseStatus;
  priority: Priority;
  /** How serious the complaint is; absent in snapshots from before severities (general). */
  severity?: Severity;
  tier: EscalationTier;
  assignee: string;
  /** Whether `assignee` is a tier's queue or a person who took or was given the case. */
  assigneeKind?: 'queue' | 'person';
  orderId: string;
  waybillNo: string;
  carrier: Carrier;
  region?: string;
  customer: CustomerContact;
  description: string;
  declaredValue?: number;
  insured?: boolean;
  freight?: number;
  supplierId?: string;
  items?: OrderItem[];
  openedAt: string;
  openedBy: Actor;
  updatedAt: string;
  resolvedAt?: string;
  closedAt?: string;
  resolution?: { outcome: string; summary: string; at: string };
  slaBreached: boolean;
  slaDueAt?: string;
  clocks: ClockView[];
  tracking: {
    lastStatus?: TrackingStatus;
    lastSubStatus?: ExceptionSubStatus;
    lastEventAt?: string;
    lastLocation?: string;
    eventsSeen: number;
  };
  carrierRequests: CarrierRequestRecord[];
  notifications: NotificationRecord[];
  feedback?: FeedbackRecord;
  /** The latest claim (理賠); earlier ones stay in the audit trail and the claims table. */
  claim?: ClaimView;
  /** Replacement shipments from the warehouse (補發): WMS order and the new waybill. */
  reshipments?: Array<{ key: string; reshipOrderNo: string; waybillNo: string; carrier: string; items: OrderItem[]; at: string }>;
  /** Parcels on their way back into the warehouse (退件入庫). */
  returns?: Array<{ key: string; returnOrderNo: string; pickupWaybillNo?: string; status: string; at: string; receivedAt?: string }>;
  /** Set while the case waits for the customer's choice after a failed delivery. */
  awaitingRemedy?: { since: string; options: string[] };
  /** The customer's choice, once made. */
  remedy?: { choice: string; at: string; by: string };
  /** Set when the case changed type (a DELAYED parcel declared LOST). */
  openedAsType?: ExceptionType;
  /** Scores from earlier rounds: a low score reopens the case and the survey asks again. */
  earlierFeedback?: FeedbackRecord[];
  /** Incidents that reached the case (weather, regional control, carrier outage), newest last. */
  incidents?: CaseIncident[];
  /** How many times the case was reopened after resolution. */
  reopens?: number;
  evidence: {
    /** Set while the case waits on the customer for evidence (its clocks are paused). */
    requested?: { what: string; at: string; by: string };
    items: Array<{ kind: string; description: string; url?: string; at: string; by: string }>;
  };
  notes: Array<{ text: string; at: string; by: string }>;
  /** The supervisor's plan for a major complaint (`record-plan`), the latest one. */
  plan?: { text: string; at: string; by: string };
  /** Messages staff sent the customer by hand (`reply`), newest last. */
  replies?: ReplyRecord[];
  /** Phone calls staff logged (`log-call`), newest last. */
  calls?: CallRecord[];
  /** Promises made to the customer in replies and calls, and whether they were kept. */
  promises?: PromiseRecord[];
  /**
   * How many older entries of each list the case no longer carries (a long case keeps the newest
   * ones in its workflow state; every entry is in the audit trail, GET /v1/cases/{id}/history).
   */
  elided?: { notes: number; evidenceItems: number; notifications: number; trackingEvents: number; carrierRequests?: number; replies?: number; calls?: number };
  /** A resolve, cancel or reopen being applied (or the case moving to its next run). */
  pendingPhaseChange?: string;
  /** Set while PostgreSQL refuses the case's writes: the reason and since when. */
  storeWriteRejected?: { reason: string; at: string };
  /** The latest entries of the audit trail, newest last; the full trail is /history. */
  timeline: TimelineEntry[];
  /** Bumped on every change: the read model only accepts a newer snapshot. */
  version: number;
}

/** One entry of the append-only audit trail. */
export interface AuditEvent {
  seq: number;
  at: string;
  actor: Actor;
  kind: string;
  data: Record<string, unknown>;
}
