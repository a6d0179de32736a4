import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CaseAction } from '../domain/case-actions';
import type { CaseView } from '../domain/case-view';
import type { TemplateId } from '../domain/notification-templates';
import type { SlaPolicy } from '../domain/sla-policy';
import type { TrackingEvent } from '../domain/tracking';
import type { CaseCarryOver } from './case/case-state';
import type {
  Actor,
  Carrier,
  DeliveryAddress,
  ReturnRemedy,
  CaseStatus,
  CustomerContact,
  ExceptionType,
  OrderItem,
  Priority,
  RoleActor,
} from '../domain/types';

/**
 * The case workflow's message contract, typed once: the workflow implements it, the API and the
 * tests call it. Nothing here may import Node or heavy modules: it is bundled into workflow code.
 */

export const CASE_WORKFLOW_TYPE = 'caseWorkflow';

/** Where staff notifications go; resolved from configuration when the case opens. */
export interface StaffRouting {
  /** WeCom group-bot key of the operations group. */
  opsWecomKey: string;
  /** Owner of each tier's queue, shown as `AssignedTo` until someone takes the case. */
  tierQueues: { 1: string; 2: string; 3: string };
}

export interface OpenCaseInput {
  caseId: string;
  type: ExceptionType;
  orderId: string;
  waybillNo: string;
  carrier: Carrier;
  customer: CustomerContact;
  description: string;
  priority: Priority;
  region?: string;
  /** Amounts in fen (分). */
  declaredValue?: number;
  insured?: boolean;
  freight?: number;
  /** The value of the goods in this shipment (fen): what a refund returns and a loss is worth. */
  orderValue?: number;
  /** Set when the goods were shipped by a supplier, not our warehouse. */
  supplierId?: string;
  items?: OrderItem[];
  /** ADDRESS_CHANGE: where the parcel should go now. */
  newAddress?: DeliveryAddress;
  /** RETURN_EXCHANGE: what the customer wants for the returned part (default: exchange). */
  returnRemedy?: ReturnRemedy;
  openedBy: Actor;
  /** The policy in force when the case opened, durations resolved and scaled. */
  policy: SlaPolicy;
  staff: StaffRouting;
  /** The tracking event that opened the case, when a carrier push did. */
  openingEvent?: TrackingEvent;
  /** Continue as new at this many history events, besides Temporal's own suggestion. */
  historyLimit?: number;
  /** Set by continue-as-new: the state carried over and where the case goes on. */
  resume?: CaseResume;
}

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

export interface CaseResume {
  state: CaseCarryOver;
  at: ResumePoint;
}

export interface CaseOutcome {
  caseId: string;
  status: CaseStatus;
  resolution?: string;
  feedbackScore?: number;
}

export interface FeedbackInput {
  score: number;
  comment?: string;
  channel: string;
  actor: RoleActor;
}

export interface CaseActionInput {
  action: CaseAction;
  actor: RoleActor;
}

export const trackingEventSignal = defineSignal<[TrackingEvent]>('trackingEvent');
export const caseViewQuery = defineQuery<CaseView>('caseView');
export const submitFeedbackUpdate = defineUpdate<CaseView, [FeedbackInput]>('submitFeedback');
/** Agent and supervisor actions (`POST /v1/cases/{id}/actions`), validated before acceptance. */
export const caseActionUpdate = defineUpdate<CaseView, [CaseActionInput]>('caseAction');
