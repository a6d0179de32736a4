import type { CaseAction } from '../../../domain/case-actions';
import { callAnswersCustomer, type ReplyChannel } from '../../../domain/agent-contact';
import type { NotificationChannel, RoleActor } from '../../../domain/types';
import type { CaseState } from '../state/case-state';
import { customerRecipient } from './customer';
import { sendOne } from './send-notice';

/**
 * Staff's own contact with the customer: a reply sent once through the notification outbox, a
 * call logged. Either may be the case's first response (it stops `firstResponse`, like the
 * automatic acknowledgement), keeps the open promises it fulfils, and may carry a new promise.
 */

/** The notification channel behind each reply channel. */
const NOTICE_CHANNEL: Record<ReplyChannel, NotificationChannel> = { sms: 'sms', 'in-app': 'inapp', 'wecom-group': 'wecom' };

type Reply = Extract<CaseAction, { action: 'reply' }>;
type Call = Extract<CaseAction, { action: 'log-call' }>;

/** Sends the reply once: its key is numbered by a counter carried across runs, never reused. */
export async function sendReply(state: CaseState, reply: Reply, actor: RoleActor): Promise<void> {
  const key = `${state.caseId}:reply:${state.nextReply()}:${NOTICE_CHANNEL[reply.channel]}`;
  const channel = NOTICE_CHANNEL[reply.channel];
  await sendOne(state, key, channel, 'case.reply', customerRecipient(state), { caseId: state.caseId, text: reply.text });
  const sent = state.data.notifications.some((notice) => notice.key === key && notice.outcome === 'sent');
  const at = new Date().toISOString();
  state.addReply(
    { at, by: actor.id, channel: reply.channel, text: reply.text, ...(reply.scriptId ? { scriptId: reply.scriptId } : {}), outcome: sent ? 'sent' : 'failed' },
    key,
    actor,
  );
  if (!sent) return;
  state.clocks.stop('firstResponse', `replied by ${actor.id}`);
  state.keepPromises({ reply: true }, actor);
  if (reply.promise) state.makePromise(reply.promise, actor);
}

export function logCall(state: CaseState, call: Call, actor: RoleActor): void {
  const { direction, outcome, durationSeconds, summary } = call;
  state.logCall({ at: new Date().toISOString(), by: actor.id, direction, outcome, durationSeconds, summary }, actor);
  if (callAnswersCustomer(call)) state.clocks.stop('firstResponse', `customer reached by ${actor.id}`);
  state.keepPromises({ call: direction }, actor);
  if (call.promise) state.makePromise(call.promise, actor);
}
