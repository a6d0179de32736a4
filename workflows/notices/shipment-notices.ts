import { ActivityFailure, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  deferredToOpenCase,
  exceptionTextOf,
  isExceptionMilestone,
  isNews,
  milestoneOf,
  progressRank,
  templateOf,
  type Milestone,
  type MilestoneEvent,
} from '../../domain/milestones';
import { CARRIER_NAMES_ZH } from '../../domain/notification-templates';
import { quietHoursEnd } from '../../domain/notice-policy';
import type { NotificationChannel } from '../../domain/types';
import { milestoneSends, noticeStore } from './activities';
import {
  milestoneEventSignal,
  milestoneNoticeKey,
  shipmentNoticesQuery,
  shipmentNoticesWorkflowId,
  type NoticeOutcome,
  type PendingNotice,
  type ShipmentContacts,
  type ShipmentNoticesInput,
  type ShipmentNoticesState,
} from './contract';

/**
 * One waybill's proactive notices (主動觸達): every accepted tracking event is signalled here
 * (signal-with-start from the API); each milestone it marks is told once per channel.
 *
 * - Once: a milestone is handled once per waybill (remembered across continue-as-new), and each
 *   send carries the key `notice:<waybill>:<milestone>:<channel>` through the notification outbox,
 *   so a retried activity, a redelivered event or a new run never sends twice.
 * - Order: a late scan of an earlier step (out for delivery after signed) is not told.
 * - Cases: `signed` and exception steps defer to a case working on the waybill (its own notices
 *   tell them); an exception first waits `caseGraceMs` for the case its own push may open.
 * - Quiet hours: an SMS due at night waits on a durable timer until the quiet hours end; in-app
 *   and WeCom go at once (an inbox or a group chat does not ring a phone at night).
 * - WeCom: handed to the store bot's outbox workflow, which keeps to the bot's rate limit.
 * - No customer: a waybill the order system does not know is recorded (`no_customer`) for each
 *   milestone, and asked again at the next one.
 */

const SEEN_EVENTS_KEPT = 200;
const LOG_KEPT = 100;
const DEFAULT_EVENTS_PER_RUN = 500;

