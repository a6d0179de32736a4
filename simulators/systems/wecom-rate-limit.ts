/** WeCom group robots accept at most 20 messages per rolling minute per webhook key. */
export const WECOM_MESSAGES_PER_MINUTE = 20;
const WINDOW_MS = 60_000;

export class RollingRateLimit {
  private readonly sentAt = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly now: () => Date,
  ) {}

  /** True if one more message for this key fits in the window now. */
  allows(key: string): boolean {
    return this.recent(key).length < this.limit;
  }

  count(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now().getTime());
    this.sentAt.set(key, recent);
  }

  clear(): void {
    this.sentAt.clear();
  }

  private recent(key: string): number[] {
    const cutoff = this.now().getTime() - WINDOW_MS;
    return (this.sentAt.get(key) ?? []).filter((t) => t > cutoff);
  }
}
