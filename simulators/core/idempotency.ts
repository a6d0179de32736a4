/** The first answer given to an idempotency key, kept so a repeat gets exactly the same answer. */
export interface StoredAnswer {
  status: number;
  body: unknown;
  /** Set by operations that refuse a reused key carrying a different request (payments). */
  fingerprint?: string;
}

export class IdempotencyStore {
  private readonly answers = new Map<string, StoredAnswer>();

  lookup(scope: string, key: string): StoredAnswer | undefined {
    return this.answers.get(`${scope}\u0000${key}`);
  }

  remember(scope: string, key: string, answer: StoredAnswer): void {
    this.answers.set(`${scope}\u0000${key}`, answer);
  }

  clear(): void {
    this.answers.clear();
  }
}
