import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Milestone, MilestoneEvent } from '../../domain/milestones';
import type { NoticePolicy } from '../../domain/notice-policy';
import type { TemplateId } from '../../domain/notification-templates';
import type { NotificationChannel } from '../../domain/types';

/**
 * The message contract of proactive shipment notices (主動觸達), shared by the API (which signals
 * accepted tracking events), the workflows, the activities (which enqueue WeCom messages) and the
 * tests.
 *
 * - `shipment-notices/<waybillNo>`: one workflow per waybill, started or signalled with each
 *   accepted tracking event; it remembers which milestones it told, holds SMS through quiet hours
 *   and hands WeCom messages to the store bot's outbox.
 * - `wecom-outbox/<botId>`: one workflow per WeCom group bot, sending its queue at most
 *   `perWindow` messages per rolling window. `botId` is a hash of the bot's key: the key is a
 *   credential and workflow ids are shown in clear text.
 */

export const SHIPMENT_NOTICES_WORKFLOW_TYPE = 'shipmentNoticesWorkflow';
export const WECOM_OUTBOX_WORKFLOW_TYPE = 'wecomOutboxWorkflow';

export const shipmentNoticesWorkflowId = (waybillNo: string): string => `shipment-notices/${waybillNo}`;
export const wecomOutboxWorkflowId = (botId: string): string => `wecom-outbox/${botId}`;

/** The idempotency key of one milestone on one channel: sent once per waybill, whatever retries. */
export const milestoneNoticeKey = (waybillNo: string, milestone: Milestone, channel: NotificationChannel): string =>
  `notice:${waybillNo}:${milestone}:${channel}`;

/** The customer of a waybill as the order system knows it (activities/notifications/shipment-contacts.ts). */
export interface ShipmentContacts {
  orderId: string;
  customerName: string;
  /** The in-app inbox user: the customer's id. */
  userId: string;
  phone?: string;
  storeId?: string;
  /** The store's WeCom group-bot key (a credential: it travels only in encrypted payloads). */
  wecomKey?: string;
  /** Hash of `wecomKey`: names the bot's outbox workflow. */
  wecomBotId?: string;
}

export interface ShipmentNoticesInput {
  waybillNo: string;
  policy: NoticePolicy;
  /** Continue as new after this many tracking events in one run (tests set it low). Default 500. */
  eventsPerRun?: number;
  carryOver?: ShipmentNoticesState;
}

/** What happened to one milestone on one channel ('all' when it was settled for every channel). */
export type NoticeOutcome = 'sent' | 'held' | 'queued' | 'failed' | 'no_customer' | 'case_speaks' | 'superseded';

interface NoticeLogEntry {
  milestone: Milestone;
  channel: NotificationChannel | 'all';
  outcome: NoticeOutcome;
  at: string;
  detail?: string;
}

/** A milestone waiting to be told (`all`: the case grace), or an SMS waiting for quiet hours to end. */
export interface PendingNotice {
  milestone: Milestone;
  channel: 'all' | 'sms';
  dueAt: number;
  params: Record<string, string>;
}

/** The per-waybill memory, carried across continue-as-new. */
export interface ShipmentNoticesState {
  /** Event ids seen (newest last, bounded): a redelivered event is not looked at twice. */
  seenEventIds: string[];
  /** Every milestone handled, told or not: each is handled once per waybill. */
  milestones: Milestone[];
  furthestRank?: number;
  /** Undefined: not asked yet; null: the order system does not know the waybill. */
  contacts?: ShipmentContacts | null;
  carrier?: string;
  pending: PendingNotice[];
  signedAt?: number;
  lastEventAt: number;
  /** The newest outcomes (bounded), for the query and the Temporal UI. */
  log: NoticeLogEntry[];
}

export const milestoneEventSignal = defineSignal<[MilestoneEvent]>('milestoneEvent');
export const shipmentNoticesQuery = defineQuery<ShipmentNoticesState>('shipmentNotices');

/** One WeCom markdown message for a store's group, as queued in the bot's outbox. */
export interface WecomOutboxMessage {
  key: string;
  /** Owner of the outbox row (the shipment-notices workflow id). */
  ownerId: string;
  template: TemplateId;
  params: Record<string, string>;
  recipient: { userId: string; storeId?: string; wecomKey: string };
  /** For the shipment_notices record of the outcome. */
  waybillNo: string;
  milestone: Milestone;
}

export interface WecomOutboxInput {
  botId: string;
  pace: NoticePolicy['wecom'];
  /** Continue as new after this many sends in one run (tests set it low). Default 200. */
  sendsPerRun?: number;
  carryOver?: WecomOutboxState;
}

export interface WecomOutboxState {
  queue: WecomOutboxMessage[];
  /** Workflow times of the sends still inside the rolling window. */
  sentAt: number[];
  /** Keys sent lately (bounded): a message enqueued twice (an activity retry) is sent once. */
  recentKeys: string[];
  sentTotal: number;
  duplicatesDropped: number;
  /** The most sends ever counted inside one rolling window: never above `pace.perWindow`. */
  maxInWindow: number;
}

export const wecomEnqueueSignal = defineSignal<[WecomOutboxMessage]>('wecomEnqueue');
export const wecomOutboxQuery = defineQuery<WecomOutboxState>('wecomOutbox');
