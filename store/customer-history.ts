import type { Db } from './database';

/**
 * A customer's other cases and the latest contacts with them across all their cases, for the case
 * view (api/customer-context/): an agent who picks up a case sees at once that the shop complained
 * twice this month, and what it was told yesterday.
 */

/** The trail events that are a contact with the customer: staff replies and calls, and notices sent. */
const CONTACT_KINDS = ['reply.sent', 'call.logged', 'notification.sent'] as const;

interface OtherCaseRow {
  caseId: string;
  type: string;
  status: string;
  tier: number;
  waybillNo: string;
  openedAt: Date;
  closedAt: Date | null;
}

export interface ContactRow {
  caseId: string;
  at: Date;
  kind: (typeof CONTACT_KINDS)[number];
  actorId: string;
  data: Record<string, unknown>;
}

/** The customer's cases other than `exceptCaseId`, newest first. */
export async function otherCasesOf(db: Db, customerId: string, exceptCaseId: string, limit: number): Promise<OtherCaseRow[]> {
  const rows = await db
    .selectFrom('cases')
    .select(['case_id', 'type', 'status', 'tier', 'waybill_no', 'opened_at', 'closed_at'])
    .where('customer_id', '=', customerId)
    .where('case_id', '<>', exceptCaseId)
    .orderBy('opened_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    caseId: row.case_id,
    type: row.type,
    status: row.status,
    tier: row.tier,
    waybillNo: row.waybill_no,
    openedAt: new Date(row.opened_at),
    closedAt: row.closed_at === null ? null : new Date(row.closed_at),
  }));
}

/**
 * The newest contacts with the customer over their most recent cases (this one included). Read
 * per case through the trail's primary key, over the customer's `caseWindow` newest cases, so a
 * customer with years of history costs the same as a new one.
 */
export async function recentContactsOf(db: Db, customerId: string, caseWindow: number, limit: number): Promise<ContactRow[]> {
  const rows = await db
    .selectFrom('case_events as e')
    .innerJoin(
      (eb) => eb.selectFrom('cases').select('case_id').where('customer_id', '=', customerId).orderBy('opened_at', 'desc').limit(caseWindow).as('c'),
      (join) => join.onRef('c.case_id', '=', 'e.case_id'),
    )
    .select(['e.case_id', 'e.at', 'e.kind', 'e.actor', 'e.data'])
    .where('e.kind', 'in', [...CONTACT_KINDS])
    .orderBy('e.at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    caseId: row.case_id,
    at: new Date(row.at),
    kind: row.kind as ContactRow['kind'],
    actorId: row.actor.id,
    data: row.data,
  }));
}
