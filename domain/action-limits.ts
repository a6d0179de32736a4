/**
 * The bounds of what a person or system may send with an action: anything beyond is a typo or an
 * attack. One table for the API's zod schemas (api/schemas.ts) and the workflow's update
 * validators (./case-actions.ts checkAction), so the two can never disagree.
 */
export const ACTION_LIMITS = {
  /** Characters in a free-text reason (escalate, reject, reship, extend-sla, reopen, cancel). */
  reason: 1_000,
  noteText: 4_000,
  assignee: 64,
  /** Which evidence is asked for, and an evidence item's description. */
  evidenceText: 1_000,
  evidenceUrl: 2_000,
  /** An approval's note. */
  approvalNote: 1_000,
  resolutionSummary: 2_000,
  /** Amounts in fen (分): at most ¥10,000,000. */
  maxFen: 1_000_000_000,
  sku: 64,
  maxItems: 100,
  maxQty: 10_000,
  /** An SLA extension beyond a month is not an extension but a way to switch the clock off. */
  maxSlaExtensionMs: 30 * 86_400_000,
} as const;

/** A resolution's outcome: a short lower-case code such as "delivered" or "refunded". */
export const OUTCOME_PATTERN = /^[a-z][a-z0-9_-]{1,63}$/;
