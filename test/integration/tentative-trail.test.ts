import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { persistCase, type WorkflowTaskWrite } from '../../store/case-store';
import { verifiedTrail } from '../../store/read-model';
import type { AuditEvent, CaseView } from '../../domain/case-view';
import { testPolicy } from '../../fixtures/fast-policy';
import { startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * Cases begun on the lean history write through a local activity, inside the workflow task. A
 * task can fail after its write (a signal arriving as the case closes, a worker dying before it
 * reports), and its replay number the newest events differently. The store keeps the trail
 * true to the history: events past what the history confirms are tentative and the later task's
 * write replaces them (hash chain and anchor re-made); a write from an older task than one
 * already stored (a stalled worker's) changes nothing; confirmed events are never touched.
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ policy: testPolicy(), inProcessWorker: false });
});
afterAll(async () => {
  await stack?.stop();
});

const newCaseId = () => `CASE-20261125-${randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase()}`;

function snapshot(caseId: string, version: number, status: CaseView['status']): CaseView {
  const at = '2026-11-25T01:00:00.000Z';
  return {
    caseId,
    type: 'DELAYED',
    status,
    priority: 'normal',
    tier: 1,
    assignee: 'agent',
    orderId: `SO-${caseId}`,
    waybillNo: `WB-${caseId}`,
    carrier: 'SF',
    customer: { id: 'CUS-1', name: '王师傅', phone: '13800000000' },
    description: 'parcel late',
    openedAt: at,
    openedBy: { kind: 'user', id: 'agent', role: 'agent' },
    updatedAt: at,
    slaBreached: false,
    clocks: [],
    tracking: { eventsSeen: 0 },
    carrierRequests: [],
    notifications: [],
    evidence: { items: [] },
    notes: [],
    timeline: [],
    version,
  } as CaseView;
}

const events = (kinds: Array<[number, string]>): AuditEvent[] =>
  kinds.map(
    ([seq, kind]) => ({ seq, at: `2026-11-25T01:00:0${seq}.000Z`, actor: { kind: 'workflow', id: 'case-workflow' }, kind, data: { seq } }) as AuditEvent,
  );

const write = (caseId: string, version: number, status: CaseView['status'], trail: Array<[number, string]>, task: WorkflowTaskWrite) =>
  persistCase(stack.db, { snapshot: snapshot(caseId, version, status), events: events(trail), task });

async function stored(caseId: string) {
  const trail = await verifiedTrail(stack.db, caseId);
  const row = await stack.db.selectFrom('cases').select(['status', 'version']).where('case_id', '=', caseId).executeTakeFirstOrThrow();
  return { kinds: trail?.events.map((event) => [event.seq, event.kind]), integrity: trail?.integrity, row };
}

test("a later task's write replaces what a failed task wrote past the confirmed seq, and the chain holds", async () => {
  const caseId = newCaseId();
  await write(
    caseId,
    2,
    'WAITING_CARRIER',
    [
      [1, 'case.opened'],
      [2, 'status.changed'],
    ],
    { generation: 1_000_010, confirmedThroughSeq: 0 },
  );
  // Task 20 closes the case and writes; Temporal refuses its completion (a scan came meanwhile).
  await write(
    caseId,
    5,
    'CLOSED',
    [
      [3, 'feedback.received'],
      [4, 'case.closed'],
    ],
    { generation: 1_000_020, confirmedThroughSeq: 2 },
  );
  // Task 24 replays with the scan first: the same seqs hold other events, the version is lower.
  const replayed = await write(
    caseId,
    4,
    'AWAITING_FEEDBACK',
    [
      [3, 'tracking.event'],
      [4, 'feedback.received'],
    ],
    { generation: 1_000_024, confirmedThroughSeq: 2 },
  );
  expect(replayed).toMatchObject({ eventsWritten: 2, snapshotApplied: true });

  expect(await stored(caseId)).toEqual({
    kinds: [
      [1, 'case.opened'],
      [2, 'status.changed'],
      [3, 'tracking.event'],
      [4, 'feedback.received'],
    ],
    integrity: { verified: true },
    row: { status: 'AWAITING_FEEDBACK', version: 4 },
  });
});

test("an older task's write after a later one's changes nothing", async () => {
  const caseId = newCaseId();
  await write(
    caseId,
    2,
    'WAITING_CARRIER',
    [
      [1, 'case.opened'],
      [2, 'status.changed'],
    ],
    { generation: 1_000_030, confirmedThroughSeq: 0 },
  );
  // A stalled worker still runs task 25 (timed out; task 30 replaced it) and writes late.
  const late = await write(
    caseId,
    3,
    'RESOLVED',
    [
      [1, 'case.opened'],
      [2, 'case.resolved'],
    ],
    { generation: 1_000_025, confirmedThroughSeq: 0 },
  );
  expect(late).toEqual({ eventsWritten: 0, snapshotApplied: false, stale: true });
  expect(await stored(caseId)).toMatchObject({
    kinds: [
      [1, 'case.opened'],
      [2, 'status.changed'],
    ],
    integrity: { verified: true },
    row: { status: 'WAITING_CARRIER', version: 2 },
  });
});

test('confirmed events stay, a retried write of the same task changes nothing, and the next run goes on the chain', async () => {
  const caseId = newCaseId();
  const first = { generation: 1_000_040, confirmedThroughSeq: 0 };
  await write(caseId, 1, 'OPEN', [[1, 'case.opened']], first);
  // The local activity's retry within the same task: the same events again.
  expect(await write(caseId, 1, 'OPEN', [[1, 'case.opened']], first)).toMatchObject({ eventsWritten: 1, snapshotApplied: false });
  // Continue-as-new: run 2 starts its history again, its generation still grows.
  await write(caseId, 2, 'WAITING_CARRIER', [[2, 'status.changed']], { generation: 2_000_003, confirmedThroughSeq: 1 });
  expect(await stored(caseId)).toEqual({
    kinds: [
      [1, 'case.opened'],
      [2, 'status.changed'],
    ],
    integrity: { verified: true },
    row: { status: 'WAITING_CARRIER', version: 2 },
  });
});

test('the database itself refuses to change a confirmed event, or a tentative one outside the store’s write', async () => {
  const caseId = newCaseId();
  await write(caseId, 1, 'OPEN', [[1, 'case.opened']], { generation: 1_000_050, confirmedThroughSeq: 0 });
  await write(caseId, 2, 'WAITING_CARRIER', [[2, 'status.changed']], { generation: 1_000_055, confirmedThroughSeq: 1 });
  const deleteSeq = (seq: number, asTheStore: boolean) =>
    stack.db.transaction().execute(async (trx) => {
      if (asTheStore) await sql`SELECT set_config('case_store.replacing_tentative_tail', 'on', true)`.execute(trx);
      await trx.deleteFrom('case_events').where('case_id', '=', caseId).where('seq', '=', seq).execute();
    });
  await expect(deleteSeq(1, true)).rejects.toThrow(/append-only/);
  await expect(deleteSeq(2, false)).rejects.toThrow(/append-only/);
  await expect(stack.db.updateTable('case_events').set({ kind: 'edited' }).where('case_id', '=', caseId).execute()).rejects.toThrow(/append-only/);
  expect((await stored(caseId)).kinds).toEqual([
    [1, 'case.opened'],
    [2, 'status.changed'],
  ]);
});
