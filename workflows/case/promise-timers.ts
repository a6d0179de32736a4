import { condition } from '@temporalio/workflow';
import type { PromiseRecord } from '../../domain/agent-contact';
import { FINISHED_STATUSES } from '../../domain/types';
import type { CaseState } from './state/case-state';
import { notifyStaff } from './steps/staff';

/**
 * Promises kept by the clock: one durable timer per open promise, named for the Temporal UI
 * ("promise: call back by 15:00"). A promise kept or the run ending stops its timer; a timer that
 * fires on a promise still open breaks it: the trail says so, the case goes one tier up (below
 * tier 3) and its new owner is told. Open promises are carried across continue-as-new and this
 * re-arms their timers in the next run. Runs beside the SLA watchdog until `isDone`.
 */
export async function keepPromisesByClock(state: CaseState, isDone: () => boolean): Promise<void> {
  const armed = new Set<string>();
  const timers: Promise<void>[] = [];
  const unarmed = (): ReadonlyArray<Readonly<PromiseRecord>> => state.data.promises.filter((promise) => promise.status === 'open' && !armed.has(promise.id));
  for (;;) {
    for (const promise of unarmed()) {
      armed.add(promise.id);
      timers.push(watch(state, promise.id, Date.parse(promise.by), timerSummary(promise), isDone));
    }
    await condition(() => isDone() || unarmed().length > 0);
    if (isDone()) break;
  }
  await Promise.all(timers);
}

async function watch(state: CaseState, id: string, dueAt: number, summary: string, isDone: () => boolean): Promise<void> {
  const settled = () => state.data.promises.find((promise) => promise.id === id)?.status !== 'open';
  // At least 1 ms: whether the timer exists must not depend on the workflow clock (waits.ts).
  await condition(() => isDone() || settled(), Math.max(1, dueAt - Date.now()), { summary });
  if (isDone() || settled() || !state.breakPromise(id)) return;
  const promise = state.data.promises.find((known) => known.id === id);
  const reason = `promise broken: ${promise?.what ?? id}`;
  if (state.data.tier < 3 && !FINISHED_STATUSES.includes(state.data.status)) state.escalate(reason);
  // The owner is told in the background, like an SLA alarm: a rate-limited bot must not hold up the case.
  state.inBackground(() => notifyStaff(state, `promise-broken:${id}`, 'staff.escalated', { reason }));
  state.showAttributes();
}

const KIND_TEXT: Record<PromiseRecord['kind'], string> = { 'call-back': 'call back', reply: 'reply', resolution: 'resolve' };

/** "promise: call back by 2026-12-08 15:00Z": what the Temporal UI shows on the timer. */
function timerSummary(promise: Readonly<PromiseRecord>): string {
  return `promise: ${KIND_TEXT[promise.kind]} by ${promise.by.slice(0, 16).replace('T', ' ')}Z`;
}
