import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, uniqueWaybill, type TestStack } from '../helpers/test-stack';

/**
 * People and the work queue (docs/queue.md) on real PostgreSQL and Temporal: /v1/me and
 * /v1/people, the queue's order (breached first, then the earliest due time), its filters and
 * skills, taking the next case under concurrency (every case taken exactly once), capacity.
 *
 * The test's people cover one region of their own, so the cases of other test files running on
 * the same database never enter their queue.
 */

const REGION = `queue-${Array.from(randomBytes(6), (byte) => String.fromCharCode(97 + (byte % 26))).join('')}`;

const TOKENS = {
  a1: 'queue-agent-token-1',
  a2: 'queue-agent-token-2',
  a3: 'queue-agent-token-3',
  sf: 'queue-agent-token-sf',
  sup: 'queue-supervisor-token',
  auditor: 'queue-auditor-token',
  anon: 'queue-agent-token-without-a-person',
  system: 'queue-system-token',
} as const;
type Caller = keyof typeof TOKENS;

const everything = { carriers: [], caseTypes: [], regions: [REGION], languages: ['zh-CN'] };
const PEOPLE = {
  teams: [
    { id: 'desk', name: 'Tier 1 desk', tier: 1, members: ['agent:a1', 'agent:a2', 'agent:a3', 'agent:sf'] },
    { id: 'sups', name: 'Supervisors', tier: 2, members: ['supervisor:sup'] },
  ],
  people: [
    { id: 'agent:a1', name: 'A1', role: 'agent', team: 'desk', skills: everything, capacity: 10 },
    { id: 'agent:a2', name: 'A2', role: 'agent', team: 'desk', skills: everything, capacity: 10 },
    { id: 'agent:a3', name: 'A3', role: 'agent', team: 'desk', skills: everything, capacity: 10 },
    { id: 'agent:sf', name: 'SF only', role: 'agent', team: 'desk', skills: { ...everything, carriers: ['SF'], caseTypes: ['DELAYED'] }, capacity: 1 },
    { id: 'supervisor:sup', name: 'Sup', role: 'supervisor', team: 'sups', skills: everything, capacity: 10 },
  ],
};

