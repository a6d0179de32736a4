import { TERMINAL_STATUSES, type ExceptionType } from '../domain/types';
import type { Db } from './database';

/**
 * Read-only look-ups of the open cases of a waybill. A case workflow asks before a change the
 * database would refuse: whether another case is open for the same waybill and exception type (the
 * unique index `cases_one_open_per_waybill_type`), so that a DELAYED case is not converted to LOST
 * onto a waybill whose loss is already being handled by an open LOST case. The API asks which case
 * an open ran into, and which cases a tracking event goes to.
 */

export interface OpenCaseLookup {
  waybillNo: string;
  type: ExceptionType;
  /** The asking case, which never counts as the other one. */
  excludeCaseId: string;
}

export interface OpenCaseFound {
  caseId: string;
  status: string;
}

export async function findOpenCaseForWaybill(db: Db, { waybillNo, type, excludeCaseId }: OpenCaseLookup): Promise<OpenCaseFound | undefined> {
  const row = await db
    .selectFrom('cases')
    .select(['case_id', 'status'])
    .where('waybill_no', '=', waybillNo)
    .where('type', '=', type)
    .where('status', 'not in', TERMINAL_STATUSES)
    .where('case_id', '!=', excludeCaseId)
    .orderBy('opened_at')
    .limit(1)
    .executeTakeFirst();
  return row ? { caseId: row.case_id, status: row.status } : undefined;
}

/** The open case of this waybill and type (the one a second open of the pair runs into). */
export async function openCaseIdOf(db: Db, waybillNo: string, type: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('cases')
    .select('case_id')
    .where('waybill_no', '=', waybillNo)
    .where('type', '=', type)
    .where('status', 'not in', TERMINAL_STATUSES)
    .executeTakeFirst();
  return row?.case_id;
}

/** Every open case of a waybill, oldest first. */
export async function openCaseIdsForWaybill(db: Db, waybillNo: string): Promise<string[]> {
  const rows = await db
    .selectFrom('cases')
    .select('case_id')
    .where('waybill_no', '=', waybillNo)
    .where('status', 'not in', TERMINAL_STATUSES)
    .orderBy('opened_at')
    .execute();
  return rows.map((row) => row.case_id);
}
