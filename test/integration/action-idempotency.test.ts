import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * `POST /v1/cases/{caseId}/actions` honours Idempotency-Key (issue 7, item 4): a retried action
 * with the same key and body is answered with the first answer and acts once, even when the
 * retry can no longer be deduplicated by Temporal (another run); another body is a 422.
 */

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function openRunningCase(): Promise<string> {
  const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody() });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  await eventually(
    async () => (await stack.api('agent', `/v1/cases/${caseId}`)).body.status,
    (status) => status === 'WAITING_CARRIER',
  );
  return caseId;
}

async function trailKinds(caseId: string): Promise<string[]> {
  const events = await stack.db.selectFrom('case_events').select('kind').where('case_id', '=', caseId).orderBy('seq').execute();
  return events.map((event) => event.kind);
}

test('an escalate retried with the same key escalates once and answers the first answer again', async () => {
  const caseId = await openRunningCase();
  const headers = { 'idempotency-key': `esc-${caseId}` };
  const body = { action: 'escalate', reason: 'customer called twice' };
  const first = await stack.api('supervisor', `/v1/cases/${caseId}/actions`, { body, headers });
  const again = await stack.api('supervisor', `/v1/cases/${caseId}/actions`, { body, headers });
  expect(first.status).toBe(200);
  expect(first.body.tier).toBe(2);
  expect(again.status).toBe(200);
  expect(again.body).toEqual(first.body);
  const other = await stack.api('supervisor', `/v1/cases/${caseId}/actions`, { body: { ...body, reason: 'another reason' }, headers });
  expect(other.status).toBe(422);

  await eventually(
    () => trailKinds(caseId),
    (kinds) => kinds.includes('case.escalated'),
    { what: 'escalation in the trail' },
  );
  const view = await stack.api('agent', `/v1/cases/${caseId}`);
  expect(view.body.tier).toBe(2);
  expect((await trailKinds(caseId)).filter((kind) => kind === 'case.escalated')).toHaveLength(1);
  // The answer kept for replays holds no customer phone in clear.
  const stored = await stack.db.selectFrom('idempotency_keys').select('response').where('scope', 'like', `case:${caseId}:%`).execute();
  expect(stored).toHaveLength(1);
  expect(JSON.stringify(stored[0]?.response)).not.toContain('13800138000');

  // The same key from another principal is another request: keys are scoped per case and principal.
  const byExpert = await stack.api('expert', `/v1/cases/${caseId}/actions`, { body, headers });
  expect(byExpert.status).toBe(200);
  expect(byExpert.body.tier).toBe(3);
  await stack.client.workflow.getHandle(caseId).terminate('test over');
});

test('an extend-sla retried with the same key extends once', async () => {
  const caseId = await openRunningCase();
  const view = (await stack.api('agent', `/v1/cases/${caseId}`)).body as { clocks: Array<{ name: string; state: string }> };
  const clock = view.clocks.find((candidate) => candidate.state === 'running')?.name;
  expect(clock).toBeDefined();
  const headers = { 'idempotency-key': `ext-${caseId}` };
  const body = { action: 'extend-sla', clock, by: '2h', reason: 'waiting on the carrier' };
  const answers = await Promise.all([1, 2, 3].map(() => stack.api('supervisor', `/v1/cases/${caseId}/actions`, { body, headers })));
  expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
  await eventually(
    () => trailKinds(caseId),
    (kinds) => kinds.includes('sla.extended'),
    { what: 'extension in the trail' },
  );
  expect((await trailKinds(caseId)).filter((kind) => kind === 'sla.extended')).toHaveLength(1);
  const after = (await stack.api('agent', `/v1/cases/${caseId}`)).body as { clocks: Array<{ name: string; extensions: unknown[] }> };
  expect(after.clocks.find((candidate) => candidate.name === clock)?.extensions).toHaveLength(1);
  await stack.client.workflow.getHandle(caseId).terminate('test over');
});

test('a retry that Temporal can no longer deduplicate is answered from the durable record, not acted again', async () => {
  const caseId = await openRunningCase();
  const headers = { 'idempotency-key': `esc2-${caseId}` };
  const body = { action: 'escalate', reason: 'first attempt' };
  const first = await stack.api('supervisor', `/v1/cases/${caseId}/actions`, { body, headers });
  expect(first.status).toBe(200);
  // Another run of the case (as after continue-as-new, or here: none at all) knows nothing of the
  // first update id; only the record can answer the retry.
  await stack.client.workflow.getHandle(caseId).terminate('simulating a run that forgot the update id');
  const again = await stack.api('supervisor', `/v1/cases/${caseId}/actions`, { body, headers });
  expect(again.status).toBe(200);
  expect(again.body).toEqual(first.body);
});

test('a key of the wrong shape is a 400', async () => {
  const caseId = await openRunningCase();
  const response = await stack.api('supervisor', `/v1/cases/${caseId}/actions`, { body: { action: 'note', text: 'x' }, headers: { 'idempotency-key': 'x' } });
  expect(response.status).toBe(400);
  await stack.client.workflow.getHandle(caseId).terminate('test over');
});
