import { testPolicy } from '../../fixtures/fast-policy';
import { decodePayloadValue } from '../helpers/payloads';
import { eventually, openCaseBody, startTestStack, type TestStack } from '../helpers/test-stack';

/**
 * What a supervisor sees in the Temporal UI (issue 8, item 7): every activity of a case carries a
 * summary that says what it does (the case's writes are no rows at all while it runs), and the claim settlement
 * child carries the case's order and parcel search attributes and a summary, so a search by
 * waybill finds the case and its claim together.
 */

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ policy: testPolicy() });
});
afterAll(async () => {
  await stack?.stop();
});

type History = Awaited<ReturnType<ReturnType<TestStack['client']['workflow']['getHandle']>['fetchHistory']>>;

/** Each activity of the history (local ones too, recorded as markers) with its UI summary. */
async function activitySummaries(history: History): Promise<Array<{ type: string; summary: string | undefined }>> {
  const rows: Array<{ type: string; summary: string | undefined }> = [];
  for (const event of history.events ?? []) {
    const type = event.activityTaskScheduledEventAttributes?.activityType?.name ?? localActivityType(event);
    if (!type) continue;
    const payload = event.userMetadata?.summary;
    rows.push({ type, summary: payload ? await decodePayloadValue<string>(stack.config, payload) : undefined });
  }
  return rows;
}

/** A local activity's marker names its type in the SDK core's own (unencrypted) `data`. */
function localActivityType(event: NonNullable<History['events']>[number]): string | undefined {
  const marker = event.markerRecordedEventAttributes;
  const data = marker?.markerName === 'core_local_activity' ? marker.details?.data?.payloads?.[0]?.data : undefined;
  return data ? (JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type?: string }).activity_type : undefined;
}

test('a LOST case: labelled activities, and a claim child found by the waybill with its own summary', async () => {
  const body = openCaseBody({ type: 'LOST', orderValue: 30_000, insured: false, freight: 5_000 });
  const opened = await stack.api('agent', '/v1/cases', { body });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  await stack.pushTracking({ eventId: `${caseId}-lost`, waybillNo: body.waybillNo, status: 'Exception', subStatus: 'lost' });
  await eventually(
    async () => (await stack.api('agent', `/v1/cases/${caseId}`)).body,
    (view) => view.claim?.status === 'PAID',
    { what: 'claim paid' },
  );

  // Every notice and urge of the case says what it is; its writes are made inside its workflow
  // tasks, so no write is a row of its history while it runs (the run's last one is, at its end).
  const rows = await activitySummaries(await stack.client.workflow.getHandle(caseId).fetchHistory());
  const labelled = rows.filter((row) => ['sendNotification', 'sendNoticeChannels', 'urgeCarrier'].includes(row.type));
  expect(labelled.length).toBeGreaterThan(1);
  for (const row of labelled) expect(row.summary).toMatch(/^(notify|urge) /);
  expect(rows.filter((row) => row.type === 'persistCase')).toEqual([]);

  // The claim settlement child is listed with the case when a supervisor searches by waybill.
  const found = await eventually(
    async () => {
      const ids: string[] = [];
      for await (const workflow of stack.client.workflow.list({ query: `WaybillNo = "${body.waybillNo}"` })) ids.push(workflow.workflowId);
      return ids;
    },
    (ids) => ids.includes(caseId) && ids.some((id) => id.startsWith(`${caseId}/claim-`)),
    { what: 'the case and its claim by waybill' },
  );
  const claimId = found.find((id) => id.startsWith(`${caseId}/claim-`)) as string;
  const claim = await stack.client.workflow.getHandle(claimId).describe();
  expect(claim.searchAttributes).toMatchObject({ OrderId: [body.orderId], Carrier: ['SF'], ExceptionType: ['LOST'] });
  expect(await claim.staticSummary()).toBe(`loss claim for case ${caseId}: SF ${body.waybillNo}`);
});
