import type { OutgoingPush } from './push-formats';

export interface DeliveryResult {
  delivered: boolean;
  status: number;
  body: string;
  /** Set when the target could not be reached at all (status is then 0). */
  error?: string;
}

const PUSH_TIMEOUT_MS = 10_000;

/** POSTs the push and reports what the target answered; an unreachable target is a result, not a throw. */
export async function deliverPush(targetUrl: string, push: OutgoingPush): Promise<DeliveryResult> {
  try {
    const res = await fetch(targetUrl, {
      method: 'POST',
      headers: push.headers,
      body: push.body,
      signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
    });
    const body = await res.text();
    return { delivered: res.ok, status: res.status, body };
  } catch (err) {
    return { delivered: false, status: 0, body: '', error: err instanceof Error ? err.message : String(err) };
  }
}
