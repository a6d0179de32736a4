import { createHash } from 'node:crypto';
import { canonicalJson } from '../store/audit-hash';
import type { Db } from '../store/database';
import { claimKey, ERASED_STATUS, purgeExpiredKeys, recordCaseActionAnswer, releasePendingKey, type KeyClaim } from '../store/idempotency';
import { openPersonalFields, sealPersonalFields } from '../store/pii';
import type { CaseAction } from '../domain/case-actions';
import type { CaseView } from '../domain/case-view';
import { HttpProblem } from './problem';

/**
 * An agent action with an Idempotency-Key happens once however often it is retried. Two guards, as
 * neither is enough alone: the update id is derived from (case, principal, key), so Temporal
 * answers a retry reaching the same run with the first update's outcome; and a durable record
 * (idempotency_keys, scoped per case and principal) holds the answer, so a retry reaching a later
 * run (after continue-as-new, where update ids are forgotten) is answered from the record and never
 * reaches the workflow. The record is written `pending` before the update is sent; a retry finding
 * it pending re-sends the same update id (the first attempt's outcome is unknown).
 */

export interface ActionKeys {
  db: Db;
  ttlMs: number;
  /** Seals the customer's personal fields in a stored answer, like the start request. */
  payloadEncryptionKey: string;
}

/** The record of a keyed action: scoped per case and principal (store/idempotency.ts erases by that scope). */
export function actionKeyClaim(caseId: string, principalId: string, key: string, action: CaseAction): KeyClaim {
  return {
    scope: `case:${caseId}:${principalId}:actions`,
    key,
    requestHash: createHash('sha256').update(canonicalJson(action)).digest('hex'),
  };
}

/** Temporal's update id of a keyed action: stable for (case, principal, key), opaque otherwise. */
export function actionUpdateId(caseId: string, principalId: string, key: string): string {
  return `action-${createHash('sha256').update(`${caseId}\n${principalId}\n${key}`).digest('hex').slice(0, 40)}`;
}

/**
 * Records a pending key, or finds the earlier one: its answer if it has one (undefined when it is
 * still pending), a 422 if it came with another body, a 410 once erasure took the answer.
 */
export async function claimActionKey(keys: ActionKeys, claim: KeyClaim): Promise<CaseView | undefined> {
  await purgeExpiredKeys(keys.db, keys.ttlMs, claim.scope, claim.key);
  const stored = await claimKey(keys.db, claim);
  if (!stored) return undefined;
  if (stored.requestHash !== claim.requestHash) {
    throw new HttpProblem(422, 'Idempotency key reused', 'This Idempotency-Key was used with a different request body');
  }
  if (stored.statusCode === ERASED_STATUS) {
    throw new HttpProblem(410, 'Answer erased', "This Idempotency-Key's action was carried out; its answer was erased with the customer's personal data");
  }
  return stored.statusCode === 200 ? (openPersonalFields(stored.response, keys.payloadEncryptionKey) as unknown as CaseView) : undefined;
}

/** A refusal changed nothing: the key is released so a corrected retry may use it. */
export async function releaseActionKey(keys: ActionKeys, claim: KeyClaim): Promise<void> {
  await releasePendingKey(keys.db, claim.scope, claim.key);
}

/** The answer is kept for replays with the customer's personal fields sealed (erased once the customer asked). */
export async function recordActionAnswer(keys: ActionKeys, claim: KeyClaim, view: CaseView): Promise<void> {
  await recordCaseActionAnswer(keys.db, view.caseId, claim.scope, claim.key, sealPersonalFields(view, keys.payloadEncryptionKey));
}
