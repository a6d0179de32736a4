import { randomUUID } from 'node:crypto';
import { eventually, openCaseBody, startTestStack, uniqueWaybill, type TestStack } from '../helpers/test-stack';

/**
 * Incidents on real parts: the incident workflow pages through the read model and signals each
 * matching open case; each case records it, extends its delay clocks to the expected end and tells
 * the customer once (simulator ledger); a case opened in the region while the incident is active
 * is reached too; a retried POST starts nothing new; ending it is recorded on the cases.
 * SLA_TIME_SCALE 0.02 turns the incident's 60 s sweep into 1.2 s.
 */

let stack: TestStack;
/** The incident's region: a 4-digit prefix (a city) holding the cases' 6-digit area codes. */
const region = `9${String(Math.floor(Math.random() * 900) + 100)}`;
const otherRegion = `8${String(Math.floor(Math.random() * 90_000) + 10_000)}`;
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON

async function openIn(where: string): Promise<string> {
  const opened = await stack.api('agent', '/v1/cases', {
    body: openCaseBody({ region: where, customer: { id: `C-${randomUUID().slice(0, 6)}`, name: '李四汽修', phone: '13900139000' } }),
  });
  expect(opened.status).toBe(201);
  const caseId = String(opened.body.caseId);
  await eventually(
    () => stack.db.selectFrom('cases').select(['case_id', 'version']).where('case_id', '=', caseId).executeTakeFirst(),
    (row) => row !== undefined && row.version > 0,
    { what: `${caseId} in the read model` },
  );
  return caseId;
}

const view = async (caseId: string): Promise<Json> => (await stack.api('agent', `/v1/cases/${caseId}`)).body;
const trailKinds = async (caseId: string): Promise<string[]> =>
  (await stack.api('auditor', `/v1/cases/${caseId}/history`)).body.events.map((event: { kind: string }) => event.kind);
/** Provider calls for the incident notice of a case, per idempotency key (replays excluded). */
const incidentSends = (caseId: string) =>
  (['sms', 'inapp', 'wecom'] as const).flatMap((system) =>
    stack.simulators.ledger.entries({ system }).filter((entry) => String(entry.idempotencyKey ?? '').startsWith(`${caseId}:incident-`)),
  );

beforeAll(async () => {
  stack = await startTestStack({ env: { SLA_TIME_SCALE: '0.02' } });
});
afterAll(async () => {
  await stack?.stop();
});

test('an incident reaches every matching open case once, and new cases in its region while active; its end is recorded', async () => {
  const inRegion = [await openIn(`${region}01`), await openIn(`${region}02`), await openIn(`${region}99`)];
  const elsewhere = await openIn(otherRegion);

  const startsAt = new Date().toISOString();
  const expectedEndAt = new Date(Date.now() + 2 * 3_600_000).toISOString();
  const body = { cause: 'weather', regions: [region], startsAt, expectedEndAt, message: '暴雨红色预警，派送暂停' };
  const key = `incident-${randomUUID()}`;
  expect((await stack.api('agent', '/v1/incidents', { body, headers: { 'idempotency-key': key } })).status).toBe(403);
  const declared = await stack.api('supervisor', '/v1/incidents', { body, headers: { 'idempotency-key': key } });
  expect(declared.status).toBe(202);
  const incidentId = String(declared.body.incidentId);
  expect(incidentId).toMatch(/^INC-/);

  const progress = await eventually(
    async () => (await stack.api('agent', `/v1/incidents/${incidentId}`)).body,
    (p: Json) => p.fanOutComplete && p.reached === 3 && p.notified === 3,
    { what: 'the incident to reach and notify the three cases', timeoutMs: 60_000 },
  );
  expect(progress).toMatchObject({ status: 'active', matched: 3, reached: 3, notified: 3, failed: 0 });

  for (const caseId of inRegion) {
    const state = await view(caseId);
    expect(state.incidents).toEqual([expect.objectContaining({ incidentId, cause: 'weather', expectedEndAt })]);
    const handling = state.clocks.find((clock: { name: string }) => clock.name === 'handling');
    expect(handling.extensions).toEqual([expect.objectContaining({ reason: `incident ${incidentId}` })]);
    expect((await trailKinds(caseId)).filter((kind) => kind === 'incident.recorded')).toHaveLength(1);
    const sends = incidentSends(caseId);
    expect(sends.length).toBeGreaterThan(0);
    expect(new Set(sends.map((entry) => entry.idempotencyKey)).size).toBe(sends.length); // each channel once
  }
  expect((await view(elsewhere)).incidents).toBeUndefined();

  // The same POST again (a client retry): the same incident, nothing new.
  const retried = await stack.api('supervisor', '/v1/incidents', { body, headers: { 'idempotency-key': key } });
  expect(retried.status).toBe(202);
  expect(retried.body.incidentId).toBe(incidentId);
  const conflicting = await stack.api('supervisor', '/v1/incidents', { body: { ...body, message: 'other' }, headers: { 'idempotency-key': key } });
  expect(conflicting.status).toBe(422);

  // A case opened in the region while the incident is active is reached by the next sweep.
  const late = await openIn(`${region}03`);
  await eventually(
    () => view(late),
    (state: Json) => state.incidents?.[0]?.incidentId === incidentId,
    { what: 'the late case reached', timeoutMs: 30_000 },
  );
  const after = (await stack.api('agent', `/v1/incidents/${incidentId}`)).body;
  expect(after).toMatchObject({ matched: 4, reached: 4 });
  for (const caseId of inRegion) expect((await trailKinds(caseId)).filter((kind) => kind === 'incident.recorded')).toHaveLength(1);

  const listed = await stack.api('expert', '/v1/incidents');
  expect(listed.status).toBe(200);

  const ended = await stack.api('expert', `/v1/incidents/${incidentId}/end`, { method: 'POST' });
  expect(ended.status).toBe(202);
  await eventually(
    async () => (await stack.api('agent', `/v1/incidents/${incidentId}`)).body,
    (p: Json) => p.status === 'ended',
    { what: 'the incident ended' },
  );
  for (const caseId of [...inRegion, late]) {
    await eventually(
      () => trailKinds(caseId),
      (kinds) => kinds.includes('incident.ended'),
      { what: `${caseId} told of the end` },
    );
  }
});

