import { defineQuery, defineSignal, defineUpdate, type Sinks } from '@temporalio/workflow';
import type { CaseAction } from '../../domain/case-actions';
import type { CaseView } from '../../domain/case-view';
import type { Severity } from '../../domain/severity';
import type { SlaPolicy } from '../../domain/sla-policy';
import type { TrackingEvent } from '../../domain/tracking';
import type { PersistCaseInput } from '../../store/case-store';
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
} from '../../domain/types';

/**
 * The case workflow's contract, typed once: its input, outcome and messages. The workflow
 * implements it, the API and the tests call it. Continue-as-new internals (carried state, resume
 * points) are in ./carry-over. Nothing here may import Node or heavy modules: it is bundled into
 * workflow code.
 */

export const CASE_WORKFLOW_TYPE = 'caseWorkflow';

/** Where staff notifications go; resolved from configuration when the case opens. */
interface StaffRouting {
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
  /** How serious the complaint is (absent: general). */
  severity?: Severity;
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

/**
 * The case's in-task writes (workflows/case/state/case-writer.ts): the worker writes the case to
 * PostgreSQL before the workflow task that changed it completes (worker/case-writes.ts).
 */
export interface CaseWriteSinks extends Sinks {
  caseStore: {
    persist(input: PersistCaseInput): void;
  };
}

/** What the worker tells a case whose in-task write the store could not take. */
export interface StoreWriteFailure {
  /** The last seq of the case's trail the store holds: later events are to be written again. */
  storedThroughSeq: number;
  /** Why the store refused the write for good; absent when it only lacked earlier events. */
  refusal?: string;
}

/** Sent by the worker (worker/case-writes.ts), never by people. */
export const storeWriteFailedSignal = defineSignal<[StoreWriteFailure]>('storeWriteFailed');
/** The store took a write of a case whose earlier write it had refused. */
export const storeWriteAcceptedSignal = defineSignal('storeWriteAccepted');
