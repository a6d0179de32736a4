import { getJson, postJson, useSimulators } from './helpers';

const sims = useSimulators();
const payouts = (): string => `${sims().url}/payments/v1/payouts`;
const pay = (body: unknown, key?: string) => postJson(payouts(), body, key === undefined ? {} : { 'Idempotency-Key': key });
const payout = { payeeId: 'store-42', amountFen: 8_800, currency: 'CNY', reason: '先行賠付', caseId: 'C-1' };

describe('payments', () => {
  it('pays out once per Idempotency-Key and can be read back', async () => {
    const first = await pay(payout, 'pay-1');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ payoutId: expect.stringMatching(/^PO\d+$/), status: 'SUCCEEDED', amountFen: 8_800 });
    expect((await pay(payout, 'pay-1')).body).toEqual(first.body);
    expect(sims().ledger.entries({ system: 'payments', operation: 'payout' })).toHaveLength(1);
    expect((await getJson(`${payouts()}/${first.body.payoutId}`)).body).toEqual(first.body);
  });

  it('answers 409 idempotency_key_reused when the same key comes with a different amount', async () => {
    await pay(payout, 'pay-2');
    const reused = await pay({ ...payout, amountFen: 9_900 }, 'pay-2');
    expect(reused.status).toBe(409);
    expect(reused.body.error).toBe('idempotency_key_reused');
    expect((await getJson(`${payouts()}?idempotencyKey=pay-2`)).body.payouts).toEqual([expect.objectContaining({ amountFen: 8_800 })]);
  });

  it.each([
    ['a zero amount', { ...payout, amountFen: 0 }],
    ['a fractional amount', { ...payout, amountFen: 1.5 }],
    ['another currency', { ...payout, currency: 'USD' }],
    ['no caseId', { ...payout, caseId: undefined }],
  ])('rejects %s with 400', async (_what, body) => {
    expect((await pay(body, 'pay-x')).status).toBe(400);
  });

  it('requires the Idempotency-Key header', async () => {
    expect((await pay(payout)).status).toBe(400);
  });

  it('after a dropped answer, the lookup by key shows the payout happened, and a retry does not pay twice', async () => {
    sims().faults.set([{ system: 'payments', operation: 'payout', dropResponse: true }]);
    await expect(pay(payout, 'pay-3')).rejects.toThrow();
    sims().faults.clear();
    const found = await getJson(`${payouts()}?idempotencyKey=pay-3`);
    expect(found.body.payouts).toEqual([expect.objectContaining({ status: 'SUCCEEDED', idempotencyKey: 'pay-3' })]);
    const retry = await pay(payout, 'pay-3');
    expect(retry.body.payoutId).toBe(found.body.payouts[0].payoutId);
    expect((await getJson(`${payouts()}?idempotencyKey=pay-3`)).body.payouts).toHaveLength(1);
  });

  it('a 503 leaves no payout behind; a refusal is a FAILED payout', async () => {
    sims().faults.set([{ system: 'payments', operation: 'payout', failNext: 1 }]);
    expect((await pay(payout, 'pay-4')).status).toBe(503);
    expect((await getJson(`${payouts()}?idempotencyKey=pay-4`)).body.payouts).toEqual([]);
    sims().faults.set([{ system: 'payments', operation: 'payout', refuse: true }]);
    const refused = await pay(payout, 'pay-5');
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ status: 'FAILED', failureCode: 'PAYEE_ACCOUNT_FROZEN' });
  });

  it('answers 404 for an unknown payout and 400 for a lookup without a key', async () => {
    expect((await getJson(`${payouts()}/PO-NOPE`)).status).toBe(404);
    expect((await getJson(payouts())).status).toBe(400);
  });
});
