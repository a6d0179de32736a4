import type { Request, RequestHandler } from 'express';
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

function limiter(name: string, windowMs: number, limit: number, key: (req: Request) => string): RequestHandler {
  if (limit <= 0) return noop;
  return rateLimit({
    windowMs,
    limit,
    identifier: name,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `${name}:${key(req)}`,
    handler(_req, res) {
      const retryAfter = res.getHeader('retry-after');
      sendProblem(
        res,
        new HttpProblem(
          429,
          'Too many requests',
          `More than ${limit} requests in ${Math.round(windowMs / 1000)} s (${name}); retry after the Retry-After seconds`,
          {
            limit: name,
            ...(retryAfter !== undefined ? { retryAfterSeconds: Number(retryAfter) } : {}),
          },
        ),
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

/** Mounted on /v1/webhooks: pushes of one provider (`tracking:generic`, `supplier:SUP-1`). */
export function perWebhookProviderLimit(settings: RateLimitSettings): RequestHandler {
  return limiter('per-webhook-provider', settings.windowMs, settings.perWebhookProvider, (req) => {
    const [, kind, provider] = req.path.split('/');
    return `${kind ?? ''}:${(provider ?? '').slice(0, 64)}`;
  });
}
