import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { ApiToken } from '../config';
import { personById, type PeopleDirectory, type Person } from '../config/people';
import type { Role, RoleActor } from '../domain/types';
import { HttpProblem } from './problem';

/** Bearer tokens from API_TOKENS, each mapped to a principal with one role. */

export interface Principal {
  id: string;
  role: Role;
  /** The caller's person in the people directory (PEOPLE_FILE), when their principal id is there. */
  person?: Person;
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

export function authenticate(tokens: readonly ApiToken[], people?: PeopleDirectory): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw new HttpProblem(401, 'Unauthorized', 'Send Authorization: Bearer <token>', {});
    }
    const presented = match[1] as string;
    const found = tokens.find((candidate) => sameToken(candidate.token, presented));
    if (!found) throw new HttpProblem(401, 'Unauthorized', 'Unknown token');
    const person = people ? personById(people, found.principal) : undefined;
    req.principal = { id: found.principal, role: found.role, ...(person ? { person } : {}) };
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
