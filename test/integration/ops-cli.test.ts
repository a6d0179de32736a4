import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, openCaseBody, startTestStack, TOKENS, type TestStack } from '../helpers/test-stack';

/**
 * The operator CLI (`npm run ops -- …`) run as a process against the running stack: real API,
 * real Temporal worker, real PostgreSQL. It only ever talks HTTP with a token, like any client.
 */

let stack: TestStack;
let caseId: string;
let orderId: string;

const CLI = join(__dirname, '..', '..', 'scripts', 'ops', 'main.ts');
const TSX = require.resolve('tsx/cli');

function ops(role: keyof typeof TOKENS, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [TSX, CLI, ...args],
      { env: { ...process.env, OPS_API_URL: stack.apiUrl, OPS_TOKEN: TOKENS[role] }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Today and yesterday in Asia/Shanghai (the range holds the case whatever the hour). */
const shanghaiDate = (offsetDays = 0) => new Date(Date.now() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  stack = await startTestStack();
  const body = openCaseBody();
  orderId = String(body.orderId);
  const opened = await stack.api('agent', '/v1/cases', { body });
  expect(opened.status).toBe(201);
  caseId = opened.body.caseId;
  await eventually(
    () => stack.api('supervisor', `/v1/cases?q=${orderId}`),
    (r) => r.body.items?.length === 1,
    { what: 'the case in the read model' },
  );
});
afterAll(async () => {
  await stack?.stop();
});

describe('npm run ops', () => {
  it('cases list finds the case and prints a table', async () => {
    const { code, stdout } = await ops('supervisor', 'cases', 'list', '-q', orderId);
    expect(code).toBe(0);
    expect(stdout).toContain(caseId);
    expect(stdout).toMatch(/caseId.*type.*status/);
  });

  it('cases show prints the case, its clocks and allowed actions', async () => {
    const { code, stdout } = await ops('agent', 'cases', 'show', caseId);
    expect(code).toBe(0);
    expect(stdout).toContain(caseId);
    expect(stdout).toContain('SLA clocks');
    expect(stdout).toContain('firstResponse');
    expect(stdout).toMatch(/allowed actions: .*note/);
  });

  it('cases act takes an action through the API, and shows the API refusal otherwise', async () => {
    const done = await ops('agent', 'cases', 'act', caseId, 'note', '-f', 'text=客户来电，已安抚');
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('note: done');
    const view = await stack.api('agent', `/v1/cases/${caseId}`);
    expect(view.body.notes.map((note: { text: string }) => note.text)).toContain('客户来电，已安抚');

    const refused = await ops('agent', 'cases', 'act', caseId, 'no-such-action');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/error: 400 Invalid request/);
  });

  it('report prints tables, and says when the role may not read reports', async () => {
    const sla = await ops('supervisor', 'report', 'sla', '--from', shanghaiDate(-1), '--to', shanghaiDate());
    expect(sla.code).toBe(0);
    expect(sla.stdout).toContain('By clock');
    expect(sla.stdout).toContain('firstResponse');
    const empty = await ops('auditor', 'report', 'satisfaction', '--from', '2020-01-01', '--to', '2020-01-01');
    expect(empty.code).toBe(0);
    expect(empty.stdout).toMatch(/CSAT \(share of 4–5\)\s*│\s*0%/);
    const csv = await ops('expert', 'report', 'carriers', '--from', '2020-01-01', '--to', '2020-01-01', '--csv');
    expect(csv.stdout.split('\r\n')[0]).toMatch(/^carrier,shipmentsSeen,/);
    // The agents' scorecard over the cases this file opened today: a table with a TOTAL line.
    const agents = await ops('supervisor', 'report', 'agents', '--from', shanghaiDate(-1), '--to', shanghaiDate());
    expect(agents.code).toBe(0);
    expect(agents.stdout).toMatch(/agents report/);
    expect(agents.stdout).toMatch(/TOTAL/);
    const forbidden = await ops('agent', 'report', 'health', '--from', '2020-01-01', '--to', '2020-01-01');
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toMatch(/error: 403/);
    const bad = await ops('supervisor', 'report', 'sla', '--from', 'yesterday', '--to', '2020-01-01');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--from/);
  });

  it('incident declare follows the fan-out until the matching case is reached; incident end ends it', async () => {
    const prefix = `7${String(Math.floor(Math.random() * 900) + 100)}`;
    const opened = await stack.api('agent', '/v1/cases', { body: openCaseBody({ region: `${prefix}01` }) });
    const target = String(opened.body.caseId);
    await eventually(
      () => stack.db.selectFrom('cases').select('version').where('case_id', '=', target).executeTakeFirst(),
      (row) => (row?.version ?? 0) > 0,
    );
    const declared = await ops(
      'expert',
      'incident',
      'declare',
      '--cause',
      'carrier_outage',
      '--region',
      prefix,
      '--message',
      '承运商系统故障，揽收暂停',
      '--expected-end-at',
      new Date(Date.now() + 3_600_000).toISOString(),
    );
    expect(declared.stderr).not.toMatch(/error/);
    expect(declared.code).toBe(0);
    const incidentId = /incident (INC-[0-9A-Z]+) declared/.exec(declared.stdout)?.[1] as string;
    expect(incidentId).toBeDefined();
    // The table after the fan-out: 1 matched, 1 reached.
    expect(declared.stdout).toMatch(/│ 1\s+│ 1\s+│ [01]\s+│ 0\s+│/);
    expect((await stack.api('agent', `/v1/cases/${target}`)).body.incidents[0].incidentId).toBe(incidentId);
    const ended = await ops('supervisor', 'incident', 'end', incidentId);
    expect(ended.code).toBe(0);
    expect(ended.stdout).toMatch(/ending|ended/);
    expect((await ops('agent', 'incident', 'end', incidentId)).stderr).toMatch(/error: 403/);
  });

  it('audit export writes the NDJSON and prints a verification summary that matches it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ops-audit-')), 'trails.ndjson');
    const { code, stdout } = await ops('auditor', 'audit', 'export', '--from', shanghaiDate(-1), '--to', shanghaiDate(), '--out', out);
    const match = /(\d+) cases, (\d+) verified, (\d+) failed/.exec(stdout);
    expect(match).not.toBeNull();
    const [cases, verified, failed] = (match as RegExpExecArray).slice(1).map(Number) as [number, number, number];
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(cases);
    expect(lines.filter((line) => line.integrity.verified)).toHaveLength(verified);
    expect(verified + failed).toBe(cases);
    expect(code).toBe(failed ? 3 : 0);
    const mine = lines.find((line) => line.caseId === caseId);
    expect(mine).toMatchObject({ kind: 'case', integrity: { verified: true } });
    expect(mine.events[0].seq).toBe(1);
  });
});
