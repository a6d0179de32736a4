import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { checkAction, isCaseActionName, pendingRefusal, type CaseAction } from '../../domain/case-actions';
import type { CaseView } from '../../domain/case-view';
import { formatDuration } from '../../domain/durations';
import { extendClock } from '../../domain/sla-clock';
import type { RoleActor } from '../../domain/types';
import { caseActionUpdate, type CaseActionInput } from './contract';
import type { CaseState } from './state/case-state';
import type { Interruption, PhaseRequest } from './state/case-data';
import { decideClaim, recoveryPartyOf, startClaim } from './claims';
import { reship } from './steps/warehouse';
import { notifyCustomer } from './steps/customer';
import { notifyStaff } from './steps/staff';
import { logCall, sendReply } from './steps/contact';
import { changeSeverity } from './steps/severity';
import { changePriority } from './steps/priority';

/**
 * Agent and supervisor actions, received as one Temporal update. The validator runs the same
 * rules as the API's `allowedActions` (domain/case-actions), so a refused action is rejected
 * before it reaches history and changes nothing. Accepted actions change the case here, except
 * the ones that end a playbook (resolve, cancel, reopen): those are handed to the main workflow
 * loop, and the update answers once the loop has acted on them.
 */

export function registerCaseActions(state: CaseState): void {
  setHandler(
    caseActionUpdate,
    async ({ action, actor }: CaseActionInput): Promise<CaseView> => {
      await applyAction(state, action, actor);
      state.showAttributes();
      return state.view();
    },
    {
      validator: ({ action, actor }: CaseActionInput) => {
        if (!action || typeof action !== 'object' || !isCaseActionName(action.action)) {
          throw ApplicationFailure.nonRetryable(`unknown action ${String(action?.action)}`, 'InvalidInput');
        }
        const refusal = checkAction(state.facts(), action, actor);
        if (refusal) throw ApplicationFailure.nonRetryable(refusal.message, refusal.kind);
        if (action.action === 'extend-sla') {
          const clock = state.clocks.get(action.clock);
          if (!clock || clock.state === 'stopped') {
            throw ApplicationFailure.nonRetryable(`the ${action.clock} clock is not running`, 'InvalidState');
          }
        }
        if (action.action === 'reply' && action.channel === 'wecom-group' && !state.input.customer.storeId) {
          throw ApplicationFailure.nonRetryable('the customer has no store, so no store WeCom group: reply by sms or in-app', 'InvalidState');
        }
        if (action.action === 'reship' && !action.items?.length && !state.input.items?.length) {
          throw ApplicationFailure.nonRetryable('the case has no items on record: say which items to reship', 'InvalidInput');
        }
      },
    },
  );
}

