import type { CallRecord, PromiseRecord, ReplyRecord } from '../../domain/agent-contact';
import type { Severity } from '../../domain/severity';
import type { AuditEvent, CaseView, TimelineEntry } from '../../domain/case-view';
import type { CaseIncident } from '../../domain/incidents';
import type { TemplateId } from '../../domain/notification-templates';
import type { SlaClock } from '../../domain/sla-clock';
import type { TrackingEvent } from '../../domain/tracking';
import type { CaseStatus, DeliveryAddress, EscalationTier, ExceptionType, Priority } from '../../domain/types';
import type { OpenCaseInput } from './contract';

/**
 * What one run of a case hands to the next (continue-as-new): the carried state and the point
 * where the case goes on. Internal to the case workflow: the API starts cases with
 * `OpenCaseInput` and never sees these.
 */

/** The input of the case workflow: an opening, or (continue-as-new) the same with a resume point. */
export type CaseWorkflowInput = OpenCaseInput & {
  /** Set by continue-as-new: the state carried over and where the case goes on. */
  resume?: CaseResume;
};

/** What the case knows of its parcel's tracking. */
export interface TrackingState {
  events: TrackingEvent[];
  lastStatus?: TrackingEvent['status'];
  lastSubStatus?: TrackingEvent['subStatus'];
  lastEventAt?: string;
  lastLocation?: string;
  delivered: boolean;
}

/** The customer's choice of remedy (REFUSED), with the new address a redelivery goes to. */
export type RemedyChoice = NonNullable<CaseView['remedy']> & { newAddress?: DeliveryAddress };

/** Where a case goes on in its next run. Only waits that are safe to cut are resume points. */
export type ResumePoint =
  | { phase: 'delayed'; urges: number; lastMovementAt: number; nextUrgeAt: number }
  | { phase: 'by-hand' }
  | { phase: 'damage-assessment' }
  /** A LOST case waiting for its claim (approval, payout, a decision on a failed payout). */
  | { phase: 'lost-claim' }
  | ReturnReceiptResume
  | { phase: 'remedy'; until: number }
  | DeliveryResume
  | { phase: 'feedback'; surveyAt: number; windowEndsAt: number; remindersSent: number };

/** Waiting for a parcel's delivery, and how the playbook resolves the case once it comes. */
export interface DeliveryResume {
  phase: 'delivery';
  /** What the wait is called in the UI. */
  label: string;
  stopHandlingClock: boolean;
  outcome: string;
  summary: string;
  template: TemplateId;
}

/** Waiting for a return to reach the warehouse (入庫), and what the playbook does once it has. */
export interface ReturnReceiptResume {
  phase: 'return-receipt';
  returnOrderNo: string;
  then: AfterReturn;
}

/** The rest of the playbook after a return is received. */
export type AfterReturn =
  /** ADDRESS_CHANGE, WRONG_ITEM / MISSING_ITEM: the reship went out before the return; resolve. */
  | { kind: 'resolve'; outcome: string; summary: string }
  /** REFUSED: the parcel came back; refund its value and resolve as returned. */
  | { kind: 'refund-returned'; why: string }
  /** RETURN_EXCHANGE: ship the exchange part, or refund. */
  | { kind: 'exchange-or-refund' };

interface CaseResume {
  state: CaseCarryOver;
  at: ResumePoint;
}

/** The state handed from one run of a case to the next (continue-as-new). Plain JSON. */
export interface CaseCarryOver {
  status: CaseStatus;
  tier: EscalationTier;
  assignee: string;
  priority: Priority;
  /** Absent in carries from before severities, and for general cases. */
  severity?: Severity;
  plan?: NonNullable<CaseView['plan']>;
  slaBreached: boolean;
  clocks: SlaClock[];
  tracking: TrackingState;
  carrierRequests: CaseView['carrierRequests'];
  notifications: CaseView['notifications'];
  feedback?: CaseView['feedback'];
  resolution?: CaseView['resolution'];
  evidence: CaseView['evidence'];
  notes: CaseView['notes'];
  /** Staff's replies, calls and promises (absent in carries from before they existed). */
  replies?: ReplyRecord[];
  calls?: CallRecord[];
  /** Every open promise, and the newest settled ones: the next run re-arms the open ones' timers. */
  promises?: PromiseRecord[];
  replyCount?: number;
  promiseCount?: number;
  statusBeforeEvidence?: CaseStatus;
  evidenceRequests: number;
  earlierFeedback: NonNullable<CaseView['feedback']>[];
  /** Incidents that reached the case (absent in carry-overs written before incidents existed). */
  incidents?: CaseIncident[];
  reopens: number;
  claim?: CaseView['claim'];
  claimCount: number;
  reshipAttempts: number;
  returnAttempts: number;
  type: ExceptionType;
  reshipments: NonNullable<CaseView['reshipments']>;
  returns: NonNullable<CaseView['returns']>;
  awaitingRemedy?: NonNullable<CaseView['awaitingRemedy']>;
  remedy?: RemedyChoice;
  resolvedAt?: string;
  version: number;
  seq: number;
  timeline: TimelineEntry[];
  openedAt: string;
  acknowledged: boolean;
  runs: number;
  /** How many of each list earlier runs left out of the carried state (they are in the trail). */
  elided?: Elided;
  /**
   * Audit events the store refused to take (a write rejected as unstorable): carried so that the
   * next run retries them instead of losing them. Empty whenever the store accepts writes.
   */
  unsaved?: AuditEvent[];
  /**
   * How many requests of each carrier instruction the case has issued in all its runs: the last
   * number used in their idempotency keys. Absent in carries from before the counter (whose lists
   * were never cut, so counting the list gives the same number).
   */
  carrierRequestNumbers?: Record<string, number>;
}

export interface Elided {
  notes: number;
  evidenceItems: number;
  notifications: number;
  trackingEvents: number;
  /** Absent in carries from before carrier requests were cut. */
  carrierRequests?: number;
  replies?: number;
  calls?: number;
}
