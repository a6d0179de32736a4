import type { RequestHandler } from 'express';
import { CASE_ACTION_NAMES, permission, type CaseActionName, type CaseFacts } from '../domain/case-actions';
import { ROLES, type Role } from '../domain/types';
import { requireRole } from './auth';

/**
 * The permission matrix: who may call each endpoint, and who may take each case action. The one
 * place both are defined:
 *
 * - endpoints here (ENDPOINTS); the routes guard themselves with `allow(...)`, which reads this
 *   table, so a route cannot say something else;
 * - case actions in domain/case-actions.ts, because the workflow's update validator enforces them
 *   (a refused action never reaches history); ACTION_ROLES reads them from there.
 *
 * The agents' guide's table (docs/agents.md) is rendered from both (`permissionTableMarkdown`), and a test checks that page
 * still says what the code does; another tries every cell against the running API.
 */

export type Access =
  /** Open: probes, scrapes, the API description. */
  | { kind: 'public' }
  /** Authenticated by the sender's signature over the body (webhooks), not a bearer token. */
  | { kind: 'signature' }
  /** A secret in the path (CODEC_UI_SECRET): the Temporal UI cannot send a bearer token. */
  | { kind: 'secret' }
  /** A bearer token whose role is one of these. */
  | { kind: 'roles'; roles: readonly Role[] };

export interface Endpoint {
  method: 'GET' | 'POST';
  /** OpenAPI-style path: `/v1/cases/{caseId}`. */
  path: string;
  access: Access;
  /** Role rules decided per action in the body (the actions endpoint): see ACTION_ROLES. */
  perAction?: true;
}

const ALL_ROLES: readonly Role[] = ROLES;
const STAFF_AND_SYSTEM: readonly Role[] = ['agent', 'supervisor', 'expert', 'system'];
const READERS_OF_REPORTS: readonly Role[] = ['supervisor', 'expert', 'auditor'];
const INCIDENT_DECLARERS: readonly Role[] = ['supervisor', 'expert'];
const CODEC_USERS: readonly Role[] = ['supervisor', 'expert'];
/** The stuck-cases report quotes workflow failure messages in clear, as the codec would: the same roles. */
const STUCK_CASE_READERS: readonly Role[] = CODEC_USERS;
/** The knowledge base: every member of staff reads it; experts write it (docs/knowledge.md). */
const KNOWLEDGE_READERS: readonly Role[] = ['agent', 'supervisor', 'expert', 'auditor'];
const KNOWLEDGE_EDITORS: readonly Role[] = ['expert'];
/** Roles that own cases and so have a queue (config/people.ts gives people these roles). */
const CASE_WORKERS: readonly Role[] = ['agent', 'supervisor', 'expert'];
const roles = (list: readonly Role[]): Access => ({ kind: 'roles', roles: list });

export const ENDPOINTS = [
  { method: 'GET', path: '/healthz', access: { kind: 'public' } },
  { method: 'GET', path: '/readyz', access: { kind: 'public' } },
  { method: 'GET', path: '/metrics', access: { kind: 'public' } },
  { method: 'GET', path: '/v1/openapi.json', access: { kind: 'public' } },
  { method: 'GET', path: '/docs', access: { kind: 'public' } },
  { method: 'GET', path: '/dashboard', access: { kind: 'public' } },
  { method: 'POST', path: '/v1/cases', access: roles(STAFF_AND_SYSTEM) },
  { method: 'GET', path: '/v1/cases', access: roles(ALL_ROLES) },
  { method: 'GET', path: '/v1/cases/{caseId}', access: roles(ALL_ROLES) },
  { method: 'POST', path: '/v1/cases/{caseId}/actions', access: roles(STAFF_AND_SYSTEM), perAction: true },
  { method: 'POST', path: '/v1/cases/{caseId}/feedback', access: roles(['system', 'agent']) },
  { method: 'GET', path: '/v1/cases/{caseId}/history', access: roles(ALL_ROLES) },
  { method: 'POST', path: '/v1/customers/{customerId}/erasure', access: roles(['expert']) },
  { method: 'POST', path: '/v1/incidents', access: roles(INCIDENT_DECLARERS) },
  { method: 'GET', path: '/v1/incidents', access: roles(ALL_ROLES) },
  { method: 'GET', path: '/v1/incidents/{incidentId}', access: roles(ALL_ROLES) },
  { method: 'POST', path: '/v1/incidents/{incidentId}/end', access: roles(INCIDENT_DECLARERS) },
  { method: 'GET', path: '/v1/reports/stuck-cases', access: roles(STUCK_CASE_READERS) },
  { method: 'GET', path: '/v1/reports/dashboard', access: roles(READERS_OF_REPORTS) },
  { method: 'GET', path: '/v1/reports/{name}', access: roles(READERS_OF_REPORTS) },
  { method: 'GET', path: '/v1/audit/export', access: roles(READERS_OF_REPORTS) },
  // People and the work queue (docs/queue.md): everyone may ask who they are; the directory with
  // each person's load is for those who balance the work; the queue is for those who work cases.
  { method: 'GET', path: '/v1/me', access: roles(ALL_ROLES) },
  { method: 'GET', path: '/v1/people', access: roles(['supervisor', 'expert']) },
  { method: 'GET', path: '/v1/queue', access: roles(CASE_WORKERS) },
  { method: 'POST', path: '/v1/queue/next', access: roles(CASE_WORKERS) },
  { method: 'GET', path: '/v1/knowledge', access: roles(KNOWLEDGE_READERS) },
  { method: 'GET', path: '/v1/knowledge/{articleId}', access: roles(KNOWLEDGE_READERS) },
  { method: 'POST', path: '/v1/knowledge/{articleId}', access: roles(KNOWLEDGE_EDITORS) },
  { method: 'POST', path: '/v1/webhooks/tracking/generic', access: { kind: 'signature' } },
  { method: 'POST', path: '/v1/webhooks/tracking/kuaidi100', access: { kind: 'signature' } },
  { method: 'POST', path: '/v1/webhooks/tracking/aftership', access: { kind: 'signature' } },
  { method: 'POST', path: '/v1/webhooks/supplier/{supplierId}', access: { kind: 'signature' } },
  // Decoding shows payloads in clear (phones, names): supervisors and experts only (api/codec-server.ts).
  { method: 'POST', path: '/codec/encode', access: roles(CODEC_USERS) },
  { method: 'POST', path: '/codec/decode', access: roles(CODEC_USERS) },
  { method: 'POST', path: '/codec/ui/{secret}/encode', access: { kind: 'secret' } },
  { method: 'POST', path: '/codec/ui/{secret}/decode', access: { kind: 'secret' } },
] as const satisfies readonly Endpoint[];

