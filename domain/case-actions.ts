import { ACTION_LIMITS as LIMITS, OUTCOME_PATTERN } from './action-limits';
import { SEVERITIES, type Severity } from './severity';
import { callProblem, replyProblem, type CallDirection, type CallOutcome, type PromiseMade, type ReplyChannel } from './agent-contact';
import type { CaseView } from './case-view';
import { CLAIM_IN_PROGRESS, CLAIM_KINDS, paidOnCase, type ClaimProposal, type ClaimStatus, type ClaimView, type PaidOnCase } from './claim';
import { formatYuan } from './compensation';
import { CLOCK_NAMES, goodwillLimits, type ClockName, type GoodwillPolicy, type SlaPolicy } from './sla-policy';
import { FINISHED_STATUSES, PRIORITIES, type CaseStatus, type DeliveryAddress, type EscalationTier, type OrderItem, type Priority, type Role } from './types';

/**
 * Agent and supervisor actions on a case: what they carry, who may take them, and in which
 * states. One set of rules serves the workflow's update validator (so a refused action never
 * reaches history) and the API's `allowedActions` (so clients are never told an action is
 * possible that the workflow would refuse). Pure: safe in workflow code.
 */

export const EVIDENCE_KINDS = ['photo', 'video', 'document', 'statement'] as const;
type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export interface Evidence {
  kind: EvidenceKind;
  description: string;
  url?: string;
}

export type CaseAction =
  | { action: 'note'; text: string }
  | { action: 'assign'; assignee: string }
  | { action: 'escalate'; reason: string }
  | { action: 'set-priority'; priority: Priority; reason?: string }
  | { action: 'request-evidence'; what: string }
  | { action: 'add-evidence'; evidence: Evidence }
  | ({ action: 'propose-claim' } & ClaimProposal)
  | { action: 'approve-claim'; note?: string; amountFen?: number; reason?: string }
  | { action: 'reject-claim'; reason: string }
  | { action: 'reship'; items?: OrderItem[]; reason: string }
  | { action: 'extend-sla'; clock: ClockName; byMs: number; reason: string }
  | { action: 'choose-remedy'; remedy: Remedy; newAddress?: DeliveryAddress; note?: string }
  | { action: 'resolve'; outcome: string; summary: string }
  | { action: 'reopen'; reason: string }
  | { action: 'cancel'; reason: string }
  | { action: 'take'; reason?: string }
  | { action: 'set-severity'; severity: Severity; reason: string }
  | { action: 'record-plan'; plan: string }
  | { action: 'reply'; channel: ReplyChannel; text: string; scriptId?: string; promise?: PromiseMade }
  | {
      action: 'log-call';
      direction: CallDirection;
      outcome: CallOutcome;
      durationSeconds: number;
      summary: string;
      promise?: PromiseMade;
    };

/** What a customer chooses after a failed delivery (派件異常): 再派, 改址 or 退回. */
export const REMEDIES = ['redeliver', 'redirect', 'return'] as const;
type Remedy = (typeof REMEDIES)[number];

export type CaseActionName = CaseAction['action'] | 'feedback';

export const CASE_ACTION_NAMES: readonly CaseActionName[] = [
  'note',
  'assign',
  'escalate',
  'set-priority',
  'request-evidence',
  'add-evidence',
  'propose-claim',
  'approve-claim',
  'reject-claim',
  'reship',
  'choose-remedy',
  'extend-sla',
  'resolve',
  'reopen',
  'cancel',
  'take',
  'reply',
  'log-call',
  'set-severity',
  'record-plan',
  'feedback',
];

export function isCaseActionName(value: unknown): value is CaseAction['action'] {
  return typeof value === 'string' && value !== 'feedback' && (CASE_ACTION_NAMES as readonly string[]).includes(value);
}

/** The facts of a case the rules look at. */
export interface CaseFacts {
  status: CaseStatus;
  tier: EscalationTier;
  priority: Priority;
  /** Absent (an older snapshot) is general. */
  severity?: Severity;
  assignee: string;
  /**
   * Whether the owner is a tier's queue rather than a person: anyone on staff may take a queued
   * case. Absent (an older snapshot) counts as a queue.
   */
  ownedByPerson?: boolean;
  evidenceRequested: boolean;
  feedbackGiven: boolean;
  /** The case waits for the customer's choice after a failed delivery. */
  awaitingRemedy?: boolean;
  /** A resolve, cancel or reopen still being applied, or the case moving to its next run. */
  phaseChangePending?: string;
  /** The latest claim, if any: its status, kind and who may approve it. */
  claim?: ClaimFacts;
  /** What the case has paid on all its claims (a loss is paid once; goodwill is capped). */
  paid?: PaidOnCase;
  /** The case policy's goodwill caps; absent where only `allowedActions` is computed. */
  goodwill?: GoodwillPolicy;
}

