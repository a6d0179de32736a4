import type { Ledger, LedgerEntry, LedgerFilter } from '../types';

export type NewLedgerEntry = Omit<LedgerEntry, 'seq' | 'at'>;

/** Everything the simulated systems answered, in order, for tests to assert on. */
export class InMemoryLedger implements Ledger {
  private readonly recorded: LedgerEntry[] = [];
  // seq keeps counting across clear() so an entry number is never reused within one server.
  private nextSeq = 1;

  constructor(private readonly now: () => Date) {}

  record(entry: NewLedgerEntry): LedgerEntry {
    const full: LedgerEntry = { seq: this.nextSeq++, at: this.now().toISOString(), ...entry };
    if (full.idempotencyKey === undefined) delete full.idempotencyKey;
    this.recorded.push(full);
    return full;
  }

  entries(filter: LedgerFilter = {}): LedgerEntry[] {
    return (
      this.recorded
        .filter((e) => filter.system === undefined || e.system === filter.system)
        .filter((e) => filter.operation === undefined || e.operation === filter.operation)
        .filter((e) => filter.idempotencyKey === undefined || e.idempotencyKey === filter.idempotencyKey)
        .filter((e) => filter.includeReplays === true || !e.replay)
        // Copies, so a test poking at an entry cannot rewrite history.
        .map((e) => structuredClone(e))
    );
  }

  clear(): void {
    this.recorded.length = 0;
  }
}
