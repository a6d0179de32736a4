import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { ApiToken } from '../config';
import type { Role, RoleActor } from '../domain/types';
import { HttpProblem } from './problem';

/** Bearer tokens from API_TOKENS, each mapped to a principal with one role. */

export interface Principal {
  id: string;
  role: Role;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function authenticate(tokens: readonly ApiToken[]): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw new HttpProblem(401, 'Unauthorized', 'Send Authorization: Bearer <token>', {});
    }
    const presented = match[1] as string;
    const found = tokens.find((candidate) => sameToken(candidate.token, presented));
    if (!found) throw new HttpProblem(401, 'Unauthorized', 'Unknown token');
    req.principal = { id: found.principal, role: found.role };
    next();
  };
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const role = req.principal?.role;
    if (!role || !roles.includes(role)) {
      throw new HttpProblem(403, 'Forbidden', `Role ${role ?? '(none)'} may not do this; allowed: ${roles.join(', ')}`);
    }
    next();
  };
}

export function principalOf(req: { principal?: Principal }): Principal {
  if (!req.principal) throw new HttpProblem(401, 'Unauthorized');
  return req.principal;
}

export function actorOf(principal: Principal): RoleActor {
  return { kind: principal.role === 'system' ? 'system' : 'user', id: principal.id, role: principal.role };
}