test('a bad incident is refused with the fields named', async () => {
  const bad = await stack.api('expert', '/v1/incidents', { body: { cause: 'aliens', regions: [], startsAt: 'soon', message: '' } });
  expect(bad.status).toBe(400);
  const paths = bad.body.errors.map((error: { path: string }) => error.path);
  expect(paths).toEqual(expect.arrayContaining(['$.cause', '$.regions', '$.startsAt', '$.message']));
  expect((await stack.api('agent', '/v1/incidents/INC-00000000000000000000')).status).toBe(404);
});

test('a case that opened itself from a tracking exception takes its region from the order, and an incident reaches it (issue 18, item 9)', async () => {
  const waybillNo = uniqueWaybill('SF');
  const autoRegion = `7${String(Math.floor(Math.random() * 900) + 100)}`;
  const orderId = `ORD-${waybillNo}`;
  const seeded = await fetch(`${stack.simulators.url}/__control/oms/orders/${orderId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      waybillNo,
      carrier: 'SF',
      customer: { customerId: `CUST-${orderId}`, name: '王師傅汽修', phone: '13800138000' },
      store: { storeId: 'STORE-SH-01', name: '楓車汽修 徐匯店', wecomKey: 'wecom-store-sh-01' },
      items: [{ sku: 'BRAKE-PAD-01', name: '前剎車片', quantity: 2, unitPrice: 12_800 }],
      supplierId: null,
      region: `${autoRegion}05`,
    }),
  });
  expect(seeded.status).toBe(200);
  expect((await stack.pushTracking({ eventId: `${waybillNo}-damaged`, waybillNo, status: 'Exception', subStatus: 'damaged' })).status).toBe(200);
  const [row] = await eventually(
    () => stack.db.selectFrom('cases').select(['case_id', 'region', 'version', 'opened_from']).where('waybill_no', '=', waybillNo).execute(),
    (rows) => rows.length === 1 && (rows[0]?.version ?? 0) > 0,
    { what: `the case opened for ${waybillNo}` },
  );
  expect(row).toMatchObject({ region: `${autoRegion}05`, opened_from: 'tracking' });
  const caseId = String(row?.case_id);
  expect((await view(caseId)).region).toBe(`${autoRegion}05`);

  const declared = await stack.api('supervisor', '/v1/incidents', {
    body: { cause: 'regional_control', regions: [autoRegion], startsAt: new Date().toISOString(), message: '区域管控，派送延迟' },
  });
  expect(declared.status).toBe(202);
  const incidentId = String(declared.body.incidentId);
  await eventually(
    () => view(caseId),
    (state: Json) => state.incidents?.[0]?.incidentId === incidentId,
    { what: 'the auto-opened case reached by the incident', timeoutMs: 60_000 },
  );
  expect((await stack.api('expert', `/v1/incidents/${incidentId}/end`, { method: 'POST' })).status).toBe(202);
});
