import { TERMINAL_STATUSES } from '../../domain/types';
import { sql } from 'kysely';
import type { Db } from '../../store/database';
import type { IncidentRequest } from '../../domain/incidents';

/** A page of the open cases an incident matches, oldest first, after a keyset cursor. */

export interface FindIncidentCasesInput {
  request: Pick<IncidentRequest, 'regions' | 'carriers' | 'types'>;
  after?: { openedAt: string; caseId: string };
  limit: number;
}

export interface IncidentCase {
  caseId: string;
  openedAt: string;
}

export async function findIncidentCases(db: Db, input: FindIncidentCasesInput): Promise<IncidentCase[]> {
  const { regions, carriers, types } = input.request;
  let query = db
    .selectFrom('cases')
    .select(['case_id', 'opened_at'])
    .where('status', 'not in', TERMINAL_STATUSES)
    // A region code matches itself and everything under it (province "44" holds city "440300").
    .where((eb) => eb.or(regions.map((region) => eb('region', 'like', `${region.replace(/[\\%_]/g, '\\$&')}%`))));
  if (carriers?.length) query = query.where('carrier', 'in', carriers);
  if (types?.length) query = query.where('type', 'in', types);
  if (input.after) {
    const { openedAt, caseId } = input.after;
    query = query.where(sql<boolean>`(opened_at, case_id) > (${new Date(openedAt)}, ${caseId})`);
  }
  const rows = await query.orderBy('opened_at').orderBy('case_id').limit(input.limit).execute();
  return rows.map((row) => ({ caseId: row.case_id, openedAt: new Date(row.opened_at).toISOString() }));
}
