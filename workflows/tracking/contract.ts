import { defineSignal } from '@temporalio/workflow';
import type { OmsOrder } from '../../domain/oms-order';
import type { TrackingEvent } from '../../domain/tracking';
import type { Carrier, ExceptionType } from '../../domain/types';
import type { OpenCaseInput } from '../case/contract';

/**
 * Tracking in (issue 9): the messages and names of the case opener and the watchlist, shared by
 * the API (signal-with-start), the workflows and the activities.
 */

export const OPEN_TRACKED_CASE_WORKFLOW = 'openTrackedCaseWorkflow';
export const WATCHLIST_WORKFLOW = 'watchlistWorkflow';
/** The Temporal Schedule that runs the watchlist. */
export const WATCHLIST_SCHEDULE_ID = 'tracking-watchlist';

/**
 * One opener per waybill and type: two exception pushes for one new waybill at the same moment
 * signal-with-start the same workflow id, so one case opens.
 */
export function openerWorkflowId(waybillNo: string, type: ExceptionType): string {
  return `open-case:${waybillNo}:${type}`;
}

export interface OpenTrackedCaseInput {
  waybillNo: string;
  type: ExceptionType;
  carrier: Carrier;
  /** What the agent reads on the case: why it was opened. */
  reason: string;
  source: 'tracking' | 'watchlist';
  /** The watchlist rule, when the watchlist opened it. */
  rule?: string;
  /** The push that asked for the case (tracking only). */
  event?: TrackingEvent;
}

/** Wakes a running opener (the request is already durable: the event is held in PostgreSQL). */
export const exceptionSeenSignal = defineSignal<[{ provider: string; eventId: string }]>('exceptionSeen');

export interface OpenTrackedCaseResult {
  caseId: string;
  /** false: a case was already open for the waybill, and it was left to take the events. */
  opened: boolean;
  needsCompletion: boolean;
  heldEventsHanded: number;
}

/** What the activity that prepares the case is given. */
export interface PrepareTrackedCaseInput extends OpenTrackedCaseInput {
  /** The opener's workflow id and first run: the case id is derived from it, so a retry finds its own row. */
  openingId: string;
  /** The opener's start time (ISO): the case id's day, and the row's opened_at. */
  openedAt: string;
  order: OmsOrder | null;
}

export type PreparedTrackedCase =
  { outcome: 'exists'; caseId: string } | { outcome: 'prepared'; caseId: string; start: OpenCaseInput; needsCompletion: boolean };

export interface HeldEventKey {
  provider: string;
  eventId: string;
}

export interface WatchlistRunResult {
  /** Orders read from the OMS into shipments this run. */
  shipmentsSynced: number;
  evaluated: number;
  findings: number;
  /** Cases asked for (an opener started); some may find a case already open. */
  openersStarted: number;
  freshness: { carrier: string; onTheWay: number; fresh: number; share: number; oldestSilenceHours: number }[];
}
