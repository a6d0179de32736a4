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
    throw new TransientHttpError(`${request.method} ${request.url} answered ${response.status}: ${text.slice(0, 200)}`);
  }
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    throw new TransientHttpError(`${request.method} ${request.url} answered non-JSON: ${text.slice(0, 200)}`);
  }
  if (response.status >= 400) {
    throw ApplicationFailure.nonRetryable(
      `${request.method} ${request.url} answered ${response.status}: ${text.slice(0, 300)}`,
      'HttpClientError',
      { status: response.status, body: parsed },
    );
  }
  return { status: response.status, body: parsed as T };
}