interface ClaimFacts {
  status: ClaimStatus;
  kind: ClaimProposal['kind'];
  approvers: readonly Role[];
  /** Who proposed it: never the one who approves it. */
  proposedBy?: string;
  /** The most an approver may set without an expert's override. */
  ceilingFen?: number;
  /** A failed payout still waiting for a supervisor's retry or rejection. */
  payoutDecisionAwaited?: boolean;
}

/** The claim facts of a case whose latest claim is `claim` (workflow and API alike). */
export function claimFactsOf(claim: ClaimView | undefined, policy?: Pick<SlaPolicy, 'goodwill'>): Pick<CaseFacts, 'claim' | 'paid' | 'goodwill'> {
  return {
    ...(claim
      ? {
          claim: {
            status: claim.status,
            kind: claim.kind,
            approvers: claim.approvers ?? [],
            proposedBy: claim.proposedBy,
            ...(claim.ceilingFen !== undefined ? { ceilingFen: claim.ceilingFen } : {}),
            ...(claim.status === 'PAYOUT_FAILED' && claim.payoutDecision === 'awaited' ? { payoutDecisionAwaited: true } : {}),
          },
        }
      : {}),
    paid: paidOnCase(claim),
    ...(policy ? { goodwill: goodwillLimits(policy) } : {}),
  };
}

/**
 * The facts the rules look at, from a case as readers see it (the API's read model) or as the
 * workflow holds it; the workflow also passes its policy, whose goodwill caps the rules enforce.
 */
export function factsOf(
  view: Pick<
    CaseView,
    'status' | 'tier' | 'priority' | 'severity' | 'assignee' | 'assigneeKind' | 'evidence' | 'feedback' | 'claim' | 'awaitingRemedy' | 'pendingPhaseChange'
  >,
  policy?: Pick<SlaPolicy, 'goodwill'>,
): CaseFacts {
  return {
    ...(view.pendingPhaseChange ? { phaseChangePending: view.pendingPhaseChange } : {}),
    ...claimFactsOf(view.claim, policy),
    status: view.status,
    tier: view.tier,
    priority: view.priority,
    ...(view.severity && view.severity !== 'general' ? { severity: view.severity } : {}),
    assignee: view.assignee,
    ...(view.assigneeKind === 'person' ? { ownedByPerson: true } : {}),
    evidenceRequested: Boolean(view.evidence?.requested),
    ...(view.awaitingRemedy ? { awaitingRemedy: true } : {}),
    feedbackGiven: Boolean(view.feedback),
  };
}

export type ActionRefusal = { kind: 'Forbidden' | 'InvalidState' | 'InvalidInput'; message: string };

/** Who asks: a role, or a principal (its id lets the rules keep a proposer from approving). */
export type Caller = Role | { id: string; role: Role };
const roleOf = (caller: Caller): Role => (typeof caller === 'string' ? caller : caller.role);
const idOf = (caller: Caller): string | undefined => (typeof caller === 'string' ? undefined : caller.id);

const STAFF: readonly Role[] = ['agent', 'supervisor', 'expert'];
const ROLES_FOR: Record<CaseActionName, readonly Role[]> = {
  note: [...STAFF, 'system'],
  assign: ['supervisor', 'expert'],
  escalate: STAFF,
  'set-priority': STAFF,
  'request-evidence': STAFF,
  'add-evidence': [...STAFF, 'system'],
  'propose-claim': STAFF,
  'approve-claim': ['supervisor', 'expert'],
  'reject-claim': ['supervisor', 'expert'],
  reship: STAFF,
  'choose-remedy': [...STAFF, 'system'],
  // Moving a deadline is a supervisor's call (an incident, a customer's agreement), never silent.
  'extend-sla': ['supervisor', 'expert'],
  resolve: STAFF,
  reopen: STAFF,
  cancel: ['supervisor', 'expert'],
  // Taking a case is the agent's own move (the queue's "next" takes on their behalf).
  take: STAFF,
  reply: STAFF,
  'log-call': STAFF,
  // How serious a complaint is, and the plan for a major one, are the supervisors' call.
  'set-severity': ['supervisor', 'expert'],
  'record-plan': ['supervisor', 'expert'],
  feedback: ['system', 'agent'],
};

/** Who owns decisions at each tier (權限分級): resolving an escalated case is its owner's call. */
const DECIDERS_AT_TIER: Record<EscalationTier, readonly Role[]> = {
  1: STAFF,
  2: ['supervisor', 'expert'],
  3: ['expert'],
};

