import { getJson, postJson, sendJson, useSimulators } from './helpers';

const sims = useSimulators();
const api = (path: string): string => `${sims().url}/carrier/generic/v1${path}`;
const post = (path: string, body: unknown, key: string) => postJson(api(path), body, { 'Idempotency-Key': key });

const NEW_ADDRESS = { name: '王师傅', phone: '13900001111', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园路1号' };

describe('generic carrier API: instructions', () => {
  it.each([
    ['/urge', 'urge', { carrier: 'SF', waybillNo: 'SF100', reason: 'no scan for 48h' }],
    ['/intercept', 'intercept', { carrier: 'SF', waybillNo: 'SF100', reason: 'order cancelled' }],
    ['/redirect', 'redirect', { carrier: 'SF', waybillNo: 'SF100', newAddress: NEW_ADDRESS }],
    ['/return', 'return', { carrier: 'SF', waybillNo: 'SF100' }],
    ['/redeliver', 'redeliver', { carrier: 'SF', waybillNo: 'SF100' }],
  ])('POST %s answers a ticket and records one %s', async (path, operation, body) => {
    const res = await post(path, body, `k-${operation}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      code: 0,
      message: 'ok',
      data: { ticketId: expect.stringMatching(/^TK\d+$/), carrier: 'SF', waybillNo: 'SF100', status: 'ACCEPTED' },
    });
    const entries = sims().ledger.entries({ system: 'carrier', operation });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ idempotencyKey: `k-${operation}`, replay: false, status: 200, response: res.body });
  });

  it('replays a repeated Idempotency-Key: same answer, one effect, one replay entry', async () => {
    const body = { carrier: 'JD', waybillNo: 'JD1', reason: 'stuck' };
    const first = await post('/urge', body, 'urge-1');
    const second = await post('/urge', body, 'urge-1');
    expect(second.body).toEqual(first.body);
    expect(sims().ledger.entries({ idempotencyKey: 'urge-1' })).toHaveLength(1);
    expect(
      sims()
        .ledger.entries({ idempotencyKey: 'urge-1', includeReplays: true })
        .map((e) => e.replay),
    ).toEqual([false, true]);
    const instructions = await getJson(`${sims().url}/__control/carrier/instructions/JD1`);
    expect(instructions.body.instructions).toHaveLength(1);
  });

  it('rejects a missing Idempotency-Key or missing fields with 400 and records nothing', async () => {
    const noKey = await postJson(api('/urge'), { carrier: 'SF', waybillNo: 'SF1', reason: 'r' });
    expect(noKey.status).toBe(400);
    expect(noKey.body.code).toBe(4000);
    const badAddress = await post('/redirect', { carrier: 'SF', waybillNo: 'SF1', newAddress: { name: 'x' } }, 'k');
    expect(badAddress.status).toBe(400);
    expect(badAddress.body.message).toContain('newAddress.phone');
    expect(sims().ledger.entries()).toEqual([]);
  });

  it("answers a refuse rule with {code: 4001} and HTTP 200, and that stays the key's answer", async () => {
    sims().faults.set([{ system: 'carrier', operation: 'intercept', refuse: true }]);
    const refused = await post('/intercept', { carrier: 'SF', waybillNo: 'SF2', reason: 'fraud' }, 'int-1');
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual({ code: 4001, message: expect.stringContaining('can no longer be intercepted') });
    sims().faults.clear();
    const again = await post('/intercept', { carrier: 'SF', waybillNo: 'SF2', reason: 'fraud' }, 'int-1');
    expect(again.body).toEqual(refused.body);
    expect((await getJson(`${sims().url}/__control/carrier/instructions/SF2`)).body.instructions).toEqual([]);
  });

  it('503s under failNext without any effect, then performs the retry once', async () => {
    sims().faults.set([{ system: 'carrier', operation: 'redirect', failNext: 1 }]);
    const body = { carrier: 'SF', waybillNo: 'SF3', newAddress: NEW_ADDRESS };
    expect((await post('/redirect', body, 'rd-1')).status).toBe(503);
    expect((await getJson(`${sims().url}/__control/carrier/instructions/SF3`)).body.instructions).toEqual([]);
    expect((await post('/redirect', body, 'rd-1')).status).toBe(200);
    expect(sims().ledger.entries({ idempotencyKey: 'rd-1' })).toHaveLength(1);
  });

  it('dropResponse performs and records the effect, closes the socket, and a retry replays the answer', async () => {
    sims().faults.set([{ system: 'carrier', operation: 'return', dropResponse: true }]);
    const body = { carrier: 'SF', waybillNo: 'SF4' };
    await expect(post('/return', body, 'ret-1')).rejects.toThrow();
    const [recorded] = sims().ledger.entries({ idempotencyKey: 'ret-1' });
    expect(recorded).toMatchObject({ operation: 'return', replay: false, status: 200 });

    const retry = await post('/return', body, 'ret-1');
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(recorded?.response);
    expect(sims().ledger.entries({ idempotencyKey: 'ret-1' })).toHaveLength(1);
  });
});

describe('generic carrier API: claims', () => {
  const claim = { carrier: 'SF', waybillNo: 'SF9', amountFen: 12_000, reason: 'lost in transit', evidence: ['photo-1'] };

  it('files a claim that turns accepted, then paid on the second poll by default', async () => {
    const filed = await post('/claims', claim, 'claim-1');
    expect(filed.body).toEqual({ code: 0, message: 'ok', data: { claimNo: expect.stringMatching(/^CL\d+$/), status: 'filed' } });
    const claimNo: string = filed.body.data.claimNo;

    const poll1 = await getJson(api(`/claims/${claimNo}`));
    expect(poll1.body.data).toMatchObject({ claimNo, status: 'accepted', amountFen: 12_000 });
    const poll2 = await getJson(api(`/claims/${claimNo}`));
    expect(poll2.body.data).toMatchObject({ status: 'paid', paidAmountFen: 12_000, paidAt: expect.any(String) });
    expect(sims().ledger.entries({ operation: 'file-claim' })).toHaveLength(1);
    expect(sims().ledger.entries({ operation: 'claim-status' })).toHaveLength(2);
  });

  it('takes the number of polls until paid from the control API', async () => {
    await sendJson('PUT', `${sims().url}/__control/carrier/claims/settings`, { pollsUntilPaid: 3 });
    const claimNo: string = (await post('/claims', claim, 'claim-2')).body.data.claimNo;
    const statuses: string[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await getJson(api(`/claims/${claimNo}`))).body.data.status);
    expect(statuses).toEqual(['accepted', 'accepted', 'paid']);
    expect((await sendJson('PUT', `${sims().url}/__control/carrier/claims/settings`, { pollsUntilPaid: 0 })).status).toBe(400);
  });

  it('rejects the claim for good when a refuse rule hits a status poll', async () => {
    const claimNo: string = (await post('/claims', claim, 'claim-3')).body.data.claimNo;
    sims().faults.set([{ system: 'carrier', operation: 'claim-status', refuse: true }]);
    expect((await getJson(api(`/claims/${claimNo}`))).body.data).toMatchObject({ status: 'rejected', rejectReason: expect.any(String) });
    sims().faults.clear();
    expect((await getJson(api(`/claims/${claimNo}`))).body.data.status).toBe('rejected');
  });

  it('answers 404 for an unknown claim and 400 for a non-integer amount', async () => {
    expect((await getJson(api('/claims/CL-NOPE'))).status).toBe(404);
    expect((await post('/claims', { ...claim, amountFen: 12.5 }, 'claim-4')).status).toBe(400);
  });
});

describe('generic carrier API: tracking', () => {
  it('answers a plausible in-transit trace for an unknown waybill, stable across queries', async () => {
    const first = await getJson(api('/tracking/SF777?carrier=SF'));
    expect(first.body.code).toBe(0);
    expect(first.body.data).toMatchObject({ waybillNo: 'SF777', carrier: 'SF', status: 'InTransit' });
    expect(first.body.data.events.length).toBeGreaterThan(1);
    expect((await getJson(api('/tracking/SF777'))).body).toEqual(first.body);
    expect(sims().ledger.entries({ operation: 'tracking' })).toHaveLength(2);
  });

  it('refuses with {code: 4001} under a refuse rule', async () => {
    sims().faults.set([{ system: 'carrier', operation: 'tracking', refuse: true }]);
    expect((await getJson(api('/tracking/SF1'))).body).toEqual({ code: 4001, message: 'waybill not found' });
  });
});
