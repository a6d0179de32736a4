import { ApplicationFailure } from '@temporalio/common';
import { requestJson, type HttpRequest } from '../http/json-client';

/**
 * Payouts to customers (先行賠付, refunds). A case must never pay twice, even when the worker
 * crashes between the payment provider acting and the activity completing:
 *
 * 1. Look up `GET /payouts?idempotencyKey=`: if a payout exists for the key, answer it (replayed).
 * 2. Otherwise `POST /payouts` with the `Idempotency-Key` header, so a retry after a lost answer is
 *    deduplicated by the provider too.
 *
 * A FAILED payout is an answer (status FAILED), and stays the key's answer: paying again after a
 * failure needs a new idempotency key. Reusing a key for a different payout (409
 * `idempotency_key_reused`, or a found payout with another payee or amount) is a bug upstream and a
 * non-retryable failure, as is any other 4xx. 5xx and network errors throw plain errors (retried).
 *
 * A retry of a failed payout goes under a new key and names the earlier ones (`earlierKeys`): each
 * is looked up first, and a payout that did not fail under one of them is the answer (or, for
 * another amount or payee, a non-retryable failure): a retry never pays beside an earlier payout.
 */

export interface PayCustomerInput {
  idempotencyKey: string;
  caseId: string;
  payeeId: string;
  amountFen: number;
  reason: string;
  /** Keys of earlier attempts at this same payout, whose payouts failed (or seemed to). */
  earlierKeys?: string[];
}

export interface PayoutResult {
  payoutId: string;
  status: 'SUCCEEDED' | 'FAILED' | string;
  amountFen: number;
  /** True when the payout already existed for this key (an earlier attempt did it). */
  replayed: boolean;
  failureCode?: string;
  failureMessage?: string;
}

export interface PaymentsClient {
  payCustomer(input: PayCustomerInput): Promise<PayoutResult>;
}

interface Payout {
  payoutId: string;
  idempotencyKey?: string;
  payeeId?: string;
  amountFen: number;
  status: string;
  caseId?: string;
  failureCode?: string;
  failureMessage?: string;
}

export const IDEMPOTENCY_KEY_REUSED = 'IdempotencyKeyReused';
const PAID_UNDER_EARLIER_KEY = 'PaidUnderEarlierKey';

function result(payout: Payout, replayed: boolean): PayoutResult {
  return {
    payoutId: payout.payoutId,
    status: payout.status,
    amountFen: payout.amountFen,
    replayed,
    ...(payout.failureCode !== undefined ? { failureCode: payout.failureCode } : {}),
    ...(payout.failureMessage !== undefined ? { failureMessage: payout.failureMessage } : {}),
  };
}

export function paymentsClient(baseUrl: string): PaymentsClient {
  const api = `${baseUrl}/v1`;

  /** requestJson, with 4xx failures restated as the payment provider's own error. */
  const call = async <T>(what: string, request: HttpRequest): Promise<T> => {
    try {
      const { body } = await requestJson<T>(request);
      return body;
    } catch (error) {
      if (error instanceof ApplicationFailure && error.nonRetryable) {
        const detail = error.details?.[0] as { status?: number; body?: { error?: string; message?: string } } | undefined;
        const code = detail?.body?.error ?? 'http_error';
        const message = `payments ${what} failed with ${String(detail?.status)} ${code}: ${detail?.body?.message ?? error.message}`;
        if (detail?.status === 409 && code === 'idempotency_key_reused') {
          throw ApplicationFailure.nonRetryable(message, IDEMPOTENCY_KEY_REUSED, detail);
        }
        throw ApplicationFailure.nonRetryable(message, 'PaymentsClientError', detail);
      }
      throw error;
    }
  };

  return {
    async payCustomer({ idempotencyKey, caseId, payeeId, amountFen, reason, earlierKeys = [] }) {
      for (const earlierKey of earlierKeys) {
        const earlier = await call<{ payouts?: Payout[] }>(`lookup of key ${earlierKey}`, {
          method: 'GET',
          url: `${api}/payouts?idempotencyKey=${encodeURIComponent(earlierKey)}`,
        });
        const made = earlier?.payouts?.find((payout) => payout.status !== 'FAILED');
        if (made === undefined) continue;
        if (made.amountFen !== amountFen || (made.payeeId !== undefined && made.payeeId !== payeeId)) {
          throw ApplicationFailure.nonRetryable(
            `payout key ${earlierKey} already paid ${made.amountFen} fen to ${String(made.payeeId)} (${made.status}): ` +
              `not paying ${amountFen} fen to ${payeeId} beside it`,
            PAID_UNDER_EARLIER_KEY,
          );
        }
        return result(made, true);
      }
      const found = await call<{ payouts?: Payout[] }>(`lookup of key ${idempotencyKey}`, {
        method: 'GET',
        url: `${api}/payouts?idempotencyKey=${encodeURIComponent(idempotencyKey)}`,
      });
      const existing = found?.payouts?.[0];
      if (existing !== undefined) {
        if (existing.amountFen !== amountFen || (existing.payeeId !== undefined && existing.payeeId !== payeeId)) {
          throw ApplicationFailure.nonRetryable(
            `payout key ${idempotencyKey} already paid ${existing.amountFen} fen to ${String(existing.payeeId)}; ` +
              `this request asks ${amountFen} fen to ${payeeId}`,
            IDEMPOTENCY_KEY_REUSED,
          );
        }
        return result(existing, true);
      }
      const payout = await call<Payout>(`payout for case ${caseId}`, {
        method: 'POST',
        url: `${api}/payouts`,
        headers: { 'Idempotency-Key': idempotencyKey },
        json: { payeeId, amountFen, currency: 'CNY', reason, caseId },
      });
      if (!payout?.payoutId) throw new Error(`payments answered a payout for case ${caseId} without payoutId`);
      return result(payout, false);
    },
  };
}