const isActive = (facts: CaseFacts) => !FINISHED_STATUSES.includes(facts.status);

/** Whether `role` may take `name` now, before looking at the action's own fields. */
export function permission(facts: CaseFacts, name: CaseActionName, caller: Caller): ActionRefusal | undefined {
  const role = roleOf(caller);
  if (!ROLES_FOR[name].includes(role)) {
    return { kind: 'Forbidden', message: `role ${role} may not ${name}; allowed: ${ROLES_FOR[name].join(', ')}` };
  }
  const state = (message: string): ActionRefusal => ({ kind: 'InvalidState', message: `${message} (case is ${facts.status})` });
  switch (name) {
    case 'note':
      return facts.status === 'CLOSED' || facts.status === 'CANCELLED' ? state('a closed case takes no more notes') : undefined;
    case 'escalate':
      if (!isActive(facts)) return state('only an open case can be escalated');
      return facts.tier >= 3 ? state('the case is already at tier 3') : undefined;
    case 'request-evidence':
      if (!isActive(facts)) return state('evidence is requested only while the case is worked');
      return facts.evidenceRequested ? state('evidence has already been requested and not yet received') : undefined;
    case 'propose-claim':
      if (!isActive(facts)) return state('claims are proposed while the case is worked');
      return facts.claim && CLAIM_IN_PROGRESS.includes(facts.claim.status) ? state(`claim is ${facts.claim.status}: one claim at a time`) : undefined;
    case 'choose-remedy':
      return facts.awaitingRemedy && isActive(facts) ? undefined : state('the case is not waiting for a customer decision');
    case 'approve-claim':
    case 'reject-claim':
      // A failed payout waits for the same people: approving again retries it, rejecting ends it
      // (only while its claim still waits: an older claim's failure, or a lapsed one, has ended).
      if (facts.claim?.status !== 'AWAITING_APPROVAL' && !(facts.claim?.status === 'PAYOUT_FAILED' && facts.claim.payoutDecisionAwaited)) {
        return state('no claim is awaiting approval or a payout decision');
      }
      if (facts.claim.proposedBy !== undefined && facts.claim.proposedBy === idOf(caller)) {
        return { kind: 'Forbidden', message: 'nobody decides on a claim they proposed: another supervisor or an expert decides' };
      }
      return facts.claim.approvers.includes(role)
        ? undefined
        : { kind: 'Forbidden', message: `this claim is above the ${role} approval limit; ${facts.claim.approvers.join(' or ')} may decide` };
    case 'resolve':
    case 'cancel':
      if (facts.phaseChangePending) return pendingRefusal(facts.phaseChangePending);
      if (!isActive(facts)) return state(`only an open case can be ${name === 'resolve' ? 'resolved' : 'cancelled'}`);
      if (facts.claim && CLAIM_IN_PROGRESS.includes(facts.claim.status)) return state(`a claim is ${facts.claim.status}: settle it first`);
      if (name === 'resolve' && !DECIDERS_AT_TIER[facts.tier].includes(role)) {
        return { kind: 'Forbidden', message: `at tier ${facts.tier} only ${DECIDERS_AT_TIER[facts.tier].join(' or ')} may resolve` };
      }
      return undefined;
    case 'reopen':
      if (facts.phaseChangePending) return pendingRefusal(facts.phaseChangePending);
      if (facts.status === 'RESOLVED' || (facts.status === 'AWAITING_FEEDBACK' && !facts.feedbackGiven)) return undefined;
      return state('only a resolved case still awaiting feedback can be reopened');
    case 'take':
      return takeRefusal(facts, caller, state);
    case 'feedback':
      return facts.status === 'AWAITING_FEEDBACK' && !facts.feedbackGiven ? undefined : state('feedback is taken only while AWAITING_FEEDBACK');
    default:
      return isActive(facts) ? undefined : state(`${name} needs an open case`);
  }
}

/**
 * A case is taken from a queue, or from a person only by a supervisor or expert (a colleague's
 * case is not taken from under them); nobody takes what they already own.
 */
function takeRefusal(facts: CaseFacts, caller: Caller, state: (message: string) => ActionRefusal): ActionRefusal | undefined {
  if (!isActive(facts)) return state('only an open case can be taken');
  if (facts.assignee === idOf(caller)) return state(`the case is already yours (${facts.assignee})`);
  if (facts.ownedByPerson && roleOf(caller) === 'agent') return state(`the case is owned by ${facts.assignee}: a supervisor may reassign it`);
  return undefined;
}

