import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import pino, { type DestinationStream, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { LogLevelName, LogRequestBodies } from '../config/platform';
import { valueDeeperThan } from './json-depth';
import { redactLogLine } from './log-redaction';

/**
 * Structured JSON logs (pino), one line per event, for the API, the worker and the Temporal SDK
 * alike (worker/runtime.ts routes the SDK's and workflows' logs here). Every line passes
 * redactLogLine last, so tokens, phone numbers and names are gone whatever was logged.
 */

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: LogLevelName;
  /** Where lines go (tests capture them); stdout by default. */
  destination?: DestinationStream;
  /** Bound to every line: which process wrote it. */
  component?: string;
}

let sharedStdout: DestinationStream | undefined;

/** One asynchronous writer on stdout per process, so lines of the API's and the SDK's loggers never interleave. */
function stdout(): DestinationStream {
  sharedStdout ??= pino.destination({ dest: 1, sync: false });
  return sharedStdout;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { pid: process.pid, ...(options.component ? { component: options.component } : {}) },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: redactLogLine },
    },
    options.destination ?? stdout(),
  );
}

/** A logger that writes nothing (callers that manage their own output, such as tests and benches). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** An id a client may send (X-Request-Id) and we echo: short, printable, nothing to inject. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Probes and scrapes: logging each would drown the requests people make. */
const QUIET_PATHS = /^\/(healthz|readyz|metrics)$|^\/docs\//;

/** The route template a request matched (`/v1/cases/:caseId`), not its raw path: ids stay out of labels. */
export function routeTemplate(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (!route || typeof route.path !== 'string') return 'unmatched';
  const template = `${req.baseUrl}${route.path === '/' ? '' : route.path}`;
  return template || '/';
}

/** Deeper than this, a body is described rather than logged (redaction stops at 12 levels anyway). */
const MAX_LOGGED_DEPTH = 12;
const MAX_LOGGED_BYTES = 8_192;

/**
 * What the access log shows of a request's body. Never throws: it runs in pino-http's `finish`
 * handler, where an exception is uncaught and ends the process. The depth is measured iteratively
 * before anything recursive (JSON.stringify) sees the body.
 */
export function bodyToLog(req: Request): unknown {
  try {
    const body: unknown = req.body;
    if (body === undefined) return undefined;
    // Webhooks keep their raw body (signatures); its size says enough.
    if (Buffer.isBuffer(body)) return { bytes: body.length };
    if (valueDeeperThan(body, MAX_LOGGED_DEPTH)) return { truncated: true, reason: 'nested too deeply' };
    const text = JSON.stringify(body);
    // A huge body is cut rather than logged whole; what is logged is redacted like everything else.
    return text && text.length > MAX_LOGGED_BYTES ? { truncated: true, bytes: text.length } : body;
  } catch {
    return { truncated: true, reason: 'not loggable' };
  }
}

/**
 * The access log: one line per request with its id, method, route template, principal, status and
 * time. The id is the client's X-Request-Id when it sends a sane one, else a new UUID; either way it
 * is answered in X-Request-Id and bound to every line logged for the request (req.log).
 */
export function requestLogger(logger: Logger, bodies: LogRequestBodies): RequestHandler {
  return pinoHttp({
    logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // The answer's status is what matters; its headers (helmet's policies) are the same on every line.
    serializers: { res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }) },
    autoLogging: { ignore: (req) => QUIET_PATHS.test((req.url ?? '').split('?')[0] ?? '') },
    customLogLevel(_req, res, error) {
      if (error || res.statusCode >= 500) return 'error';
      return res.statusCode >= 400 ? 'warn' : 'info';
    },
    // Added when the response is done: the body is parsed and the route known by then.
    customSuccessObject(req, res, value: Record<string, unknown>) {
      return { ...value, ...finished(req as Request, res.statusCode) };
    },
    customErrorObject(req, res, _error, value: Record<string, unknown>) {
      return { ...value, ...finished(req as Request, res.statusCode) };
    },
  }) as unknown as RequestHandler;

  /** Never throws (see bodyToLog): a line with less in it beats a process that ends. */
  function finished(req: Request, status: number): Record<string, unknown> {
    try {
      const logBody = bodies === 'all' || (bodies === 'rejected' && status >= 400);
      const body = logBody ? bodyToLog(req) : undefined;
      return {
        route: routeTemplate(req),
        ...(req.principal ? { principal: req.principal.id } : {}),
        ...(body !== undefined ? { body } : {}),
      };
    } catch {
      return { route: 'unknown' };
    }
  }
}
