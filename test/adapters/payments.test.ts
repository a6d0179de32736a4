import { IDEMPOTENCY_KEY_REUSED, paymentsClient } from '../../activities/payments/payments-client';
import { expectNonRetryable, expectRetryable, thrown, useSimulators } from './helpers';

const sims = useSimulators();
const payments = () => paymentsClient(`${sims().url}/payments`);
const input = { idempotencyKey: 'case-1:payout:1', caseId: 'case-1', payeeId: 'store-42', amountFen: 12_800, reason: '先行赔付: 遗失' };
const payouts = (includeReplays = false) => sims().ledger.entries({ system: 'payments', operation: 'payout', includeReplays });

describe('payments client', () => {
  it('pays once; the same key again answers the same payout, replayed, without a second POST', async () => {
    const first = await payments().payCustomer(input);
    expect(first).toEqual({ payoutId: expect.stringMatching(/^PO/), status: 'SUCCEEDED', amountFen: 12_800, replayed: false });
    expect(await payments().payCustomer(input)).toEqual({ ...first, replayed: true });
    expect(payouts()).toHaveLength(1);
    expect(payouts(true)).toHaveLength(1);
    expect(payouts()[0]?.request).toMatchObject({ body: { payeeId: 'store-42', amountFen: 12_800, currency: 'CNY', caseId: 'case-1' } });
  });

  it('a lost answer: the retry finds the payout and pays nothing more', async () => {
    sims().faults.set([{ system: 'payments', operation: 'payout', dropResponse: true }]);
    expectRetryable(await thrown(() => payments().payCustomer(input)));
    expect(payouts()).toHaveLength(1);
    const paid = payouts()[0]?.response as { payoutId: string };
    const retried = await payments().payCustomer(input);
    expect(retried).toEqual({ payoutId: paid.payoutId, status: 'SUCCEEDED', amountFen: 12_800, replayed: true });
    expect(payouts(true)).toHaveLength(1);
  });

  it('two racing attempts with one key pay once (the provider dedupes the POST)', async () => {
    const [a, b] = await Promise.all([payments().payCustomer(input), payments().payCustomer(input)]);
    expect(a.payoutId).toBe(b.payoutId);
    expect(payouts()).toHaveLength(1);
  });

  it('a key reused for another amount is a non-retryable failure, found by the lookup', async () => {
    await payments().payCustomer(input);
    expectNonRetryable(await thrown(() => payments().payCustomer({ ...input, amountFen: 99 })), IDEMPOTENCY_KEY_REUSED);
    expect(payouts()).toHaveLength(1);
  });

  it('a key reused for another amount is a non-retryable failure when the provider answers 409', async () => {
    // The first POST is held back by latency, so the second attempt's lookup still finds nothing
    // and its POST reaches the provider after the first one paid: the provider answers 409.
    sims().faults.set([{ system: 'payments', operation: 'payout', latencyMs: 400 }]);
    const first = payments().payCustomer(input);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const second = thrown(() => payments().payCustomer({ ...input, amountFen: 99 }));
    expect((await first).status).toBe('SUCCEEDED');
    const failure = expectNonRetryable(await second, IDEMPOTENCY_KEY_REUSED);
    expect(failure.message).toContain('409 idempotency_key_reused');
    expect(payouts()).toHaveLength(1);
  });

  it('a refused payout is FAILED, and stays the answer of its key', async () => {
    sims().faults.set([{ system: 'payments', operation: 'payout', refuse: true }]);
    const failed = await payments().payCustomer(input);
    expect(failed).toMatchObject({ status: 'FAILED', replayed: false, failureCode: 'PAYEE_ACCOUNT_FROZEN' });
    sims().faults.clear();
    expect(await payments().payCustomer(input)).toMatchObject({ payoutId: failed.payoutId, status: 'FAILED', replayed: true });
  });

  it('an invalid request is non-retryable', async () => {
    expectNonRetryable(await thrown(() => payments().payCustomer({ ...input, amountFen: 0 })), 'PaymentsClientError');
  });

  it('an outage is retryable and the retry pays once', async () => {
    sims().faults.set([{ system: 'payments', operation: 'payout', failNext: 1 }]);
    expectRetryable(await thrown(() => payments().payCustomer(input)));
    expect(payouts()).toHaveLength(0);
    expect((await payments().payCustomer(input)).replayed).toBe(false);
    expect(payouts()).toHaveLength(1);
  });
});