/** What `phaseChangePending` says while a case winds down to continue as new. */
export const MOVING_TO_NEXT_RUN = 'move to the next run';

/** One phase change at a time: a second would overwrite the first, which then never answers. */
export function pendingRefusal(pending: string): ActionRefusal {
  return pending === MOVING_TO_NEXT_RUN
    ? { kind: 'InvalidState', message: 'the case is moving to its next run: try again in a moment' }
    : { kind: 'InvalidState', message: `a ${pending} is already being applied to this case` };
}

const nonEmpty = (value: unknown, max: number) => typeof value === 'string' && value.trim().length > 0 && value.length <= max;

/** Checks an action completely: permission, state, and its own fields. */
export function checkAction(facts: CaseFacts, action: CaseAction, caller: Caller): ActionRefusal | undefined {
  const refused = permission(facts, action.action, caller);
  if (refused) return refused;
  const invalid = (message: string): ActionRefusal => ({ kind: 'InvalidInput', message });
  switch (action.action) {
    case 'note':
      return nonEmpty(action.text, LIMITS.noteText) ? undefined : invalid(`text must be 1–${LIMITS.noteText} characters`);
    case 'assign':
      if (!nonEmpty(action.assignee, LIMITS.assignee)) return invalid(`assignee must be 1–${LIMITS.assignee} characters`);
      return action.assignee === facts.assignee ? { kind: 'InvalidState', message: `the case is already assigned to ${facts.assignee}` } : undefined;
    case 'escalate':
    case 'reopen':
    case 'cancel':
      return checkReason(action.reason);
    case 'set-priority':
      if (!PRIORITIES.includes(action.priority)) return invalid(`priority must be one of ${PRIORITIES.join(', ')}`);
      return action.priority === facts.priority ? { kind: 'InvalidState', message: `priority is already ${facts.priority}` } : undefined;
    case 'request-evidence':
      return nonEmpty(action.what, LIMITS.evidenceText) ? undefined : invalid('what must say which evidence is needed');
    case 'add-evidence':
      return nonEmpty(action.evidence?.description, LIMITS.evidenceText)
        ? undefined
        : invalid(`evidence.description must be 1–${LIMITS.evidenceText} characters`);
    case 'propose-claim':
      return checkProposal(facts, action);
    case 'approve-claim':
      if (action.amountFen !== undefined && !(Number.isInteger(action.amountFen) && action.amountFen > 0 && action.amountFen <= LIMITS.maxFen)) {
        return invalid('amountFen must be a positive whole number of fen');
      }
      if (action.note !== undefined && !nonEmpty(action.note, LIMITS.approvalNote)) return invalid(`note must be 1–${LIMITS.approvalNote} characters`);
      if (action.reason !== undefined && checkReason(action.reason)) return checkReason(action.reason);
      return checkApprovedAmount(facts, action, roleOf(caller));
    case 'reject-claim':
    case 'reship':
      if (checkReason(action.reason)) return checkReason(action.reason);
      if (action.action === 'reship' && action.items !== undefined && !validItems(action.items)) {
        return invalid(`items must be 1–${LIMITS.maxItems} {sku, qty} with a whole qty of 1–${LIMITS.maxQty}`);
      }
      return undefined;
    case 'extend-sla':
      if (!CLOCK_NAMES.includes(action.clock)) return invalid(`clock must be one of ${CLOCK_NAMES.join(', ')}`);
      if (!Number.isInteger(action.byMs) || action.byMs <= 0 || action.byMs > LIMITS.maxSlaExtensionMs)
        return invalid('the extension must be more than 0 and at most 30 days');
      return checkReason(action.reason);
    case 'choose-remedy':
      if (!REMEDIES.includes(action.remedy)) return invalid(`remedy must be one of ${REMEDIES.join(', ')}`);
      return action.remedy === 'redirect' && !action.newAddress ? invalid('a redirect needs newAddress') : undefined;
    case 'take':
      return action.reason === undefined ? undefined : checkReason(action.reason);
    case 'reply': {
      const problem = replyProblem(action);
      return problem ? invalid(problem) : undefined;
    }
    case 'log-call': {
      const problem = callProblem(action);
      return problem ? invalid(problem) : undefined;
    }
    case 'set-severity':
      if (!SEVERITIES.includes(action.severity)) return invalid(`severity must be one of ${SEVERITIES.join(', ')}`);
      if (action.severity === (facts.severity ?? 'general')) return { kind: 'InvalidState', message: `severity is already ${action.severity}` };
      return checkReason(action.reason);
    case 'record-plan':
      return nonEmpty(action.plan, LIMITS.resolutionSummary) ? undefined : invalid(`plan must be 1–${LIMITS.resolutionSummary} characters`);
    case 'resolve':
      return typeof action.outcome === 'string' && OUTCOME_PATTERN.test(action.outcome) && nonEmpty(action.summary, LIMITS.resolutionSummary)
        ? undefined
        : invalid(`outcome (a short lower-case code) and summary (≤ ${LIMITS.resolutionSummary}) are required`);
  }
}

