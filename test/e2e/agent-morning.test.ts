import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testPolicy } from '../../fixtures/fast-policy';
import { eventually, openCaseBody, startTestStack, uniqueWaybill, type TestStack } from '../helpers/test-stack';

/**
 * An agent's morning, end to end over HTTP (issue 20's acceptance): three agents with different
 * skills log in by token; cases of several types and one major complaint arrive in the queues;
 * each agent takes the next case from the queue (no case twice), reads its guidance, sends the
 * scripted reply, logs a call with a promise; one promise is kept and one missed (that case goes
 * up a tier); the rest are resolved; the supervisor finds the major complaint at tier 2 with its
 * plan clock, records the plan; the agents report shows each person's figures.
 *
 * The people cover one region of their own, so cases of other test files on the same database
 * never enter their queues. SLA_TIME_SCALE=0.001: a promise one hour ahead falls due 3.6 s later.
 */

const REGION = `morning-${Array.from(randomBytes(6), (byte) => String.fromCharCode(97 + (byte % 26))).join('')}`;
const SCALE = 0.001;

const TOKENS = {
  wang: 'morning-agent-wang-token',
  li: 'morning-agent-li-token',
  zhao: 'morning-agent-zhao-token',
  chen: 'morning-supervisor-chen-token',
  system: 'morning-system-token',
} as const;
type Caller = keyof typeof TOKENS;

const skills = (carriers: string[], caseTypes: string[]) => ({ carriers, caseTypes, regions: [REGION], languages: ['zh-CN'] });
const PEOPLE = {
  teams: [
    { id: 'desk', name: '一线客服', tier: 1, members: ['agent:wang', 'agent:li', 'agent:zhao'] },
    { id: 'sups', name: '主管', tier: 2, members: ['supervisor:chen'] },
  ],
  people: [
    // Wang works late SF parcels; Li damage and wrong parts on any carrier; Zhao anything on JD.
    { id: 'agent:wang', name: '王芳', role: 'agent', team: 'desk', skills: skills(['SF'], ['DELAYED']), capacity: 5 },
    { id: 'agent:li', name: '李娜', role: 'agent', team: 'desk', skills: skills([], ['DAMAGED', 'WRONG_ITEM']), capacity: 5 },
    { id: 'agent:zhao', name: '赵强', role: 'agent', team: 'desk', skills: skills(['JD'], []), capacity: 5 },
    { id: 'supervisor:chen', name: '陈主管', role: 'supervisor', team: 'sups', skills: skills([], []), capacity: 10 },
  ],
};

