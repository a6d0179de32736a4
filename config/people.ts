import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CARRIERS, EXCEPTION_TYPES, type Role } from '../domain/types';
import { ConfigError, formatZodIssues } from './errors';

/**
 * The people directory (PEOPLE_FILE, docs/queue.md): who works cases, in which team, with which
 * skills and how many open cases at once. A person's id is the principal id API_TOKENS gives
 * their token (`agent:li.na`), so the token that authenticates a caller also finds their person.
 * Validated at start like the SLA policy: a bad field stops start-up with its path named.
 */

export const DEFAULT_PEOPLE_FILE = require.resolve('./people.default.json');

/** Roles that own and work cases; auditors and the system never take from a queue. */
const PERSON_ROLES = ['agent', 'supervisor', 'expert'] as const;

const name = z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters');
const id = z.string().regex(/^[a-z][a-z0-9_.:-]{0,63}$/, 'must be 1–64 lower-case letters, digits or . _ - : and start with a letter');
const list = <T extends z.ZodType<string>>(item: T) =>
  z
    .array(item)
    .max(50, 'must list at most 50 entries')
    .refine((values) => new Set(values).size === values.length, 'must not repeat an entry')
    .default([]);

/** An empty list matches every case: a generalist. */
const skillsSchema = z.strictObject({
  carriers: list(z.enum(CARRIERS, { error: `must be one of ${CARRIERS.join(', ')}` })),
  caseTypes: list(z.enum(EXCEPTION_TYPES, { error: `must be one of ${EXCEPTION_TYPES.join(', ')}` })),
  /** As cases carry them: a 6-digit area code or a region name. */
  regions: list(z.string().regex(/^\d{6}$|^[A-Za-z-]{2,32}$/, 'must be a 6-digit area code or a region name')),
  /** BCP 47 tags (`zh-CN`, `en`); cases do not carry a language yet, so this is not matched on. */
  languages: list(z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as zh-CN or en')),
});

const teamSchema = z.strictObject({
  id,
  name,
  /** The escalation tier whose queue this team serves (1 agents, 2 supervisors, 3 experts). */
  tier: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: 'must be 1, 2 or 3' }),
  members: z.array(id).min(1, 'must list at least one person'),
});

const personSchema = z.strictObject({
  id,
  name,
  role: z.enum(PERSON_ROLES, { error: `must be one of ${PERSON_ROLES.join(', ')}` }),
  team: id,
  skills: skillsSchema.default({ carriers: [], caseTypes: [], regions: [], languages: [] }),
  /** Open cases this person owns at once; taking from the queue stops there. */
  capacity: z.number().int('must be a whole number').min(1, 'must be between 1 and 500').max(500, 'must be between 1 and 500'),
});

const directorySchema = z
  .strictObject({
    teams: z.array(teamSchema).min(1, 'must list at least one team'),
    people: z.array(personSchema),
  })
  .superRefine((directory, ctx) => {
    const teamIds = new Set<string>();
    directory.teams.forEach((team, index) => {
      if (teamIds.has(team.id)) ctx.addIssue({ code: 'custom', path: ['teams', index, 'id'], message: `repeats the team id ${team.id}` });
      teamIds.add(team.id);
    });
    const personIds = new Set<string>();
    directory.people.forEach((person, index) => {
      if (personIds.has(person.id)) ctx.addIssue({ code: 'custom', path: ['people', index, 'id'], message: `repeats the person id ${person.id}` });
      personIds.add(person.id);
      const team = directory.teams.find((candidate) => candidate.id === person.team);
      if (!team) ctx.addIssue({ code: 'custom', path: ['people', index, 'team'], message: `names no team of teams[] (${person.team})` });
      else if (!team.members.includes(person.id)) {
        ctx.addIssue({ code: 'custom', path: ['people', index, 'team'], message: `team ${team.id} does not list ${person.id} in its members` });
      }
    });
    // Both sides say who belongs where, so they must agree: a member of two teams, or one whose
    // person says another team, would put the same cases in two queues.
    directory.teams.forEach((team, teamIndex) => {
      team.members.forEach((member, memberIndex) => {
        const person = directory.people.find((candidate) => candidate.id === member);
        const path = ['teams', teamIndex, 'members', memberIndex];
        if (!person) ctx.addIssue({ code: 'custom', path, message: `names no person of people[] (${member})` });
        else if (person.team !== team.id) ctx.addIssue({ code: 'custom', path, message: `${member} belongs to team ${person.team}` });
      });
    });
  });

export type Team = z.infer<typeof teamSchema>;
export type Person = z.infer<typeof personSchema>;

export interface PeopleDirectory {
  teams: Team[];
  people: Person[];
}

/** Validates a parsed people file; `source` names it in the error. */
export function parsePeopleDirectory(value: unknown, source = 'people file'): PeopleDirectory {
  const parsed = directorySchema.safeParse(value);
  if (!parsed.success) throw new ConfigError(`PEOPLE_FILE ${source} is invalid:\n${formatZodIssues(parsed.error)}`);
  return parsed.data;
}

export function loadPeopleDirectory(file: string): PeopleDirectory {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`PEOPLE_FILE ${file} cannot be read: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`PEOPLE_FILE ${file} is not JSON: ${(error as Error).message}`);
  }
  return parsePeopleDirectory(value, file);
}

/**
 * A token naming a person must carry that person's role: a supervisor's person behind an agent's
 * token would get the supervisor's queue with an agent's rights, or the other way round.
 */
export function checkTokensAgainstPeople(tokens: readonly { principal: string; role: Role }[], directory: PeopleDirectory): void {
  for (const token of tokens) {
    const person = directory.people.find((candidate) => candidate.id === token.principal);
    if (person && person.role !== token.role) {
      throw new ConfigError(`API_TOKENS: the token of ${token.principal} has role ${token.role}, but PEOPLE_FILE gives that person role ${person.role}`);
    }
  }
}

export function personById(directory: PeopleDirectory, personId: string): Person | undefined {
  return directory.people.find((person) => person.id === personId);
}

export function teamById(directory: PeopleDirectory, teamId: string): Team | undefined {
  return directory.teams.find((team) => team.id === teamId);
}
