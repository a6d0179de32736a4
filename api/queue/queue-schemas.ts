import { z } from 'zod';
import { CARRIERS, EXCEPTION_TYPES, ROLES } from '../../domain/types';

/** Requests and answers of `/v1/me`, `/v1/people` and `/v1/queue` (docs/queue.md); api/openapi.ts describes them. */

const csvOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values, { error: `must be a comma-separated list of ${values.join(', ')}` })));

/** `GET /v1/queue`. */
export const queueQuery = z.strictObject({
  team: z.string().min(1).max(64).optional(),
  tier: z.coerce.number().int().min(1).max(3).optional(),
  type: csvOf(EXCEPTION_TYPES).optional(),
  carrier: csvOf(CARRIERS).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** `POST /v1/queue/next`: optional narrowing of what to take; no body takes the first case of the queue. */
export const queueNextBody = z.strictObject({
  type: z.array(z.enum(EXCEPTION_TYPES)).max(EXCEPTION_TYPES.length).optional(),
  carrier: z.array(z.enum(CARRIERS)).max(CARRIERS.length).optional(),
});

const skills = z.object({
  carriers: z.array(z.string()),
  caseTypes: z.array(z.string()),
  regions: z.array(z.string()),
  languages: z.array(z.string()),
});
const team = z.object({ id: z.string(), name: z.string(), tier: z.number().int(), members: z.array(z.string()) }).meta({ id: 'Team' });

const personWithLoad = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.string(),
    team: team.nullable(),
    skills,
    capacity: z.number().int(),
    load: z.number().int().meta({ description: 'Open cases owned, plus takes in flight' }),
  })
  .meta({ id: 'PersonWithLoad' });

export const meResponse = z
  .object({
    id: z.string().meta({ description: 'The principal id (API_TOKENS)' }),
    role: z.enum(ROLES),
    person: personWithLoad.nullable().meta({ description: 'null when the principal is not in the people directory (PEOPLE_FILE)' }),
    load: z.number().int(),
  })
  .meta({ id: 'Me' });

export const peopleResponse = z.object({ teams: z.array(team), people: z.array(personWithLoad) }).meta({ id: 'People' });

const queueItem = z
  .object({
    caseId: z.string(),
    type: z.string(),
    status: z.string(),
    priority: z.string(),
    tier: z.number().int(),
    assignee: z.string(),
    carrier: z.string(),
    region: z.string().nullable(),
    waybillNo: z.string(),
    dueAt: z.string().nullable().meta({ description: 'When the next SLA clock falls due (ISO 8601); null with no running clock' }),
    slaBreached: z.boolean(),
    timeLeftSeconds: z.number().int().nullable().meta({ description: 'Seconds until dueAt, negative once breached' }),
    openedAt: z.string(),
    mine: z.boolean().meta({ description: 'Owned by the caller (else an unowned case of the tier queue, or a team member’s)' }),
  })
  .meta({ id: 'QueueItem' });

export const queueResponse = z
  .object({
    team: z.string().nullable(),
    tierQueue: z.string().nullable().meta({ description: 'The tier queue whose unowned cases are listed' }),
    items: z.array(queueItem),
  })
  .meta({ id: 'Queue' });
