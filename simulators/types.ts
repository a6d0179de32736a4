/**
 * The public contract of the simulators. Product tests and the dev stack are written against these
 * shapes, so they change only by agreement.
 */

export type SimulatedSystem = 'carrier' | 'sms' | 'wecom' | 'inapp' | 'wms' | 'payments' | 'oms';

export const SIMULATED_SYSTEMS: readonly SimulatedSystem[] = ['carrier', 'sms', 'wecom', 'inapp', 'wms', 'payments', 'oms'];

export interface LedgerEntry {
  seq: number;
  at: string;
  system: SimulatedSystem;
  operation: string;
  /** The key the caller sent (header Idempotency-Key, or the format's own field, e.g. SMS OutId, WMS outOrderNo). */
  idempotencyKey?: string;
  /** True when this request repeated an idempotency key already seen: the original response was returned, no new effect. */
  replay: boolean;
  /** HTTP status answered (for a dropped response: the status that would have been answered). */
  status: number;
  request: unknown;
  response: unknown;
}

export interface LedgerFilter {
  system?: SimulatedSystem;
  operation?: string;
  idempotencyKey?: string;
  includeReplays?: boolean;
}

export interface Ledger {
  entries(filter?: LedgerFilter): LedgerEntry[];
  clear(): void;
}

export interface FaultRule {
  system?: SimulatedSystem | '*';
  operation?: string | '*';
  /** Added delay before answering. */
  latencyMs?: number;
  /** 0..1: answer HTTP 503 (no effect, nothing recorded as done) with this probability (seeded PRNG). */
  failureRate?: number;
  /** The next N matching requests answer 503, then the rule stops failing. */
  failNext?: number;
  /** A business refusal in the format's own error shape, HTTP 200. */
  refuse?: boolean;
  /** Perform the effect, record it, then destroy the socket without answering. */
  dropResponse?: boolean;
  /** 0..1: `latencyMs` applies to this share of matching requests only (seeded PRNG); absent = every request. */
  latencyRate?: number;
  /** 0..1: like `dropResponse`, for this share of matching requests only (seeded PRNG). */
  dropResponseRate?: number;
}

export interface FaultInjector {
  set(rules: FaultRule[]): void;
  add(rule: FaultRule): void;
  clear(): void;
  rules(): FaultRule[];
}
