import { sql } from 'kysely';
import type { Db } from './database';

/**
 * Audit events counted by kind and the labels metrics group them by (case type, SLA clock, tier,
 * notification channel): each audit event is stored once per case, so counting rows counts once.
 */

export interface TrailEventCount {
  kind: string;
  type: string | null;
  clock: string | null;
  tier: string | null;
  channel: string | null;
  n: number;
}

/** The trail's events of these kinds, counted per kind and labels, in one grouped scan. */
export async function countTrailEvents(db: Db, kinds: readonly string[]): Promise<TrailEventCount[]> {
  const result = await sql<TrailEventCount>`
    SELECT e.kind,
           CASE WHEN e.kind = 'case.opened' THEN e.data->>'type' ELSE c.type END AS type,
           e.data->>'clock' AS clock,
           e.data->>'toTier' AS tier,
           e.data->>'channel' AS channel,
           count(*)::int AS n
      FROM case_events e
      JOIN cases c ON c.case_id = e.case_id
     WHERE e.kind IN (${sql.join(kinds.map((kind) => sql.lit(kind)))})
     GROUP BY 1, 2, 3, 4, 5`.execute(db);
  return result.rows;
}