export async function shipmentNoticesWorkflow(input: ShipmentNoticesInput): Promise<void> {
  const { waybillNo, policy } = input;
  const ownerId = shipmentNoticesWorkflowId(waybillNo);
  const state: ShipmentNoticesState = input.carryOver ?? { seenEventIds: [], milestones: [], pending: [], lastEventAt: Date.now(), log: [] };
  const inbox: MilestoneEvent[] = [];
  let eventsThisRun = 0;

  setHandler(milestoneEventSignal, (event) => {
    if (state.seenEventIds.includes(event.eventId) || inbox.some((queued) => queued.eventId === event.eventId)) return;
    inbox.push(event);
  });
  setHandler(shipmentNoticesQuery, () => state);

  const record = async (milestone: Milestone, channel: NotificationChannel | 'all', outcome: NoticeOutcome, detail?: string): Promise<void> => {
    state.log.push({ milestone, channel, outcome, at: new Date().toISOString(), ...(detail ? { detail } : {}) });
    if (state.log.length > LOG_KEPT) state.log.splice(0, state.log.length - LOG_KEPT);
    if (outcome !== 'superseded') await noticeStore.recordShipmentNotice({ waybillNo, milestone, channel, outcome, ...(detail ? { detail } : {}) });
  };

  /** Takes in one event: which milestone it marks, and whether that is news. */
  const takeIn = async (event: MilestoneEvent): Promise<void> => {
    state.seenEventIds.push(event.eventId);
    if (state.seenEventIds.length > SEEN_EVENTS_KEPT) state.seenEventIds.splice(0, state.seenEventIds.length - SEEN_EVENTS_KEPT);
    state.lastEventAt = Date.now();
    state.carrier ??= event.carrier;
    const milestone = milestoneOf(event);
    if (milestone === undefined || state.milestones.includes(milestone)) return;
    state.milestones.push(milestone);
    if (!isNews(milestone, state.furthestRank)) return record(milestone, 'all', 'superseded', 'a later step was already told');
    const rank = progressRank(milestone);
    if (rank !== undefined) state.furthestRank = rank;
    if (milestone === 'signed') state.signedAt = Date.now();
    const params = {
      waybillNo,
      carrierName: CARRIER_NAMES_ZH[event.carrier] ?? CARRIER_NAMES_ZH.OTHER ?? '承运商',
      location: event.location ?? '',
      ...(isExceptionMilestone(milestone) ? { exceptionText: exceptionTextOf(milestone) } : {}),
    };
    const dueAt = isExceptionMilestone(milestone) ? Date.now() + policy.caseGraceMs : Date.now();
    state.pending.push({ milestone, channel: 'all', dueAt, params });
  };

  const contacts = async (): Promise<ShipmentContacts | null> => {
    // Unknown so far (not asked, or the order system did not know it): ask again.
    if (!state.contacts) state.contacts = await noticeStore.lookUpShipmentContacts({ waybillNo });
    return state.contacts;
  };

  const send = async (notice: PendingNotice, channel: 'sms' | 'inapp', who: ShipmentContacts): Promise<void> => {
    try {
      await milestoneSends.sendNotification({
        idempotencyKey: milestoneNoticeKey(waybillNo, notice.milestone, channel),
        caseId: ownerId,
        channel,
        template: templateOf(notice.milestone),
        recipient: { userId: who.userId, ...(who.phone ? { phone: who.phone } : {}), ...(who.storeId ? { storeId: who.storeId } : {}) },
        params: notice.params,
      });
      await record(notice.milestone, channel, 'sent');
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      await record(notice.milestone, channel, 'failed', error.cause?.message ?? error.message);
    }
  };

  /** Tells a due milestone on every channel the customer has (`all`), or sends a held SMS. */
  const tell = async (notice: PendingNotice): Promise<void> => {
    const who = await contacts();
    if (!who) return record(notice.milestone, 'all', 'no_customer', 'the order system has no order for this waybill');
    const params = { ...notice.params, orderId: who.orderId, customerName: who.customerName };
    if (notice.channel === 'sms') return send({ ...notice, params }, 'sms', who);
    if (deferredToOpenCase(notice.milestone)) {
      const caseId = await noticeStore.openCaseForWaybill({ waybillNo });
      if (caseId) return record(notice.milestone, 'all', 'case_speaks', `case ${caseId} tells the customer`);
    }
    if (who.phone) {
      const quietEnd = quietHoursEnd(Date.now(), policy.quietHours);
      if (quietEnd === undefined) await send({ ...notice, params }, 'sms', who);
      else {
        state.pending.push({ milestone: notice.milestone, channel: 'sms', dueAt: quietEnd, params });
        await record(notice.milestone, 'sms', 'held', `quiet hours: sent at ${new Date(quietEnd).toISOString()}`);
      }
    }
    await send({ ...notice, params }, 'inapp', who);
    if (who.wecomKey && who.wecomBotId) {
      await noticeStore.enqueueWecomNotice({
        botId: who.wecomBotId,
        pace: policy.wecom,
        message: {
          key: milestoneNoticeKey(waybillNo, notice.milestone, 'wecom'),
          ownerId,
          template: templateOf(notice.milestone),
          params,
          recipient: { userId: who.userId, wecomKey: who.wecomKey, ...(who.storeId ? { storeId: who.storeId } : {}) },
          waybillNo,
          milestone: notice.milestone,
        },
      });
      await record(notice.milestone, 'wecom', 'queued', 'in the store bot’s outbox');
    }
  };

  for (;;) {
    while (inbox.length > 0) {
      await takeIn(inbox.shift() as MilestoneEvent);
      eventsThisRun += 1;
    }
    // Oldest due first; new signals wait in the inbox meanwhile.
    state.pending.sort((a, b) => a.dueAt - b.dueAt);
    while (state.pending.length > 0 && (state.pending[0] as PendingNotice).dueAt <= Date.now()) {
      await tell(state.pending.shift() as PendingNotice);
    }
    if (inbox.length > 0) continue;
    if (eventsThisRun >= (input.eventsPerRun ?? DEFAULT_EVENTS_PER_RUN) || workflowInfo().continueAsNewSuggested) {
      // Signal handlers only queue, so nothing is mid-flight: the inbox is empty and the state whole.
      await continueAsNew<typeof shipmentNoticesWorkflow>({ ...input, carryOver: state });
    }
    const endAt = state.signedAt !== undefined ? state.signedAt + policy.lingerAfterSignedMs : state.lastEventAt + policy.idleCloseMs;
    state.pending.sort((a, b) => a.dueAt - b.dueAt);
    const next = state.pending[0];
    const wakeAt = Math.min(endAt, next?.dueAt ?? endAt);
    if (state.pending.length === 0 && Date.now() >= endAt) return;
    // The timer's name says what it waits for, in the Temporal UI.
    const summary = !next
      ? 'next tracking event'
      : next.channel === 'sms'
        ? `SMS ${next.milestone} held for quiet hours`
        : `${next.milestone} waits for a case to open`;
    await condition(() => inbox.length > 0, Math.max(1, wakeAt - Date.now()), { summary });
  }
}
