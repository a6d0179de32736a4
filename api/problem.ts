import type { ErrorRequestHandler, Response } from 'express';
import type { z } from 'zod';
import { jsonPath, type FieldError } from './field-errors';
import { findUnstorableText } from './storable-text';

/**
 * Errors as RFC 9457 problem details (`application/problem+json`). Every 4xx and 5xx the API
 * sends goes through here, so clients parse one shape.
 */

export { jsonPath } from './field-errors';

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }
}

const TYPE_BASE = 'https://errors.case-orchestrator.dev/';

export function sendProblem(res: Response, problem: HttpProblem): void {
  const slug = problem.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/(^-|-$)/g, '');
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({
      type: `${TYPE_BASE}${slug}`,
      title: problem.title,
      status: problem.status,
      ...(problem.detail ? { detail: problem.detail } : {}),
      ...problem.extra,
    });
}

export function validationProblem(error: z.ZodError, where = 'request body'): HttpProblem {
  const errors: FieldError[] = error.issues.map((issue) => ({ path: jsonPath(issue.path), message: issue.message }));
  return new HttpProblem(400, 'Invalid request', `The ${where} has ${errors.length} invalid field(s)`, { errors });
}

/**
 * Parses with a zod schema or throws a 400 problem naming every invalid field. Text PostgreSQL
 * cannot store (NUL, lone surrogates) is refused first, whatever the schema, so no write endpoint
 * can pass it on to a workflow.
 */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, where = 'request body'): T {
  const unstorable = findUnstorableText(value);
  if (unstorable.length) {
    throw new HttpProblem(400, 'Invalid request', `The ${where} has ${unstorable.length} invalid field(s)`, { errors: unstorable });
  }
  const result = schema.safeParse(value);
  if (!result.success) throw validationProblem(result.error, where);
  return result.data;
}

interface BodyParserError {
  type?: string;
  status?: number;
}

export function problemErrorHandler(log: (message: string, error: unknown) => void): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    if (error instanceof HttpProblem) return sendProblem(res, error);
    const parserError = error as BodyParserError;
    if (parserError?.type === 'entity.parse.failed') {
      return sendProblem(res, new HttpProblem(400, 'Malformed JSON', 'The request body is not valid JSON'));
    }
    if (parserError?.type === 'entity.too.large') {
      return sendProblem(res, new HttpProblem(413, 'Payload too large'));
    }
    if (typeof parserError?.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      return sendProblem(res, new HttpProblem(parserError.status, 'Bad request', (error as Error).message));
    }
    if (isStoreUnavailable(error)) {
      log('the store is unavailable', error);
      res.setHeader('Retry-After', '2');
      return sendProblem(res, new HttpProblem(503, 'Service unavailable', 'The case store is restarting or unreachable; retry shortly'));
    }
    log('unhandled error', error);
    sendProblem(res, new HttpProblem(500, 'Internal error', 'Something went wrong; it has been logged'));
  };
}

/**
 * PostgreSQL going away (a restart, a failover) rather than a fault of ours: connection
 * exceptions (SQLSTATE class 08), an administrator or crash shutdown (57P01–57P03), or the
 * socket closing under a query. The client should retry, so it gets a 503, not a 500.
 */
function isStoreUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (code.startsWith('08') || ['57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET'].includes(code))) return true;
  return typeof message === 'string' && /^Connection terminated/.test(message);
}
