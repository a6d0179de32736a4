import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { sql } from 'kysely';
import { verifyTrail } from '../../store/audit-hash';
import { eraseCustomerData } from '../../store/erasure';
import { caseHistory } from '../../store/read-model';
import { CaseService } from '../../api/case-service';
import { openCaseBody as openCaseSchema } from '../../api/schemas';
import { caseViewQuery } from '../../workflows/case/contract';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * Personal data at rest (issue 7, item 8): phones never in clear in the read model or the audit
 * trail, the start request sealed and still able to restart a case, and a customer's data erased
 * on request with every audit chain still verifying.
 */

const PHONE = '13912345678';
const NAME = '李四五金';

let stack: TestStack;
const started: string[] = [];

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  for (const caseId of started)
    await stack.client.workflow
      .getHandle(caseId)
      .terminate('test over')
      .catch(() => undefined);
  await stack?.stop();
});

function body(customerId: string) {
  return openCaseBody({ customer: { id: customerId, name: NAME, phone: PHONE, storeId: 'S-1' } });
}

async function rowText(caseId: string): Promise<string> {
  const row = await sql<{ text: string }>`select snapshot::text || start_request::text as text from cases where case_id = ${caseId}`.execute(stack.db);
  const events = await sql<{ text: string }>`select coalesce(string_agg(data::text, ''), '') as text from case_events where case_id = ${caseId}`.execute(
    stack.db,
  );
  return `${row.rows[0]?.text ?? ''}${events.rows[0]?.text ?? ''}`;
}

test('the read model and the trail hold no phone in clear; the start request is sealed', async () => {
  const opened = await stack.api('agent', '/v1/cases', { body: body('C-PII-1') });
  const caseId = opened.body.caseId as string;
  started.push(caseId);
  const row = await eventually(
    () => stack.db.selectFrom('cases').select(['snapshot', 'start_request', 'version']).where('case_id', '=', caseId).executeTakeFirstOrThrow(),
    (r) => r.version > 0,
    { what: 'the first snapshot' },
  );
  expect((row.snapshot as { customer: { phone: string } }).customer.phone).toBe('139****5678');
  const customer = (row.start_request as { customer: { phone: string; name: string } }).customer;
  expect(customer.phone).toMatch(/^enc:v1:/);
  expect(customer.name).toMatch(/^enc:v1:/);
  const text = await rowText(caseId);
  expect(text).not.toContain(PHONE);
  expect(text).not.toContain(NAME);
  // The live view (from the workflow) still has what the agents need to call the customer.
  const view = await stack.api('agent', `/v1/cases/${caseId}`);
  expect(view.body.customer.phone).toBe(PHONE);
});

test('a case whose start was interrupted is started from the sealed request with the customer intact', async () => {
  // The start fails at the client and Temporal cannot even say whether it happened: the row stays.
  const realWorkflow = stack.client.workflow;
  const blindWorkflow = Object.create(realWorkflow, {
    start: { value: async () => Promise.reject(new Error('14 UNAVAILABLE: connection refused')) },
    getHandle: {
      value: (workflowId: string) =>
        Object.assign(realWorkflow.getHandle(workflowId), { describe: () => Promise.reject(new Error('14 UNAVAILABLE: connection refused')) }),
    },
  }) as typeof realWorkflow;
  const blindClient = Object.create(stack.client, { workflow: { value: blindWorkflow } }) as Client;
  const blind = new CaseService({ db: stack.db, temporal: blindClient, config: stack.config, log: () => undefined });
  await expect(blind.openCase(openCaseSchema.parse(body('C-PII-2')), { id: 'agent:test', role: 'agent' })).rejects.toMatchObject({ status: 503 });
  const row = await stack.db.selectFrom('cases').select(['case_id', 'version']).where('customer_id', '=', 'C-PII-2').executeTakeFirstOrThrow();
  expect(row.version).toBe(0);
  started.push(row.case_id);
  await expect(stack.client.workflow.getHandle(row.case_id).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

  // The sweeper's pass finishes the start from the stored (sealed) request.
  const service = new CaseService({ db: stack.db, temporal: stack.client, config: stack.config, log: () => undefined });
  const { finished } = await service.finishInterruptedStarts({ olderThanMs: 0 });
  expect(finished).toBeGreaterThanOrEqual(1);
  const view = await eventually(
    () =>
      stack.client.workflow
        .getHandle(row.case_id)
        .query(caseViewQuery)
        .catch(() => undefined),
    (v) => v !== undefined,
    { what: 'the started workflow' },
  );
  expect(view?.customer).toMatchObject({ id: 'C-PII-2', name: NAME, phone: PHONE });
});

test('erasing a customer overwrites the snapshot and start request of finished cases; every chain still verifies', async () => {
  const opened = await stack.api('agent', '/v1/cases', { body: body('C-PII-3') });
  const caseId = opened.body.caseId as string;
  started.push(caseId);
  await eventually(
    async () => (await stack.api('agent', `/v1/cases/${caseId}`)).body.status,
    (status) => status === 'WAITING_CARRIER',
  );
  const cancelled = await stack.api('supervisor', `/v1/cases/${caseId}/actions`, { body: { action: 'cancel', reason: 'customer withdrew' } });
  expect(cancelled.status).toBe(200);
  await eventually(
    () => stack.db.selectFrom('cases').select('status').where('case_id', '=', caseId).executeTakeFirstOrThrow(),
    (r) => r.status === 'CANCELLED',
    { what: 'the cancelled case in the read model' },
  );
  await eventually(
    () => stack.client.workflow.getHandle(caseId).describe(),
    (d) => d.status.name !== 'RUNNING',
    { what: 'the workflow to end' },
  );

  const result = await eraseCustomerData(stack.db, 'C-PII-3', 'dpo:test');
  expect(result).toEqual({ erasedCaseIds: [caseId], stillOpenCaseIds: [] });
  const row = await stack.db
    .selectFrom('cases')
    .select(['snapshot', 'start_request', 'last_event_seq', 'last_event_hash'])
    .where('case_id', '=', caseId)
    .executeTakeFirstOrThrow();
  expect((row.snapshot as unknown as { customer: Record<string, string> }).customer).toMatchObject({ name: '[erased]', phone: '[erased]' });
  expect((row.start_request as { customer: Record<string, string> }).customer).toMatchObject({ name: '[erased]', phone: '[erased]' });
  expect(await rowText(caseId)).not.toContain(NAME);
  // The masked phone (139****5678) may stay in the trail; nothing of it stays in the row.
  // Its last digits alone could be anything's (a random waybill number holds "5678" now and then).
  const stored = JSON.stringify(row.snapshot) + JSON.stringify(row.start_request);
  expect(stored).not.toContain(PHONE);
  expect(stored).not.toMatch(/\*+5678/);
  const integrity = verifyTrail(caseId, await caseHistory(stack.db, caseId), { lastSeq: row.last_event_seq, lastHash: row.last_event_hash });
  expect(integrity).toEqual({ verified: true });
  const record = await stack.db.selectFrom('pii_erasures').selectAll().where('requested_by', '=', 'dpo:test').executeTakeFirstOrThrow();
  expect(record.customer_ref).toMatch(/^[0-9a-f]{64}$/);
});