function checkReason(reason: unknown): ActionRefusal | undefined {
  return nonEmpty(reason, LIMITS.reason) ? undefined : { kind: 'InvalidInput', message: `reason must be 1–${LIMITS.reason} characters` };
}

/**
 * An approver's amount is bounded by the calculator's (the claim's ceiling). Only an expert (tier
 * 3) may approve more, and only with a reason (`reason`, or the approval's `note`), which the
 * claim records as an override. A failed payout is retried for the approved amount.
 */
function approvalOverrideReason(action: { reason?: string; note?: string }): string | undefined {
  return action.reason ?? action.note;
}

function checkApprovedAmount(facts: CaseFacts, action: { amountFen?: number; reason?: string; note?: string }, role: Role): ActionRefusal | undefined {
  const claim = facts.claim;
  if (action.amountFen === undefined || !claim) return undefined;
  if (claim.status === 'PAYOUT_FAILED') {
    return { kind: 'InvalidInput', message: 'a payout retry pays the approved amount: reject the claim and propose a new one to change it' };
  }
  if (claim.ceilingFen === undefined || action.amountFen <= claim.ceilingFen) return undefined;
  const above = `${formatYuan(action.amountFen)} is above the calculated ${formatYuan(claim.ceilingFen)}`;
  if (role !== 'expert') return { kind: 'Forbidden', message: `${above}: only an expert may approve more, with a reason` };
  return approvalOverrideReason(action) === undefined ? { kind: 'InvalidInput', message: `${above}: give the reason for the override` } : undefined;
}

function checkProposal(facts: CaseFacts, proposal: ClaimProposal): ActionRefusal | undefined {
  const invalid = (message: string): ActionRefusal => ({ kind: 'InvalidInput', message });
  if (!(CLAIM_KINDS as readonly string[]).includes(proposal.kind)) return invalid(`kind must be ${CLAIM_KINDS.join(', ')}`);
  if (!Number.isInteger(proposal.actualLossFen) || proposal.actualLossFen <= 0 || proposal.actualLossFen > LIMITS.maxFen) {
    return invalid('actualLossFen must be a positive whole number of fen');
  }
  if (proposal.damagedShare !== undefined && !(proposal.damagedShare > 0 && proposal.damagedShare <= 1)) {
    return invalid('damagedShare must be more than 0 and at most 1');
  }
  if (checkReason(proposal.reason)) return checkReason(proposal.reason);
  // One loss or damage claim paid per case, whatever came after it: a second would pay the same
  // loss twice. Goodwill may follow, within the policy's caps.
  const paid = facts.paid ?? { kinds: facts.claim?.status === 'PAID' ? [facts.claim.kind] : [], goodwillCount: 0, goodwillFen: 0 };
  if (proposal.kind !== 'goodwill' && paid.kinds.some((kind) => kind !== 'goodwill')) {
    return { kind: 'InvalidState', message: 'this case already paid a claim for the loss; only goodwill may follow' };
  }
  if (proposal.kind === 'goodwill' && facts.goodwill) {
    const { maxPerCase, maxTotalFen } = facts.goodwill;
    if (paid.goodwillCount >= maxPerCase) {
      return { kind: 'InvalidState', message: `this case already paid goodwill ${paid.goodwillCount} time(s): the policy allows ${maxPerCase}` };
    }
    if (paid.goodwillFen + proposal.actualLossFen > maxTotalFen) {
      return {
        kind: 'InvalidState',
        message: `goodwill on this case would total ${formatYuan(paid.goodwillFen + proposal.actualLossFen)}: the policy allows ${formatYuan(maxTotalFen)}`,
      };
    }
  }
  return undefined;
}

function validItems(items: unknown): boolean {
  return (
    Array.isArray(items) &&
    items.length > 0 &&
    items.length <= LIMITS.maxItems &&
    items.every((item: OrderItem) => nonEmpty(item?.sku, LIMITS.sku) && Number.isInteger(item?.qty) && item.qty > 0 && item.qty <= LIMITS.maxQty)
  );
}

/** What the caller may do next: every action whose permission holds now. */
export function allowedActions(facts: CaseFacts, caller: Caller): CaseActionName[] {
  return CASE_ACTION_NAMES.filter((name) => permission(facts, name, caller) === undefined);
}
