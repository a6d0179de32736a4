import { sql, type RawBuilder } from 'kysely';

/**
 * Whether a `pii_erasures` row names a case: the customer asked to be erased while the case was
 * open (pending) or finished (erased). The one condition the erasure paths share.
 */
export function erasureNamesCase(caseId: string): RawBuilder<boolean> {
  const ids = JSON.stringify([caseId]);
  return sql<boolean>`(pending_case_ids @> ${ids}::jsonb OR erased_case_ids @> ${ids}::jsonb)`;
}
