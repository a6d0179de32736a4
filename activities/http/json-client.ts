import { ApplicationFailure } from '@temporalio/common';

/**
 * The one way adapters talk HTTP. It decides what Temporal should retry: network errors, time-outs,
 * 429 and 5xx are transient (a plain Error, retried by the activity's retry policy); any other 4xx
 * means the request itself is wrong and retrying cannot help (non-retryable ApplicationFailure).
 */

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON unless `form` is given. */
  json?: unknown;
  form?: Record<string, string>;
  timeoutMs?: number;
}

export interface HttpResponse<T> {
  status: number;
  body: T;
}

export class TransientHttpError extends Error {
  override name = 'TransientHttpError';
  /**
   * The HTTP status when the server answered; absent when no answer came (connection refused or
   * dropped, time-out): then the request may or may not have been acted on.
   */
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * Whether a failed call may still have been carried out by the server: no answer came, or a
 * gateway answered for it (500, 502, 504). 503, 429 and 408 are the server saying it did nothing;
 * any other answer (a refusal) did nothing either.
 */
export function mayHaveBeenCarriedOut(error: unknown): boolean {
  if (!(error instanceof TransientHttpError)) return false;
  return error.status === undefined || error.status === 500 || error.status === 502 || error.status === 504;
}

export async function requestJson<T>(request: HttpRequest): Promise<HttpResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  let body: string | undefined;
  if (request.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(request.form).toString();
  } else if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  }
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers,
      ...(body !== undefined ? { body } : {}),
      signal: AbortSignal.timeout(request.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new TransientHttpError(`${request.method} ${request.url} failed: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (response.status >= 500 || response.status === 429 || response.status === 408) {
    throw new TransientHttpError(`${request.method} ${request.url} answered ${response.status}: ${text.slice(0, 200)}`, response.status);
  }
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    throw new TransientHttpError(`${request.method} ${request.url} answered non-JSON: ${text.slice(0, 200)}`, response.status);
  }
  if (response.status >= 400) {
    throw ApplicationFailure.nonRetryable(`${request.method} ${request.url} answered ${response.status}: ${text.slice(0, 300)}`, 'HttpClientError', {
      status: response.status,
      body: parsed,
    });
  }
  return { status: response.status, body: parsed as T };
}