let stack: TestStack;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'people-'));
  const peopleFile = join(dir, 'people.json');
  writeFileSync(peopleFile, JSON.stringify(PEOPLE));
  // Long targets and urge interval: a case sits still in its queue while the test reads it.
  const base = testPolicy();
  stack = await startTestStack({
    policy: testPolicy({
      delayed: { ...base.delayed, urgeIntervalMs: 600_000, totalDelayMs: 3_600_000 },
      clocks: { ...base.clocks, firstResponse: { targetMs: 1_200_000 }, handling: { targetMs: 2_400_000 }, resolution: { targetMs: 3_600_000 } },
    }),
    env: {
      PEOPLE_FILE: peopleFile,
      API_TOKENS: [
        `agent:a1:${TOKENS.a1}`,
        `agent:a2:${TOKENS.a2}`,
        `agent:a3:${TOKENS.a3}`,
        `agent:sf:${TOKENS.sf}`,
        `supervisor:sup:${TOKENS.sup}`,
        `auditor:${TOKENS.auditor}`,
        `agent:${TOKENS.anon}`,
        `system:${TOKENS.system}`,
      ].join(','),
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
async function call(who: Caller, path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'),
    headers: { authorization: `Bearer ${TOKENS[who]}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Opens a case nobody owns yet (the system opens it: it goes to the tier-1 queue) and waits until it sits still. */
async function openQueued(overrides: Record<string, unknown> = {}): Promise<string> {
  const opened = await call('system', '/v1/cases', { body: openCaseBody({ region: REGION, ...overrides }) });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  await eventually(
    async () => (await stack.db.selectFrom('cases').select(['status', 'assignee', 'sla_due_at']).where('case_id', '=', caseId).executeTakeFirst()) ?? null,
    (row) => row !== null && row.status === 'WAITING_CARRIER' && row.assignee === 'tier1-agents' && row.sla_due_at !== null,
    { what: `case ${caseId} waiting in the tier-1 queue` },
  );
  return caseId;
}

const ids = (body: { items: { caseId: string }[] }) => body.items.map((item) => item.caseId);

test('/v1/me answers the caller’s person, team, skills, capacity and load; /v1/people is for supervisors', async () => {
  const me = await call('a1', '/v1/me');
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({
    id: 'agent:a1',
    role: 'agent',
    load: 0,
    person: { id: 'agent:a1', name: 'A1', team: { id: 'desk', tier: 1 }, skills: { regions: [REGION] }, capacity: 10, load: 0 },
  });
  const auditor = await call('auditor', '/v1/me');
  expect(auditor.status).toBe(200);
  expect(auditor.body).toMatchObject({ role: 'auditor', person: null, load: 0 });

  const people = await call('sup', '/v1/people');
  expect(people.status).toBe(200);
  expect(people.body.people.map((person: { id: string }) => person.id)).toEqual(['agent:a1', 'agent:a2', 'agent:a3', 'agent:sf', 'supervisor:sup']);
  expect((await call('a1', '/v1/people')).status).toBe(403);
});

test('the queue: breached first, then the earliest due time; filters; skills; team views', async () => {
  const low = await openQueued({ priority: 'low' });
  const urgent = await openQueued({ priority: 'urgent' });
  const normal = await openQueued({ priority: 'normal' });
  const jd = await openQueued({ carrier: 'JD', priority: 'high', waybillNo: uniqueWaybill('JD') });

  // Priority scales the targets: urgent is due first, then high, normal, low.
  const queue = await call('a1', '/v1/queue');
  expect(queue.status).toBe(200);
  expect(ids(queue.body)).toEqual([urgent, jd, normal, low]);
  expect(queue.body).toMatchObject({ team: 'desk', tierQueue: 'tier1-agents' });
  for (const item of queue.body.items) {
    expect(item.mine).toBe(false);
    expect(item.timeLeftSeconds).toBeGreaterThan(0);
    expect(Date.parse(item.dueAt) - Date.now()).toBeGreaterThan(item.timeLeftSeconds * 1000 - 5_000);
  }

  // A breached case comes first whatever its due time (the read model's flag, as the workflow sets it on a breach).
  const { sla_due_at: lowDue } = await stack.db.selectFrom('cases').select('sla_due_at').where('case_id', '=', low).executeTakeFirstOrThrow();
  await sql`UPDATE cases SET sla_breached = true, sla_due_at = now() - interval '5 minutes' WHERE case_id = ${low}`.execute(stack.db);
  const breached = await call('a1', '/v1/queue');
  expect(ids(breached.body)).toEqual([low, urgent, jd, normal]);
  expect(breached.body.items[0].timeLeftSeconds).toBeLessThan(0);
  await sql`UPDATE cases SET sla_breached = false, sla_due_at = ${lowDue} WHERE case_id = ${low}`.execute(stack.db);

  expect(ids((await call('a1', '/v1/queue?carrier=JD')).body)).toEqual([jd]);
  expect(ids((await call('a1', '/v1/queue?type=LOST,DAMAGED')).body)).toEqual([]);
  expect(ids((await call('a1', '/v1/queue?type=DELAYED&carrier=SF,JD')).body)).toEqual([urgent, jd, normal, low]);
  expect(ids((await call('a1', '/v1/queue?tier=2')).body)).toEqual([]);
  expect(ids((await call('a1', '/v1/queue?limit=2')).body)).toEqual([urgent, jd]);

  // Skills: SF only.
  expect(ids((await call('sf', '/v1/queue')).body)).not.toContain(jd);
  expect(ids((await call('sf', '/v1/queue')).body)).toHaveLength(3);

  // Supervisors look at any team; agents only at their own.
  const deskView = await call('sup', '/v1/queue?team=desk');
  expect(deskView.status).toBe(200);
  expect(ids(deskView.body)).toEqual(expect.arrayContaining([urgent, jd, normal, low]));
  expect((await call('a1', '/v1/queue?team=sups')).status).toBe(403);
  expect(ids((await call('sup', '/v1/queue')).body)).toEqual([]);

  // Bad input: 400 naming the field.
  const bad = await call('a1', '/v1/queue?tier=9&carrier=UPS');
  expect(bad.status).toBe(400);
  expect(bad.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['$.carrier[0]', '$.tier']);
  const unknownTeam = await call('sup', '/v1/queue?team=nobody');
  expect(unknownTeam.status).toBe(400);
  expect(unknownTeam.body.errors[0].path).toBe('$.team');
  expect((await call('auditor', '/v1/queue')).status).toBe(403);
});

test('POST /v1/queue/next: 3 agents × 10 parallel calls against 10 cases take every case exactly once', async () => {
  const before = ids((await call('a1', '/v1/queue')).body);
  const more = await Promise.all(Array.from({ length: 10 - before.length }, () => openQueued()));
  const cases = [...before, ...more];
  expect(cases).toHaveLength(10);

  const agents: Caller[] = ['a1', 'a2', 'a3'];
  const answers = await Promise.all(
    agents.flatMap((agent) => Array.from({ length: 10 }, async () => ({ agent, ...(await call(agent, '/v1/queue/next', { body: {} })) }))),
  );
  const taken = answers.filter((answer) => answer.status === 200);
  expect(answers.filter((answer) => answer.status !== 200 && answer.status !== 204)).toEqual([]);
  expect(taken).toHaveLength(10);
  expect(new Set(taken.map((answer) => answer.body.caseId as string))).toEqual(new Set(cases));
  for (const answer of taken) expect(answer.body.assignee).toBe(`agent:${answer.agent}`);

  // The read model follows: each case owned by its taker, and nothing left to take.
  await eventually(
    () => stack.db.selectFrom('cases').select(['case_id', 'assignee']).where('case_id', 'in', cases).execute(),
    (rows) => rows.every((row) => taken.some((answer) => answer.body.caseId === row.case_id && row.assignee === `agent:${answer.agent}`)),
    { what: 'every case owned by its taker in the read model' },
  );
  expect((await call('a1', '/v1/queue/next', { body: {} })).status).toBe(204);
  const mine = await call('a1', '/v1/queue');
  expect(mine.body.items.every((item: { mine: boolean }) => item.mine)).toBe(true);
  const me = await call('a1', '/v1/me');
  expect(me.body.load).toBe(taken.filter((answer) => answer.agent === 'a1').length);
  // Every claim of a refused take was released: only the landed ones remain, each on its taker's case.
  const claims = await sql<{ case_id: string }>`SELECT case_id FROM queue_claims WHERE case_id IN (${sql.join(cases)})`.execute(stack.db);
  expect(claims.rows.length).toBeLessThanOrEqual(10);
});

test('a caller at capacity gets 409 and takes nothing; one outside the directory gets 409 and no queue', async () => {
  const first = await openQueued();
  const second = await openQueued();
  const took = await call('sf', '/v1/queue/next', { method: 'POST' });
  expect(took.status).toBe(200);
  expect(took.body.caseId).toBe(first);
  const full = await call('sf', '/v1/queue/next', { method: 'POST' });
  expect(full.status).toBe(409);
  expect(full.body).toMatchObject({ title: 'At capacity', load: 1, capacity: 1 });
  const row = await stack.db.selectFrom('cases').select('assignee').where('case_id', '=', second).executeTakeFirstOrThrow();
  expect(row.assignee).toBe('tier1-agents');

  const badBody = await call('a1', '/v1/queue/next', { body: { carrier: ['UPS'] } });
  expect(badBody.status).toBe(400);
  expect(badBody.body.errors[0].path).toMatch(/^\$\.carrier/);

  // The supervisor's team serves tier 2: nothing there to take.
  expect((await call('sup', '/v1/queue/next', { method: 'POST' })).status).toBe(204);
  expect((await call('auditor', '/v1/queue/next', { method: 'POST' })).status).toBe(403);
  // An agent whose token names no person: their own cases only, and nothing to take from.
  const anonymous = await call('anon', '/v1/queue/next', { method: 'POST' });
  expect(anonymous.status).toBe(409);
  expect(anonymous.body.title).toBe('Not in the people directory');
  expect(await call('anon', '/v1/queue')).toMatchObject({ status: 200, body: { team: null, tierQueue: null, items: [] } });
  expect((await call('anon', '/v1/me')).body).toMatchObject({ role: 'agent', person: null });
});

test('a take the case refuses (someone took it through another door) releases its claim and takes the next case', async () => {
  const x = await openQueued({ priority: 'urgent' });
  // Something to take after x (the case left over from the capacity test, or this one).
  await openQueued();
  const direct = await call('sup', `/v1/cases/${x}/actions`, { body: { action: 'take', reason: 'taken by hand' } });
  expect(direct.status).toBe(200);
  await eventually(
    async () => (await stack.db.selectFrom('cases').select('assignee').where('case_id', '=', x).executeTakeFirstOrThrow()).assignee,
    (assignee) => assignee === 'supervisor:sup',
    { what: 'the supervisor owning the case in the read model' },
  );
  // The read model lagging behind: x still looks unowned, first in the queue.
  await sql`UPDATE cases SET assignee = 'tier1-agents' WHERE case_id = ${x}`.execute(stack.db);
  const unowned = (await call('a2', '/v1/queue')).body.items.filter((item: { mine: boolean }) => !item.mine) as { caseId: string }[];
  const [first, after] = unowned.map((item) => item.caseId);
  expect(first).toBe(x);
  expect(after).toBeDefined();

  const next = await call('a2', '/v1/queue/next', { method: 'POST' });
  expect(next.status).toBe(200);
  expect(next.body.caseId).toBe(after);
  const claims = await sql<{ case_id: string }>`SELECT case_id FROM queue_claims WHERE case_id = ${x}`.execute(stack.db);
  expect(claims.rows).toEqual([]);
  const trail = await call('sup', `/v1/cases/${x}/history`);
  expect(trail.body.events.filter((event: { kind: string }) => event.kind === 'case.taken')).toHaveLength(1);
  await sql`UPDATE cases SET assignee = 'supervisor:sup' WHERE case_id = ${x}`.execute(stack.db);
});

test('the agents report lists each person of the directory with their team, queue takes and load against capacity', async () => {
  // a1 calls the customer of one of their cases and promises a call back in 2 s, which it does not make.
  const mine = (await call('a1', '/v1/queue')).body.items.find((item: { mine: boolean }) => item.mine) as { caseId: string };
  const logged = await call('a1', `/v1/cases/${mine.caseId}/actions`, {
    body: {
      action: 'log-call',
      direction: 'outbound',
      outcome: 'reached',
      durationSeconds: 60,
      summary: '已联系客户，承诺回电',
      promise: { kind: 'call-back', what: '两秒内回电', by: new Date(Date.now() + 2_000).toISOString() },
    },
  });
  expect(logged.status).toBe(200);
  await eventually(
    async () => (await call('sup', `/v1/cases/${mine.caseId}/history`)).body.events.map((event: { kind: string }) => event.kind) as string[],
    (kinds) => kinds.includes('promise.broken'),
    { what: 'the promise broken' },
  );
  const day = (offsetDays: number) => new Date(Date.now() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
  const report = await call('sup', `/v1/reports/agents?from=${day(-1)}&to=${day(1)}`);
  expect(report.status).toBe(200);
  const rows = report.body.people as {
    person: string;
    team: string;
    takenFromQueue: number;
    openLoad: number;
    capacity: number;
    firstResponseP50Ms: number | null;
  }[];
  expect(rows.map((row) => row.person)).toEqual(PEOPLE.people.map((person) => person.id));
  const desk = rows.filter((row) => row.team === 'desk' && row.person !== 'agent:sf');
  // Ten taken by the three agents in parallel and one past a refused take; one by the SF agent before it reached its capacity.
  expect(desk.reduce((sum, row) => sum + row.takenFromQueue, 0)).toBe(11);
  expect(rows.find((row) => row.person === 'agent:sf')).toMatchObject({ takenFromQueue: 1, openLoad: 1, capacity: 1, casesHandled: 1 });
  // The broken promise sent a1's case up a tier, into the supervisors' queue: it is no longer a1's load.
  for (const row of desk) expect(row.openLoad).toBe(row.takenFromQueue - (row.person === 'agent:a1' ? 1 : 0));
  expect(rows[0]).toEqual(expect.objectContaining({ firstResponses: 1, promisesKept: 0, promisesBroken: 1, teamName: 'Tier 1 desk', role: 'agent' }));
  expect(rows[0]?.firstResponseP50Ms).toBeGreaterThan(0);
  expect(rows[1]).toEqual(expect.objectContaining({ firstResponses: 0, firstResponseP50Ms: null, promisesBroken: 0 }));
});
