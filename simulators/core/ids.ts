/**
 * Counter-based identifiers (TK00000001, ...) rather than random ones, so a test that runs the same
 * steps sees the same ids and a failing run can be compared with a passing one.
 */
export class IdSequence {
  private readonly counters = new Map<string, number>();

  next(prefix: string, width = 8): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}${String(n).padStart(width, '0')}`;
  }

  /** Digits only, for formats whose ids are numeric strings. */
  nextNumeric(prefix: string, width = 12): string {
    return this.next(prefix, width).slice(prefix.length);
  }

  clear(): void {
    this.counters.clear();
  }
}