async function applyAction(state: CaseState, action: CaseAction, actor: RoleActor): Promise<void> {
  const at = new Date().toISOString();
  switch (action.action) {
    case 'note':
      state.append('notes', { text: action.text, at: new Date().toISOString(), by: actor.id });
      state.record('case.note_added', action.text.length > 80 ? `${action.text.slice(0, 77)}...` : action.text, { text: action.text }, actor);
      return;

    case 'assign': {
      state.assign(action.assignee, actor);
      await notifyStaff(state, `assign:${state.data.version}`, 'staff.assigned', { reason: `由${actor.id}指派` });
      return;
    }

    case 'escalate':
      if (state.escalate(action.reason, actor)) {
        await notifyStaff(state, `escalate:tier${state.data.tier}`, 'staff.escalated', { reason: action.reason });
      }
      return;

    case 'set-priority':
      changePriority(state, action.priority, action.reason, actor);
      return;

    case 'request-evidence':
      state.requestEvidence(action.what, actor);
      await notifyCustomer(state, `evidence-request:${state.data.evidenceRequests}`, 'evidence.request', { what: action.what });
      return;

    case 'add-evidence':
      state.addEvidence(action.evidence, actor);
      return;

    case 'propose-claim': {
      const { action: _name, ...proposal } = action;
      await startClaim(state, proposal, actor, { verifyTrajectory: false, recoverFrom: proposal.kind === 'goodwill' ? 'none' : recoveryPartyOf(state) });
      return;
    }

    case 'approve-claim':
    case 'reject-claim': {
      const seen = state.data.claimRevision;
      await decideClaim(state, {
        decision: action.action === 'approve-claim' ? 'approve' : 'reject',
        actor,
        ...(action.action === 'reject-claim' ? { reason: action.reason } : {}),
        ...(action.action === 'approve-claim' && action.amountFen !== undefined ? { amountFen: action.amountFen } : {}),
        ...(action.action === 'approve-claim' && (action.reason ?? action.note) ? { reason: action.reason ?? action.note } : {}),
      });
      // Answer once the claim has moved (approved and paying, rejected, or up to a higher tier).
      await condition(() => state.data.claimRevision > seen);
      return;
    }

    case 'reship': {
      const result = await reship(state, action.items ?? state.input.items ?? [], action.reason, { actor });
      if (result.outcome !== 'created') {
        throw ApplicationFailure.nonRetryable(`the warehouse could not reship: ${result.detail}`, 'InvalidState');
      }
      return;
    }

    case 'extend-sla': {
      const clock = state.clocks.get(action.clock);
      if (!clock) return;
      state.clocks.set(extendClock(clock, Date.now(), action.byMs, action.reason));
      const extension = { clock: action.clock, byMs: action.byMs, reason: action.reason };
      state.record('sla.extended', `${action.clock} extended by ${formatDuration(action.byMs)}: ${action.reason}`, extension, actor);
      return;
    }

    case 'choose-remedy': {
      const address = action.newAddress ? { newAddress: action.newAddress } : {};
      state.chooseRemedy({ choice: action.remedy, at, by: actor.id, ...address });
      state.record(
        'customer.remedy_chosen',
        `customer chose ${action.remedy}${action.note ? `: ${action.note}` : ''}`,
        { remedy: action.remedy, ...address },
        actor,
      );
      return;
    }

    case 'take':
      state.take(actor, action.reason ?? 'taken from the queue');
      return;

    case 'reply':
      await sendReply(state, action, actor);
      return;

    case 'log-call':
      logCall(state, action, actor);
      return;

    case 'set-severity':
      changeSeverity(state, action.severity, action.reason, actor);
      return;

    case 'record-plan':
      state.recordPlan(action.plan, actor);
      return;

    case 'resolve':
    case 'cancel': {
      refuseIfPhaseChangePending(state);
      const request: Interruption =
        action.action === 'resolve'
          ? { kind: 'resolve', outcome: action.outcome, summary: action.summary, actor }
          : { kind: 'cancel', reason: action.reason, actor };
      state.requestInterruption(request);
      return settle(request);
    }

    case 'reopen': {
      refuseIfPhaseChangePending(state);
      const request = { reason: action.reason, actor };
      state.requestReopen(request);
      return settle(request);
    }
  }
}

/**
 * The validator refuses a second resolve / cancel / reopen while one is pending; this catches two
 * that passed their validators in the same activation, before either handler ran. The pending one
 * is never overwritten (its update would wait forever, and so would the workflow's end).
 */
function refuseIfPhaseChangePending(state: CaseState): void {
  const pending = state.pendingPhaseChange();
  if (pending) {
    const refusal = pendingRefusal(pending);
    throw ApplicationFailure.nonRetryable(refusal.message, refusal.kind);
  }
}

/** Waits for the main loop to act on a phase request; a superseded one fails the update. */
async function settle(request: PhaseRequest<unknown>): Promise<void> {
  await condition(() => request.settled !== undefined);
  if (request.settled === 'superseded') {
    throw ApplicationFailure.nonRetryable('the case moved on before the action could take effect', 'InvalidState');
  }
}
