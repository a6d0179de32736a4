import { keepsPromise, type CallDirection, type CallRecord, type PromiseMade, type PromiseRecord, type ReplyRecord } from '../../../../domain/agent-contact';
import type { Actor } from '../../../../domain/types';
import { showCurrentDetails } from '../projections';
import type { Changing } from './changing';

/** Changes for staff's own contact with the customer: taking the case, replies, calls, promises. */

/** The caller becomes the case's owner; the trail says who took it from whom and why. */
export function take(c: Changing, actor: Actor, reason: string): void {
  const from = c.d.assignee;
  c.d.assignee = actor.id;
  c.record('case.taken', `${actor.id} took the case from ${from}: ${reason}`, { from, to: actor.id, reason }, actor);
  showCurrentDetails(c.d, `taken by ${actor.id}`);
}

export function addReply(c: Changing, reply: ReplyRecord, key: string, actor: Actor): void {
  c.d.replies.push(reply);
  const data = { channel: reply.channel, key, ...(reply.scriptId ? { scriptId: reply.scriptId } : {}), text: reply.text };
  if (reply.outcome === 'sent') c.record('reply.sent', `reply via ${reply.channel}${reply.scriptId ? ` (script ${reply.scriptId})` : ''}`, data, actor);
  else c.record('reply.failed', `reply via ${reply.channel} could not be sent`, data, actor);
}

export function logCall(c: Changing, call: CallRecord, actor: Actor): void {
  c.d.calls.push(call);
  const { at: _at, by: _by, ...data } = call;
  c.record('call.logged', `${call.direction} call, ${call.outcome}, ${call.durationSeconds}s: ${short(call.summary)}`, data, actor);
}

/** A promise the customer was given: open until kept, or broken when its time comes. */
export function makePromise(c: Changing, promise: PromiseMade, actor: Actor): PromiseRecord {
  c.d.promiseCount += 1;
  const now = Date.now();
  const made: PromiseRecord = {
    id: `promise-${c.d.promiseCount}`,
    kind: promise.kind,
    what: promise.what,
    by: new Date(now + promise.dueInMs).toISOString(),
    madeBy: actor.id,
    madeAt: new Date(now).toISOString(),
    status: 'open',
  };
  c.d.promises.push(made);
  c.record('promise.made', `promised ${promise.kind} by ${made.by}: ${short(promise.what)}`, { ...made }, actor);
  return made;
}

/** Keeps every open promise this contact fulfils (a reply, an outbound call, the resolution). */
export function keepPromises(c: Changing, contact: { reply: true } | { call: CallDirection } | { resolved: true }, actor?: Actor): void {
  for (const promise of c.d.promises) {
    if (promise.status !== 'open' || !keepsPromise(promise.kind, contact)) continue;
    promise.status = 'kept';
    promise.settledAt = new Date().toISOString();
    c.record('promise.kept', `kept: ${short(promise.what)}`, { id: promise.id, kind: promise.kind, what: promise.what, by: promise.by }, actor);
  }
}

/** A promise whose time came while still open; false when it was settled meanwhile. */
export function breakPromise(c: Changing, id: string): boolean {
  const promise = c.d.promises.find((known) => known.id === id);
  if (!promise || promise.status !== 'open') return false;
  promise.status = 'broken';
  promise.settledAt = new Date().toISOString();
  c.record('promise.broken', `broken: ${short(promise.what)}`, { id, kind: promise.kind, what: promise.what, by: promise.by, madeBy: promise.madeBy });
  return true;
}

const short = (text: string): string => (text.length > 80 ? `${text.slice(0, 77)}...` : text);
