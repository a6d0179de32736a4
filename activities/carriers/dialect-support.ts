import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { TrackingEvent } from '../../domain/tracking';

/** Helpers every carrier dialect shares: errors, China wall-clock times, stable event ids. */

/**
 * The carrier answered in a way we cannot use (bad signature, platform error, unreadable body).
 * A plain Error, so Temporal retries it: a rotated secret or a platform hiccup heals without a
 * redeploy of the workflow.
 */
export class CarrierProtocolError extends Error {
  override name = 'CarrierProtocolError';
}

/** The carrier says our request itself is malformed: retrying the same request cannot help. */
export function malformedRequest(provider: string, detail: string, details?: unknown): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`${provider} rejected the request as malformed: ${detail}`, 'CarrierBadRequest', details);
}

/**
 * Chinese carrier APIs speak local wall-clock time without a zone (UTC+8, no DST), e.g.
 * `2024-05-01 18:30:00` or JD's `2024/05/01 18:30:00`. Returns ISO-8601 UTC; text that is not such
 * a time is returned unchanged rather than invented.
 */
export function chinaLocalToIso(text: string): string {
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (m === null) return text;
  const pad = (v: string | undefined): string => (v ?? '00').padStart(2, '0');
  const date = new Date(`${m[1]}-${pad(m[2])}-${pad(m[3])}T${pad(m[4])}:${pad(m[5])}:${pad(m[6])}+08:00`);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}

/**
 * Carriers that answer a pull query with no event ids (SF, JD, Kuaidi100) get one made from what
 * identifies the scan: waybill, time, code and a short hash of the text. The same scan seen on the
 * next poll gets the same id, so consumers deduplicating by (provider, eventId) see it once.
 */
export function stableEventId(waybillNo: string, when: string, code: string, text: string): string {
  const digest = createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 10);
  return `${waybillNo}:${when}:${code}:${digest}`;
}

/** Oldest first; events at the same instant keep the carrier's order (Array.prototype.sort is stable). */
export function oldestFirst(events: TrackingEvent[]): TrackingEvent[] {
  if (events.some((e) => Number.isNaN(Date.parse(e.occurredAt)))) return [...events];
  return [...events].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
}

export function md5(text: string, encoding: 'hex' | 'base64'): string {
  return createHash('md5').update(text, 'utf8').digest(encoding);
}