type KeyOf<E> = E extends { method: infer M extends string; path: infer P extends string } ? `${M} ${P}` : never;
/** `POST /v1/cases`: an endpoint of the matrix (a typo is a type error). */
export type EndpointKey = KeyOf<(typeof ENDPOINTS)[number]>;

function endpoint(key: EndpointKey): Endpoint {
  const found = ENDPOINTS.find((candidate) => `${candidate.method} ${candidate.path}` === key);
  if (!found) throw new Error(`no endpoint ${key} in the permission matrix`);
  return found;
}

/** The roles that may call an endpoint (empty for public and signed endpoints: no bearer role applies). */
export function rolesFor(key: EndpointKey): readonly Role[] {
  const { access } = endpoint(key);
  return access.kind === 'roles' ? access.roles : [];
}

/** The route guard of an endpoint, from the matrix: 403 for a role it does not list. */
export function allow(key: EndpointKey): RequestHandler {
  const access = endpoint(key).access;
  if (access.kind !== 'roles') throw new Error(`${key} is not guarded by roles`);
  return requireRole(...access.roles);
}

/** Facts of a plain open case at tier 1: what is left of `permission()` there is the role rule alone. */
const NEUTRAL_FACTS: CaseFacts = {
  status: 'OPEN',
  tier: 1,
  priority: 'normal',
  assignee: 'tier1',
  evidenceRequested: false,
  feedbackGiven: false,
};

/** Whether `role` may ever take `action` (its state rules aside), as domain/case-actions.ts decides. */
function roleMayTake(action: CaseActionName, role: Role): boolean {
  return permission(NEUTRAL_FACTS, action, role)?.kind !== 'Forbidden';
}

/** Case action → the roles that may take it (at tier 1; resolving a case escalated to tier 2 or 3 narrows it). */
export const ACTION_ROLES: Readonly<Record<CaseActionName, readonly Role[]>> = Object.fromEntries(
  CASE_ACTION_NAMES.map((action) => [action, ROLES.filter((role) => roleMayTake(action, role))]),
) as unknown as Record<CaseActionName, readonly Role[]>;

function accessCell(access: Access, role: Role): string {
  if (access.kind === 'public') return 'open';
  if (access.kind === 'signature') return 'signature';
  if (access.kind === 'secret') return 'UI secret';
  return access.roles.includes(role) ? '✓' : '—';
}

/** The matrix as docs/agents.md prints it (between the `permission-matrix` markers). */
export function permissionTableMarkdown(): string {
  const header = `| endpoint | ${ROLES.join(' | ')} |`;
  const rule = `|---|${ROLES.map(() => '---').join('|')}|`;
  const endpointRows = ENDPOINTS.map(
    (row) =>
      `| \`${row.method} ${row.path}\`${'perAction' in row ? ' (and per action, below)' : ''} | ${ROLES.map((role) => accessCell(row.access, role)).join(' | ')} |`,
  );
  const actionHeader = `| case action (\`POST /v1/cases/{caseId}/actions\`, \`feedback\`: its own endpoint) | ${ROLES.join(' | ')} |`;
  const actionRows = CASE_ACTION_NAMES.map(
    (action) => `| \`${action}\` | ${ROLES.map((role) => (ACTION_ROLES[action].includes(role) ? '✓' : '—')).join(' | ')} |`,
  );
  return [header, rule, ...endpointRows, '', actionHeader, rule, ...actionRows].join('\n');
}
