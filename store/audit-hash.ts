import { createHash } from 'node:crypto';
import type { AuditEvent } from '../domain/case-view';

/**
 * The audit trail is a hash chain: each event's hash covers the previous hash and the event's
 * canonical JSON, so an auditor can prove no event was changed, removed or reordered.
 */

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function hashEvent(caseId: string, prevHash: string, event: AuditEvent): string {
  const body = canonicalJson({
    caseId,
    seq: event.seq,
    at: new Date(event.at).toISOString(),
    actor: event.actor,
    kind: event.kind,
    data: event.data,
  });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

export interface ChainedEvent extends AuditEvent {
  prevHash: string;
  hash: string;
}

/** Checks a whole trail; returns the first seq whose hash does not hold, or undefined. */
export function verifyChain(caseId: string, events: readonly ChainedEvent[]): number | undefined {
  let prev = GENESIS_HASH;
  for (const event of events) {
    if (event.prevHash !== prev || hashEvent(caseId, prev, event) !== event.hash) return event.seq;
    prev = event.hash;
  }
  return undefined;
}

export interface TrailIntegrity {
  verified: boolean;
  /** First seq whose hash does not hold. */
  brokenAtSeq?: number;
  /** The trail ends before the case row's anchor says it should. */
  truncated?: { expectedLastSeq: number; actualLastSeq: number };
}

/** The chain must hold and end exactly where the case row's anchor says it ends. */
export function verifyTrail(caseId: string, events: readonly ChainedEvent[], anchor: { lastSeq: number; lastHash: string | null }): TrailIntegrity {
  const brokenAtSeq = verifyChain(caseId, events);
  if (brokenAtSeq !== undefined) return { verified: false, brokenAtSeq };
  const last = events[events.length - 1];
  const actualLastSeq = last?.seq ?? 0;
  if (actualLastSeq !== anchor.lastSeq || (anchor.lastSeq > 0 && last?.hash !== anchor.lastHash)) {
    return { verified: false, truncated: { expectedLastSeq: anchor.lastSeq, actualLastSeq } };
  }
  return { verified: true };
}