let stack: TestStack;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'morning-'));
  const peopleFile = join(dir, 'people.json');
  writeFileSync(peopleFile, JSON.stringify(PEOPLE));
  // Long targets: nothing breaches or escalates by itself while the agents work.
  const base = testPolicy();
  stack = await startTestStack({
    policy: testPolicy({
      delayed: { ...base.delayed, urgeIntervalMs: 600_000, totalDelayMs: 3_600_000 },
      clocks: { ...base.clocks, firstResponse: { targetMs: 1_200_000 }, handling: { targetMs: 2_400_000 }, resolution: { targetMs: 3_600_000 } },
    }),
    env: {
      SLA_TIME_SCALE: String(SCALE),
      PEOPLE_FILE: peopleFile,
      API_TOKENS: [
        `agent:wang:${TOKENS.wang}`,
        `agent:li:${TOKENS.li}`,
        `agent:zhao:${TOKENS.zhao}`,
        `supervisor:chen:${TOKENS.chen}`,
        `system:${TOKENS.system}`,
      ].join(','),
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
type Json = any;

async function call(who: Caller, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${TOKENS[who]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const view = async (who: Caller, caseId: string): Promise<Json> => (await call(who, `/v1/cases/${caseId}`)).body;
const act = (who: Caller, caseId: string, body: Record<string, unknown>) => call(who, `/v1/cases/${caseId}/actions`, body);
const hoursAhead = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
const clock = (v: Json, name: string) => (v.clocks as Json[]).find((c) => c.name === name);

/** A case arriving from the integrations (the system opens it): it waits in its tier's queue. */
async function arrives(type: string, carrier: string, extra: Record<string, unknown> = {}): Promise<string> {
  const opened = await call('system', '/v1/cases', {
    ...openCaseBody({ type, carrier, waybillNo: uniqueWaybill(carrier), region: REGION, description: `${type} on ${carrier}` }),
    ...extra,
  });
  expect(opened.status).toBe(201);
  return opened.body.caseId as string;
}

/** Takes from the queue until it answers 204 (nothing left for this agent). */
async function takeAll(who: Caller): Promise<string[]> {
  const taken: string[] = [];
  for (;;) {
    const next = await call(who, '/v1/queue/next', {});
    if (next.status === 204) return taken;
    expect(next.status).toBe(200);
    taken.push(next.body.caseId as string);
  }
}

test("an agent's morning: queue, guidance, scripted reply, calls and promises, resolution; the supervisor's major complaint", async () => {
  const arrived = {
    sfLate: await arrives('DELAYED', 'SF'),
    sfLate2: await arrives('DELAYED', 'SF'),
    sfDamaged: await arrives('DAMAGED', 'SF'),
    jdAddress: await arrives('ADDRESS_CHANGE', 'JD', {
      newAddress: { name: '张三', phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园南路 88 号' },
    }),
    jdLate: await arrives('DELAYED', 'JD'),
  };
  const major = await arrives('DAMAGED', 'JD', { severity: 'major', description: '同一批刹车片整批破损，门店集体投诉' });
  const desk = Object.values(arrived);

  // The major complaint skipped tier 1: it is in the supervisors' queue (the read model the queues
  // read says so) with its plan clock running.
  await eventually(
    () => stack.db.selectFrom('cases').select(['tier', 'assignee']).where('case_id', '=', major).executeTakeFirstOrThrow(),
    (row) => row.tier === 2,
    { what: 'the major complaint at tier 2 in the read model' },
  );
  const majorView = await view('chen', major);
  expect(majorView).toMatchObject({ severity: 'major', tier: 2, assigneeKind: 'queue' });
  expect(clock(majorView, 'plan')?.state).toBe('running');
  expect(clock(majorView, 'plan')?.dueAt).toEqual(expect.any(String));

  // Morning: the three agents take from the queue at once. Every desk case is taken once, by someone
  // whose skills match; nobody takes the major complaint.
  const [wang, li, zhao] = await Promise.all([takeAll('wang'), takeAll('li'), takeAll('zhao')]);
  expect([...wang, ...li, ...zhao].sort()).toEqual([...desk].sort());
  expect(wang.sort()).toEqual([arrived.sfLate, arrived.sfLate2].sort());
  expect(li).toContain(arrived.sfDamaged);
  expect(zhao).toContain(arrived.jdLate);
  const owners = new Map<string, Caller>([
    ...wang.map((c) => [c, 'wang'] as const),
    ...li.map((c) => [c, 'li'] as const),
    ...zhao.map((c) => [c, 'zhao'] as const),
  ]);
  for (const [caseId, who] of owners) expect((await view(who, caseId)).assignee).toBe(`agent:${who}`);

  // Each agent reads the guidance and sends its script as the first response.
  for (const [caseId, who] of owners) {
    const before = await view(who, caseId);
    const guidance = before.guidance;
    expect(guidance.summary.length).toBeGreaterThan(0);
    expect(guidance.actions.every((action: string) => before.allowedActions.includes(action))).toBe(true);
    expect(guidance.script.text).not.toMatch(/\{\{/);
    expect(guidance.script.text).toContain(before.waybillNo);
    expect(guidance.articles.length).toBeGreaterThan(0);
    const replied = await act(who, caseId, { action: 'reply', channel: 'sms', text: guidance.script.text, scriptId: guidance.script.articleId });
    expect(replied.status).toBe(200);
    expect(clock(replied.body, 'firstResponse')?.state).not.toBe('running');
  }

  // Wang promises a call-back and keeps it; Li promises an answer by SMS and misses it.
  const promised = await act('wang', arrived.sfLate, {
    action: 'log-call',
    direction: 'outbound',
    outcome: 'no-answer',
    durationSeconds: 0,
    summary: '未接通，短信告知稍后回电',
    promise: { kind: 'call-back', by: hoursAhead(2), what: '两小时内回电告知催件结果' },
  });
  expect(promised.status).toBe(200);
  const missed = await act('li', arrived.sfDamaged, {
    action: 'log-call',
    direction: 'outbound',
    outcome: 'reached',
    durationSeconds: 120,
    summary: '客户要求一小时内答复补发方案',
    promise: { kind: 'reply', by: hoursAhead(1), what: '一小时内答复补发方案' },
  });
  expect(missed.status).toBe(200);
  const kept = await act('wang', arrived.sfLate, {
    action: 'log-call',
    direction: 'outbound',
    outcome: 'reached',
    durationSeconds: 75,
    summary: '告知顺丰已加急，明早派送',
  });
  expect(kept.status).toBe(200);
  expect(kept.body.promises).toEqual([expect.objectContaining({ status: 'kept' })]);

  // Li's promise falls due (3.6 s on this scale): broken, the case goes to the supervisors' queue.
  const broken = await eventually(
    () => view('chen', arrived.sfDamaged),
    (v) => v.promises?.[0]?.status === 'broken' && v.tier === 2,
    { what: 'the missed promise broken, the case at tier 2', timeoutMs: 30_000 },
  );
  expect(broken.assignee).toBe('tier2-supervisors');
  expect(broken.promises[0].status).toBe('broken');

  // The rest are resolved by their owners.
  for (const [caseId, who] of owners) {
    if (caseId === arrived.sfDamaged) continue;
    const resolved = await act(who, caseId, { action: 'resolve', outcome: 'customer-informed', summary: '已按话术答复客户并跟进' });
    expect(resolved.status).toBe(200);
  }

  // The supervisor's queue: the major complaint and the broken promise, and the plan recorded.
  const supervisorQueue = await eventually(
    () => call('chen', '/v1/queue'),
    (answer) => answer.status === 200 && [major, arrived.sfDamaged].every((id) => (answer.body.items as Json[]).some((item) => item.caseId === id)),
    { what: "the major complaint and the broken promise in the supervisor's queue", timeoutMs: 10_000 },
  );
  expect(supervisorQueue.body.items.find((item: Json) => item.caseId === major)).toMatchObject({ tier: 2, dueAt: expect.any(String) });
  const planned = await act('chen', major, { action: 'record-plan', plan: '今日内整批补发，质检追溯供应商批次，18:00 前回复门店' });
  expect(planned.status).toBe(200);
  expect(clock(planned.body, 'plan')?.state).toBe('stopped');

  // The per-agent figures: who answered, who kept and who broke a promise.
  const today = new Date().toISOString().slice(0, 10);
  const report = await call('chen', `/v1/reports/agents?from=${today}&to=${today}`);
  expect(report.status).toBe(200);
  const rows = JSON.stringify(report.body);
  const person = (id: string): Json => findPerson(report.body, id);
  expect(rows).toContain('agent:wang');
  expect(person('agent:wang')).toMatchObject({ promisesKept: 1, promisesBroken: 0, firstResponses: 2 });
  expect(person('agent:li')).toMatchObject({ promisesKept: 0, promisesBroken: 1 });
  expect(person('agent:zhao').firstResponses).toBeGreaterThanOrEqual(1);
  expect(person('agent:wang')).toHaveProperty('csat', null); // nobody has answered a survey yet
  // And per team: the desk's three agents added up.
  const deskTeam = (report.body.teams as Json[]).find((team) => team.team === 'desk');
  expect(deskTeam).toMatchObject({ people: 3, promisesKept: 1, promisesBroken: 1, takenFromQueue: 5, capacity: 15 });
  expect(deskTeam.firstResponses).toBe(['agent:wang', 'agent:li', 'agent:zhao'].reduce((sum, id) => sum + person(id).firstResponses, 0));
});

/** The person's row of the agents report, wherever the report lists people. */
function findPerson(report: Json, id: string): Json {
  const lists = Object.values(report).filter((value): value is Json[] => Array.isArray(value));
  for (const list of lists) {
    const found = list.find((row) => row && typeof row === 'object' && row.person === id);
    if (found) return found;
  }
  throw new Error(`no row for ${id} in the agents report`);
}
