import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { RateLimitSettings } from '../config/platform';
import { HttpProblem, sendProblem } from './problem';

/**
 * Rate limits (express-rate-limit): per client address before authentication, per principal
 * after it, and per provider on the webhooks (a carrier pushes from many addresses; what matters
 * is how much one provider sends). Over a limit: 429 problem+json with `Retry-After` (seconds until
 * the window resets) and the draft-8 `RateLimit`/`RateLimit-Policy` headers.
 *
 * Counts live in this process's memory: behind several API replicas each counts its own share
 * (a shared store, e.g. Redis, would make them global). A limit of 0 switches that limiter off.
 */

const noop: RequestHandler = (_req, _res, next) => next();

interface LimiterOptions {
  /** Counts only requests this says failed (the rest are taken back when they finish). */
  countOnly?: (res: Response) => boolean;
  /** How a refusal is answered, for callers that read their own shape (Kuaidi100); a problem otherwise. */
  answer?: (res: Response, detail: string, retryAfterSeconds: number | undefined) => void;
}

function limiter(name: string, windowMs: number, limit: number, key: (req: Request) => string, options: LimiterOptions = {}): RequestHandler {
  if (limit <= 0) return noop;
  const { countOnly, answer } = options;
  return rateLimit({
    windowMs,
    limit,
    identifier: name,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `${name}:${key(req)}`,
    ...(countOnly ? { skipSuccessfulRequests: true, requestWasSuccessful: (_req: Request, res: Response) => !countOnly(res) } : {}),
    handler(_req, res) {
      const retryAfter = res.getHeader('retry-after');
      const retryAfterSeconds = retryAfter !== undefined ? Number(retryAfter) : undefined;
      const detail = `More than ${limit} requests in ${Math.round(windowMs / 1000)} s (${name}); retry after the Retry-After seconds`;
      if (answer) return answer(res, detail, retryAfterSeconds);
      sendProblem(
        res,
        new HttpProblem(429, 'Too many requests', detail, {
          limit: name,
          ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
        }),
      );
    },
  }) as unknown as RequestHandler;
}

/** The client's address, IPv6 grouped by /56 so one host cannot rotate through its own subnet. */
const clientAddress = (req: Request) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');

/** Before authentication: every request from one address. */
export function perClientLimit(settings: RateLimitSettings): RequestHandler {
  return limiter('per-client', settings.windowMs, settings.perClient, clientAddress);
}

/** After authentication: every request of one principal, wherever it comes from. */
export function perPrincipalLimit(settings: RateLimitSettings): RequestHandler {
  return limiter('per-principal', settings.windowMs, settings.perPrincipal, (req) => req.principal?.id ?? `anonymous:${clientAddress(req)}`);
}

/**
 * In front of /v1/webhooks: requests from one address that fail authentication (401, a bad
 * signature). Signed pushes are taken back when they finish, so a carrier's many good pushes never
 * count; an address sending unsigned garbage — whatever provider or supplier id it names — is
 * refused once it has sent `perClient` of them in a window.
 */
export function perClientUnauthenticatedWebhookLimit(settings: RateLimitSettings): RequestHandler {
  return limiter('per-client-unauthenticated-webhook', settings.windowMs, settings.perClient, clientAddress, {
    countOnly: (res) => res.statusCode === 401,
  });
}

/**
 * After a webhook's signature passed: pushes of one provider, keyed by its canonical name
 * (`tracking:generic`, `supplier:SUP-1`), never by the path as typed (routing ignores case) or by
 * anything an unsigned request chose. Only authenticated pushes reach it, so nobody can spend a
 * provider's allowance but the provider.
 */
export function perWebhookProviderLimit(settings: RateLimitSettings, provider: (req: Request) => string, answer?: LimiterOptions['answer']): RequestHandler {
  return limiter('per-webhook-provider', settings.windowMs, settings.perWebhookProvider, (req) => provider(req).slice(0, 80), answer ? { answer } : {});
}
