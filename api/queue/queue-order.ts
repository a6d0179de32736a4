/**
 * The queue's order, as contact-centre queues order work (Zendesk views, Salesforce Omni-Channel):
 * what has already breached its SLA first, then whatever is due soonest, then the oldest case; a
 * case with no running clock comes after every case with one. store/work-queue.ts sorts the same
 * way in SQL (that is where the limit applies); this is the rule written once in code, for the
 * tests and for anything that merges queue items.
 */

export interface QueueOrderFields {
  caseId: string;
  slaBreached: boolean;
  slaDueAt: Date | null;
  openedAt: Date;
}

export function compareQueueItems(a: QueueOrderFields, b: QueueOrderFields): number {
  if (a.slaBreached !== b.slaBreached) return a.slaBreached ? -1 : 1;
  if (a.slaDueAt === null || b.slaDueAt === null) {
    if (a.slaDueAt !== b.slaDueAt) return a.slaDueAt === null ? 1 : -1;
  } else if (a.slaDueAt.getTime() !== b.slaDueAt.getTime()) {
    return a.slaDueAt.getTime() - b.slaDueAt.getTime();
  }
  if (a.openedAt.getTime() !== b.openedAt.getTime()) return a.openedAt.getTime() - b.openedAt.getTime();
  return a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0;
}

/** Whole seconds until the due time, negative once it has passed; null without a running clock. */
export function timeLeftSeconds(dueAt: Date | null, nowMs: number): number | null {
  if (dueAt === null) return null;
  return Math.floor((dueAt.getTime() - nowMs) / 1000);
}
