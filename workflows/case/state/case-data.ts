import type { CallRecord, PromiseRecord, ReplyRecord } from '../../../domain/agent-contact';
import type { CaseView } from '../../../domain/case-view';
import type { Severity } from '../../../domain/severity';
import type { CaseIncident } from '../../../domain/incidents';
import type { ReadonlyDeep } from '../../../domain/readonly';
import type { SlaClock } from '../../../domain/sla-clock';
import type { ClockName } from '../../../domain/sla-policy';
import type { Actor, CaseStatus, EscalationTier, ExceptionType, Priority } from '../../../domain/types';
import type { Elided, RemedyChoice, TrackingState } from '../carry-over';
import type { OpenCaseInput } from '../contract';

/**
 * The data of one case inside its workflow: one plain JSON object, no methods, no Maps. The
 * named changes in ./case-state.ts are the only writers; every other module reads it through
 * `CaseState.data`, which is deeply read-only to the type checker.
 */

/**
 * A request from an action that the main loop must carry out (it ends or restarts a phase). The
 * action's update waits until the loop marks it `applied`, or `superseded` when the case got
 * there first (say, the parcel was delivered while the agent pressed "cancel").
 */
export type PhaseRequest<T> = T & { actor: Actor; settled?: 'applied' | 'superseded' };

export type Interruption = PhaseRequest<{ kind: 'resolve'; outcome: string; summary: string } | { kind: 'cancel'; reason: string }>;

export type ReopenRequest = PhaseRequest<{ reason: string }>;

export interface CaseData {
  status: CaseStatus;
  tier: EscalationTier;
  assignee: string;
  priority: Priority;
  severity: Severity;
  /** The supervisor's plan for a major complaint, the latest one. */
  plan?: NonNullable<CaseView['plan']>;
  slaBreached: boolean;
  /** The SLA clocks by name, in the order they were first started. */
  clocks: Partial<Record<ClockName, SlaClock>>;
  /** Bumped whenever a clock changes, so the SLA watchdog re-plans its timer. */
  clockRevision: number;
  tracking: TrackingState;
  carrierRequests: CaseView['carrierRequests'];
  /** Last idempotency-key number used per carrier instruction (see CaseCarryOver). */
  carrierRequestNumbers: Record<string, number>;
  notifications: CaseView['notifications'];
  feedback?: CaseView['feedback'];
  /** Scores given before a reopen; `feedback` holds the current round's. */
  earlierFeedback: NonNullable<CaseView['feedback']>[];
  resolution?: CaseView['resolution'];
  evidence: CaseView['evidence'];
  notes: CaseView['notes'];
  /** Staff's replies to the customer, calls logged and promises made (./changes/contact.ts). */
  replies: ReplyRecord[];
  calls: CallRecord[];
  promises: PromiseRecord[];
  /** Replies and promises made in all runs: each reply's notification key and each promise's id. */
  replyCount: number;
  promiseCount: number;
  /** Set by a resolve or cancel action: the playbook stops at its next wait. */
  interruption?: Interruption;
  /** Set by a reopen action while the case awaits feedback. */
  reopenRequest?: ReopenRequest;
  /** The status to return to when the evidence the case waits for arrives. */
  statusBeforeEvidence?: CaseStatus;
  /** How many times evidence was requested: each request has its own notification key. */
  evidenceRequests: number;
  /** Incidents (weather, regional control, carrier outage) recorded on the case; see ../incident.ts. */
  incidents: CaseIncident[];
  reopens: number;
  /** The latest claim, mirrored from its settlement child. */
  claim?: CaseView['claim'];
  claimCount: number;
  /** Bumped on every progress report of the claim, so an approval can wait for its effect. */
  claimRevision: number;
  /** The type the case was opened as (its input). */
  openedAsType: ExceptionType;
  /** The exception type now: a DELAYED case past the total-delay threshold becomes LOST. */
  currentType: ExceptionType;
  /** Reshipments made for this case (WMS order numbers and new waybills). */
  reshipments: NonNullable<CaseView['reshipments']>;
  /** A failed delivery: waiting for the customer's choice, and the choice once made. */
  awaitingRemedy?: NonNullable<CaseView['awaitingRemedy']>;
  remedy?: RemedyChoice;
  /** Attempts at reshipping and at opening returns, refused ones included: each has its own key. */
  reshipAttempts: number;
  returnAttempts: number;
  /** Returns expected into the warehouse. */
  returns: NonNullable<CaseView['returns']>;
  openedAt: string;
  resolvedAt?: string;
  closedAt?: string;
  /** Bumped by every audit event: the read model's version guard. */
  version: number;
  /** Set once the customer has been told the case is open (a converted case is not told twice). */
  acknowledged: boolean;
  /** Entries of each list left out of the carried state (older ones live in the trail). */
  elided: Elided;
  /** Set once the case decided to continue as new: phase changes wait for the next run. */
  movingToNextRun: boolean;
  /** The store's refusal of the latest write, until a write succeeds again. */
  writeRejected?: { reason: string; at: string };
  /** How many runs this case has had (continue-as-new starts a new one). */
  runs: number;
}

/** The data of a case just opened. */
export function openingData(input: OpenCaseInput, openedAt: string): CaseData {
  return {
    status: 'OPEN',
    tier: 1,
    assignee: input.staff.tierQueues[1],
    priority: input.priority,
    severity: input.severity ?? 'general',
    slaBreached: false,
    clocks: {},
    clockRevision: 0,
    tracking: { events: [], delivered: false },
    carrierRequests: [],
    carrierRequestNumbers: {},
    notifications: [],
    earlierFeedback: [],
    evidence: { items: [] },
    notes: [],
    replies: [],
    calls: [],
    promises: [],
    replyCount: 0,
    promiseCount: 0,
    evidenceRequests: 0,
    incidents: [],
    reopens: 0,
    claimCount: 0,
    claimRevision: 0,
    openedAsType: input.type,
    currentType: input.type,
    reshipments: [],
    reshipAttempts: 0,
    returnAttempts: 0,
    returns: [],
    openedAt,
    version: 0,
    acknowledged: false,
    elided: { notes: 0, evidenceItems: 0, notifications: 0, trackingEvents: 0 },
    movingToNextRun: false,
    runs: 1,
  };
}

export type { ReadonlyDeep };

/** The clocks in the order they were first started. */
export function clocksOf(data: { readonly clocks: ReadonlyDeep<CaseData['clocks']> }): SlaClock[] {
  return Object.values(data.clocks) as SlaClock[];
}
