import { ACTION_LIMITS } from './action-limits';

/**
 * What an agent tells and promises the customer by hand: replies, logged calls and the promises
 * made in them. Pure vocabulary and checks, shared by the API's schemas and the workflow's
 * update validator. Safe in workflow code.
 */

/** Where a reply goes: the customer's phone, the store app's inbox, the store's WeCom group. */
export const REPLY_CHANNELS = ['sms', 'in-app', 'wecom-group'] as const;
export type ReplyChannel = (typeof REPLY_CHANNELS)[number];

export const CALL_DIRECTIONS = ['outbound', 'inbound'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

export const CALL_OUTCOMES = ['reached', 'no-answer', 'busy', 'wrong-number', 'voicemail'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** What is promised: to call back, to reply, or to have the case resolved. */
export const PROMISE_KINDS = ['call-back', 'reply', 'resolution'] as const;
export type PromiseKind = (typeof PROMISE_KINDS)[number];

/**
 * A promise as the workflow receives it: due `dueInMs` after the workflow takes it. The API turns
 * the wire's absolute `by` into this duration and scales it by SLA_TIME_SCALE like every other
 * duration, so a sped-up stack keeps its promises at the same pace as its SLA clocks.
 */
export interface PromiseMade {
  kind: PromiseKind;
  what: string;
  dueInMs: number;
}

/** One promise on the case: open until kept (before `by`) or broken (its timer fired). */
export interface PromiseRecord {
  id: string;
  kind: PromiseKind;
  what: string;
  by: string;
  madeBy: string;
  madeAt: string;
  status: 'open' | 'kept' | 'broken';
  settledAt?: string;
}

export interface ReplyRecord {
  at: string;
  by: string;
  channel: ReplyChannel;
  text: string;
  scriptId?: string;
  /** Whether the message reached the channel's provider (a failed one is not a first response). */
  outcome: 'sent' | 'failed';
}

export interface CallRecord {
  at: string;
  by: string;
  direction: CallDirection;
  outcome: CallOutcome;
  durationSeconds: number;
  summary: string;
}

export const CONTACT_LIMITS = {
  replyText: 1_000,
  scriptId: 64,
  callSummary: 2_000,
  maxCallSeconds: 86_400,
  promiseWhat: 500,
  /** A promise further out than a month is a plan, not a promise. */
  maxPromiseMs: ACTION_LIMITS.maxSlaExtensionMs,
} as const;

const nonEmpty = (value: unknown, max: number): boolean => typeof value === 'string' && value.trim().length > 0 && value.length <= max;

/** What is wrong with a reply's own fields, if anything. */
export function replyProblem(reply: { channel: unknown; text: unknown; scriptId?: unknown; promise?: unknown }): string | undefined {
  if (!(REPLY_CHANNELS as readonly unknown[]).includes(reply.channel)) return `channel must be one of ${REPLY_CHANNELS.join(', ')}`;
  if (!nonEmpty(reply.text, CONTACT_LIMITS.replyText)) return `text must be 1–${CONTACT_LIMITS.replyText} characters`;
  if (reply.scriptId !== undefined && !nonEmpty(reply.scriptId, CONTACT_LIMITS.scriptId)) return `scriptId must be 1–${CONTACT_LIMITS.scriptId} characters`;
  return reply.promise === undefined ? undefined : promiseProblem(reply.promise);
}

/** What is wrong with a logged call's own fields, if anything. */
export function callProblem(call: { direction: unknown; outcome: unknown; durationSeconds: unknown; summary: unknown; promise?: unknown }): string | undefined {
  if (!(CALL_DIRECTIONS as readonly unknown[]).includes(call.direction)) return `direction must be one of ${CALL_DIRECTIONS.join(', ')}`;
  if (!(CALL_OUTCOMES as readonly unknown[]).includes(call.outcome)) return `outcome must be one of ${CALL_OUTCOMES.join(', ')}`;
  const seconds = call.durationSeconds;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0 || seconds > CONTACT_LIMITS.maxCallSeconds) {
    return `durationSeconds must be a whole number from 0 to ${CONTACT_LIMITS.maxCallSeconds}`;
  }
  if (!nonEmpty(call.summary, CONTACT_LIMITS.callSummary)) return `summary must be 1–${CONTACT_LIMITS.callSummary} characters`;
  return call.promise === undefined ? undefined : promiseProblem(call.promise);
}

function promiseProblem(promise: unknown): string | undefined {
  if (typeof promise !== 'object' || promise === null) return 'promise must be {kind, by, what}';
  const { kind, what, dueInMs } = promise as Partial<Record<keyof PromiseMade, unknown>>;
  if (!(PROMISE_KINDS as readonly unknown[]).includes(kind)) return `promise.kind must be one of ${PROMISE_KINDS.join(', ')}`;
  if (!nonEmpty(what, CONTACT_LIMITS.promiseWhat)) return `promise.what must be 1–${CONTACT_LIMITS.promiseWhat} characters`;
  if (typeof dueInMs !== 'number' || !Number.isInteger(dueInMs) || dueInMs < 1 || dueInMs > CONTACT_LIMITS.maxPromiseMs) {
    return 'promise.by must be in the future and at most 30 days ahead';
  }
  return undefined;
}

/** Whether a contact keeps an open promise of this kind: a reply keeps "reply", an outbound call "call-back". */
export function keepsPromise(kind: PromiseKind, contact: { reply: true } | { call: CallDirection } | { resolved: true }): boolean {
  if ('reply' in contact) return kind === 'reply';
  if ('call' in contact) return kind === 'call-back' && contact.call === 'outbound';
  return kind === 'resolution';
}

/** Whether a logged call is the customer's first response: we reached them by phone. */
export const callAnswersCustomer = (call: { direction: CallDirection; outcome: CallOutcome }): boolean =>
  call.direction === 'outbound' && call.outcome === 'reached';
