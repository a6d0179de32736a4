import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../config';
import { checkTokensAgainstPeople, DEFAULT_PEOPLE_FILE, loadPeopleDirectory, parsePeopleDirectory } from '../../config/people';

/** The people directory (PEOPLE_FILE): what it accepts and how it names what it refuses. */

const valid = () => ({
  teams: [{ id: 'desk', name: 'Desk', tier: 1, members: ['agent:li.na'] }],
  people: [
    {
      id: 'agent:li.na',
      name: '李娜',
      role: 'agent',
      team: 'desk',
      skills: { carriers: ['SF'], caseTypes: ['DELAYED'], regions: ['310000'], languages: ['zh-CN'] },
      capacity: 5,
    },
  ],
});

function refusal(value: unknown): string {
  try {
    parsePeopleDirectory(value, 'people.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the directory was accepted');
}

describe('people directory', () => {
  test('accepts a valid directory, skills defaulting to none (a generalist)', () => {
    const directory = parsePeopleDirectory(valid());
    expect(directory.people[0]?.capacity).toBe(5);
    const bare = valid();
    const { skills: _skills, ...person } = bare.people[0] as (typeof bare.people)[number];
    expect(parsePeopleDirectory({ ...bare, people: [person] }).people[0]?.skills).toEqual({ carriers: [], caseTypes: [], regions: [], languages: [] });
  });

  test('the default file is valid and names the dev tokens’ people', () => {
    const directory = loadPeopleDirectory(DEFAULT_PEOPLE_FILE);
    expect(directory.people.map((person) => person.id)).toEqual(expect.arrayContaining(['agent:dev.agent', 'supervisor:dev.supervisor', 'expert:dev.expert']));
    const config = loadConfig({ NODE_ENV: 'test' });
    const agent = config.apiTokens.find((token) => token.token === 'dev-agent-token');
    expect(agent?.principal).toBe('agent:dev.agent');
  });

  test.each([
    [
      'a capacity of 0',
      (d: ReturnType<typeof valid>) => ((d.people[0] as { capacity: number }).capacity = 0),
      /people\.0\.capacity: must be between 1 and 500/,
    ],
    [
      'an unknown carrier',
      (d: ReturnType<typeof valid>) => ((d.people[0] as { skills: { carriers: string[] } }).skills.carriers = ['UPS']),
      /people\.0\.skills\.carriers\.0: must be one of/,
    ],
    [
      'an unknown case type',
      (d: ReturnType<typeof valid>) => ((d.people[0] as { skills: { caseTypes: string[] } }).skills.caseTypes = ['LATE']),
      /people\.0\.skills\.caseTypes\.0/,
    ],
    [
      'a role without a queue',
      (d: ReturnType<typeof valid>) => ((d.people[0] as { role: string }).role = 'auditor'),
      /people\.0\.role: must be one of agent, supervisor, expert/,
    ],
    ['a team that does not exist', (d: ReturnType<typeof valid>) => ((d.people[0] as { team: string }).team = 'nowhere'), /people\.0\.team: names no team/],
    ['a member who is not a person', (d: ReturnType<typeof valid>) => d.teams[0]?.members.push('agent:ghost'), /teams\.0\.members\.1: names no person/],
    ['a tier of 4', (d: ReturnType<typeof valid>) => ((d.teams[0] as { tier: number }).tier = 4), /teams\.0\.tier: must be 1, 2 or 3/],
    ['an unknown field', (d: ReturnType<typeof valid>) => Object.assign(d.people[0] as object, { shift: 'night' }), /people\.0: .*shift/],
  ])('refuses %s, naming the field', (_what, spoil, pattern) => {
    const directory = valid();
    spoil(directory);
    const message = refusal(directory);
    expect(message).toMatch(/^PEOPLE_FILE people\.json is invalid/);
    expect(message).toMatch(pattern);
  });

  test('refuses a person listed by a team but placed in another', () => {
    const directory = valid();
    directory.teams.push({ id: 'other', name: 'Other', tier: 2, members: ['agent:li.na'] });
    expect(refusal(directory)).toMatch(/teams\.1\.members\.0: agent:li\.na belongs to team desk/);
  });

  test('a token naming a person with another role stops start-up', () => {
    const directory = parsePeopleDirectory(valid());
    expect(() => checkTokensAgainstPeople([{ principal: 'agent:li.na', role: 'supervisor' }], directory)).toThrow(
      /API_TOKENS: the token of agent:li\.na has role supervisor, but PEOPLE_FILE gives that person role agent/,
    );
    expect(() => checkTokensAgainstPeople([{ principal: 'agent:li.na', role: 'agent' }], directory)).not.toThrow();
  });

  test('at start, a token naming a person of another role stops loadConfig', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'people-')), 'people.json');
    const directory = valid();
    (directory.people[0] as { role: string }).role = 'supervisor';
    writeFileSync(file, JSON.stringify(directory));
    expect(() => loadConfig({ NODE_ENV: 'test', PEOPLE_FILE: file, API_TOKENS: 'agent:li.na:token-of-li-na' })).toThrow(
      /the token of agent:li\.na has role agent, but PEOPLE_FILE gives that person role supervisor/,
    );
    expect(loadConfig({ NODE_ENV: 'test', PEOPLE_FILE: file, API_TOKENS: 'agent:wang:token-of-wang' }).people.people).toHaveLength(1);
  });

  test('an unreadable PEOPLE_FILE is a config error naming it', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', PEOPLE_FILE: '/nonexistent/people.json' })).toThrow(/PEOPLE_FILE \/nonexistent\/people\.json cannot be read/);
  });
});
