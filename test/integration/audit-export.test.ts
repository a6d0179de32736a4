import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { persistCase } from '../../store/case-store';
import type { AuditEvent, CaseView } from '../../domain/case-view';
import { startTestStack, TOKENS, type TestStack } from '../helpers/test-stack';

/**
 * GET /v1/audit/export: every trail of the range as NDJSON with its chain's verification and a
 * Temporal UI link. Trails are written by the store's own persistCase (the hash chain the case
 * workflows write), in 2019 so no other test file's cases fall in the ranges asked for.
 */

let stack: TestStack;
const run = randomUUID().slice(0, 6);

function snapshotOf(caseId: string, openedAt: string): CaseView {
  return {
    caseId,
    type: 'DELAYED',
    status: 'OPEN',
    priority: 'normal',
    tier: 1,
    assignee: 'agent',
    orderId: `SO-${caseId}`,
    waybillNo: `WB-${caseId}`,
    carrier: 'SF',
    customer: { id: `CUS-${run}`, name: '王师傅', phone: '13800000000' },
    description: 'parcel late',
    openedAt,
    openedBy: { kind: 'user', id: 'agent', role: 'agent' },
    updatedAt: openedAt,
    slaBreached: false,
    clocks: [],
    tracking: { eventsSeen: 0 },
    carrierRequests: [],
    notifications: [],
    evidence: { items: [] },
    notes: [],
    timeline: [],
    version: 1,
  } as CaseView;
}

async function persistTrail(caseId: string, openedAt: string, eventCount: number): Promise<void> {
  const events: AuditEvent[] = Array.from({ length: eventCount }, (_, index) => ({
    seq: index + 1,
    at: new Date(Date.parse(openedAt) + index * 1000).toISOString(),
    actor: { kind: 'workflow', id: 'case-workflow' },
    kind: index === 0 ? 'case.opened' : 'note.added',
    data: { n: index },
  })) as AuditEvent[];
  await persistCase(stack.db, { snapshot: snapshotOf(caseId, openedAt), events });
}

async function exportLines(role: keyof typeof TOKENS, query: string) {
  const response = await fetch(`${stack.apiUrl}/v1/audit/export?${query}`, { headers: { authorization: `Bearer ${TOKENS[role]}` } });
  const text = await response.text();
  const lines =
    response.status === 200
      ? text
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line))
      : [];
  return { status: response.status, headers: response.headers, lines, text };
}

/** Case ids of the API's shape (CASE-yyyymmdd-XXXXXXXX), one per fixture name. */
const ids = new Map<string, string>();
const id = (name: string): string => {
  if (!ids.has(name)) ids.set(name, `CASE-20190501-${randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase()}`);
  return ids.get(name) as string;
};

beforeAll(async () => {
  stack = await startTestStack({ inProcessWorker: false });
  // 2019-05-01 in Shanghai runs from 2019-04-30T16:00Z to 2019-05-01T16:00Z.
  await persistTrail(id('before'), '2019-04-30T15:30:00Z', 2); // local 04-30 23:30: outside
  await persistTrail(id('a'), '2019-04-30T16:30:00Z', 3); // local 05-01 00:30
  await persistTrail(id('b'), '2019-05-01T08:00:00Z', 2);
  await persistTrail(id('c'), '2019-05-01T15:59:00Z', 4); // local 05-01 23:59
  // The case row says the trail goes on to seq 6: events were cut off.
  await sql`UPDATE cases SET last_event_seq = 6 WHERE case_id = ${id('b')}`.execute(stack.db);
  // More than a page (100) of cases on 2019-06-01, to cross the export's page boundary.
  for (let i = 0; i < 101; i += 1) {
    await persistTrail(id(`bulk${String(i).padStart(3, '0')}`), new Date(Date.parse('2019-06-01T01:00:00Z') + (i % 7) * 60_000).toISOString(), 1);
  }
});
afterAll(async () => {
  await stack?.stop();
});

describe('GET /v1/audit/export', () => {
  it('streams every trail of the local-date range with its verification and a Temporal UI link, then a summary', async () => {
    const { status, headers, lines } = await exportLines('auditor', 'from=2019-05-01&to=2019-05-01');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(headers.get('x-case-count')).toBe('3');
    expect(lines.map((line) => line.caseId ?? line.kind)).toEqual([id('a'), id('b'), id('c'), 'summary']);
    const [a, b, c, summary] = lines;
    expect(a.events.map((event: { seq: number }) => event.seq)).toEqual([1, 2, 3]);
    expect(a.integrity).toEqual({ verified: true });
    expect(c.events).toHaveLength(4);
    expect(b.integrity).toEqual({ verified: false, truncated: { expectedLastSeq: 6, actualLastSeq: 2 } });
    expect(a.temporalUi).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(id('a'))}`);
    expect(a).toMatchObject({ kind: 'case', type: 'DELAYED', carrier: 'SF', openedAt: '2019-04-30T16:30:00.000Z' });
    expect(summary).toEqual({ kind: 'summary', from: '2019-05-01', to: '2019-05-01', cases: 3, verified: 2, failed: 1, failedCaseIds: [id('b')] });
  });

  it('pages through more cases than one page holds, each exactly once', async () => {
    const { lines } = await exportLines('supervisor', 'from=2019-06-01&to=2019-06-01');
    const cases = lines.filter((line) => line.kind === 'case');
    expect(cases).toHaveLength(101);
    expect(new Set(cases.map((line) => line.caseId)).size).toBe(101);
    expect(lines[lines.length - 1]).toMatchObject({ kind: 'summary', cases: 101, verified: 101, failed: 0 });
  });

  it('answers an empty range with only the summary', async () => {
    const { status, lines } = await exportLines('auditor', 'from=2018-01-01&to=2018-01-31');
    expect(status).toBe(200);
    expect(lines).toEqual([{ kind: 'summary', from: '2018-01-01', to: '2018-01-31', cases: 0, verified: 0, failed: 0, failedCaseIds: [] }]);
  });

  it('refuses agents and integrations, and a bad range', async () => {
    expect((await exportLines('agent', 'from=2019-05-01&to=2019-05-01')).status).toBe(403);
    expect((await exportLines('system', 'from=2019-05-01&to=2019-05-01')).status).toBe(403);
    const bad = await exportLines('auditor', 'from=2019-05-01&to=2019-13-01');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).errors).toEqual([expect.objectContaining({ path: '$.to' })]);
  });
});

describe('GET /v1/cases/{id}/history', () => {
  it('carries the link to the case in the Temporal UI', async () => {
    const { status, body } = await stack.api('auditor', `/v1/cases/${id('a')}/history`);
    expect(status).toBe(200);
    expect(body.temporalUi).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(id('a'))}`);
  });
});
