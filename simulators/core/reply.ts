import type { Response } from 'express';

/** One HTTP answer: status and JSON body. */
export interface Reply {
  status: number;
  body: unknown;
  /**
   * A transient answer (rate limit, ...) is not the key's final answer: it is neither remembered for
   * replay nor recorded in the ledger, so a retry with the same key can still succeed.
   */
  transient?: boolean;
}

export function ok(body: unknown): Reply {
  return { status: 200, body };
}

export function transient(status: number, body: unknown): Reply {
  return { status, body, transient: true };
}

export function send(res: Response, reply: Reply): void {
  res.status(reply.status).json(reply.body);
}
