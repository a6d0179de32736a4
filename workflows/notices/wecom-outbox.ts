import { ActivityFailure, condition, continueAsNew, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { noticeStore, wecomSends } from './activities';
import { wecomEnqueueSignal, wecomOutboxQuery, type WecomOutboxInput, type WecomOutboxMessage, type WecomOutboxState } from './contract';

/**
 * One WeCom group bot's outbox (`wecom-outbox/<botId>`). A group bot takes at most 20 messages per
 * rolling minute and answers 45009 to the 21st; messages for one store's group come from many
 * waybills at once, so they are queued here and sent one at a time, never more than
 * `pace.perWindow` inside any `pace.windowMs`. Nothing is dropped: a full window waits on a
 * durable timer, and a 45009 all the same (another sender used the bot) is retried until it goes.
 *
 * A send counts from the workflow time after its answer, which is never earlier than the moment
 * the provider received it, plus a small margin for clocks that differ: the provider's window
 * always sees fewer than the limit. The queue, the recent send times and the keys sent lately
 * travel across continue-as-new, so the pace and once-only hold across runs too.
 */

const RECENT_KEYS_KEPT = 1_000;
const DEFAULT_SENDS_PER_RUN = 200;
/** An empty outbox waits this long for more before it ends (the next message starts it again). */
const IDLE_END_MS = 5 * 60_000;

export async function wecomOutboxWorkflow(input: WecomOutboxInput): Promise<void> {
  const { perWindow, windowMs } = input.pace;
  // 1 s on WeCom's minute; proportionally less on the short windows tests use.
  const marginMs = Math.min(1_000, Math.ceil(windowMs / 20));
  const state: WecomOutboxState = input.carryOver ?? { queue: [], sentAt: [], recentKeys: [], sentTotal: 0, duplicatesDropped: 0, maxInWindow: 0 };
  let sendsThisRun = 0;

  setHandler(wecomEnqueueSignal, (message: WecomOutboxMessage) => {
    if (state.recentKeys.includes(message.key) || state.queue.some((queued) => queued.key === message.key)) {
      state.duplicatesDropped += 1;
      return;
    }
    state.queue.push(message);
  });
  setHandler(wecomOutboxQuery, () => state);

  const inWindow = (): number[] => {
    const since = Date.now() - windowMs - marginMs;
    state.sentAt = state.sentAt.filter((at) => at > since);
    return state.sentAt;
  };

  const sendOne = async (message: WecomOutboxMessage): Promise<void> => {
    let outcome: 'sent' | 'failed' = 'sent';
    let detail: string | undefined;
    try {
      await wecomSends.sendNotification({
        idempotencyKey: message.key,
        caseId: message.ownerId,
        channel: 'wecom',
        template: message.template,
        recipient: message.recipient,
        params: message.params,
      });
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      outcome = 'failed';
      detail = error.cause?.message ?? error.message;
    }
    // Counted even when it failed: a refused call may still have used a slot of the window.
    state.sentAt.push(Date.now());
    state.maxInWindow = Math.max(state.maxInWindow, inWindow().length);
    state.recentKeys.push(message.key);
    if (state.recentKeys.length > RECENT_KEYS_KEPT) state.recentKeys.splice(0, state.recentKeys.length - RECENT_KEYS_KEPT);
    state.sentTotal += 1;
    sendsThisRun += 1;
    await noticeStore.recordShipmentNotice({
      waybillNo: message.waybillNo,
      milestone: message.milestone,
      channel: 'wecom',
      outcome,
      ...(detail ? { detail } : {}),
    });
  };

  for (;;) {
    while (state.queue.length > 0) {
      const recent = inWindow();
      if (recent.length >= perWindow) {
        // The window is full: wait until its oldest send leaves it.
        await sleep(Math.max(1, (recent[0] as number) + windowMs + marginMs - Date.now()), {
          summary: `WeCom window full: ${recent.length} sent in the last ${windowMs} ms`,
        });
        continue;
      }
      await sendOne(state.queue[0] as WecomOutboxMessage);
      state.queue.shift();
      if (sendsThisRun >= (input.sendsPerRun ?? DEFAULT_SENDS_PER_RUN) || workflowInfo().continueAsNewSuggested) {
        await continueAsNew<typeof wecomOutboxWorkflow>({ ...input, carryOver: state });
      }
    }
    if (!(await condition(() => state.queue.length > 0, IDLE_END_MS, { summary: 'waiting for messages' }))) return;
  }
}
