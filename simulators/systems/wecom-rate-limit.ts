/** WeCom group robots accept at most 20 messages per rolling minute per webhook key. */
export const WECOM_MESSAGES_PER_MINUTE = 20;
const WINDOW_MS = 60_000;

export class RollingRateLimit {
  private readonly sentAt = new Map<string, number[]>();
  /** Messages refused for the limit (45009) since the last clear, for tests to assert none were. */
  refused = 0;

  constructor(
    private limit: number,
    private readonly now: () => Date,
    private windowMs: number = WINDOW_MS,
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

  /** Tests shorten the window (the limit stays WeCom's) so a queue's pacing shows in seconds. */
  configure(settings: { limit?: number; windowMs?: number }): void {
    this.limit = settings.limit ?? this.limit;
    this.windowMs = settings.windowMs ?? this.windowMs;
  }

  settings(): { perWindow: number; windowMs: number; refused: number } {
    return { perWindow: this.limit, windowMs: this.windowMs, refused: this.refused };
  }

  clear(): void {
    this.sentAt.clear();
    this.refused = 0;
    this.limit = WECOM_MESSAGES_PER_MINUTE;
    this.windowMs = WINDOW_MS;
  }

  private recent(key: string): number[] {
    const cutoff = this.now().getTime() - this.windowMs;
    return (this.sentAt.get(key) ?? []).filter((t) => t > cutoff);
  }
}
