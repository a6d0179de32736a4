import { sql } from 'kysely';
import type { Db } from './database';
import { verifyTrail, type ChainedEvent, type TrailIntegrity } from './audit-hash';
import type { CaseView } from '../domain/case-view';

/** Queries the API answers from PostgreSQL, without asking Temporal for every row. */

export interface CaseListFilter {
  status?: string[];
  type?: string[];
  carrier?: string[];
  tier?: number;
  breached?: boolean;
  assignee?: string;
  /** Only cases opened from tracking that an agent must complete (true), or only the others (false). */
  incomplete?: boolean;
  q?: string;
  cursor?: string;
  limit: number;
}

export interface CaseSummary {
  caseId: string;
  type: string;
  status: string;
  priority: string;
  tier: number;
  assignee: string;
  orderId: string;
  waybillNo: string;
  carrier: string;
  region: string | null;
  slaDueAt: string | null;
  slaBreached: boolean;
  openedAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Opened from tracking for a waybill the OMS does not know: order and customer to complete. */
  needsCompletion: boolean;
  /** `tracking` or `watchlist` when no agent opened it. */
  openedFrom: string | null;
}

interface Cursor {
  openedAt: string;
  caseId: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(text: string): Cursor | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof parsed.openedAt === 'string' && typeof parsed.caseId === 'string' && !Number.isNaN(Date.parse(parsed.openedAt))) {
      return { openedAt: parsed.openedAt, caseId: parsed.caseId };
    }
  } catch {
    // fall through: an unreadable cursor is the caller's error
  }
  return undefined;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

/** Newest first, keyset-paginated on (opened_at, case_id) so pages never skip or repeat rows. */
export async function listCases(db: Db, filter: CaseListFilter): Promise<{ items: CaseSummary[]; nextCursor: string | null }> {
  let query = db.selectFrom('cases').selectAll();
  if (filter.status?.length) query = query.where('status', 'in', filter.status);
  if (filter.type?.length) query = query.where('type', 'in', filter.type);
  if (filter.carrier?.length) query = query.where('carrier', 'in', filter.carrier);
  if (filter.tier !== undefined) query = query.where('tier', '=', filter.tier);
  if (filter.breached !== undefined) query = query.where('sla_breached', '=', filter.breached);
  if (filter.assignee) query = query.where('assignee', '=', filter.assignee);
  if (filter.incomplete !== undefined) query = query.where('needs_completion', '=', filter.incomplete);
  if (filter.q) {
    const q = filter.q;
    query = query.where((eb) => eb.or([eb('case_id', '=', q), eb('order_id', '=', q), eb('waybill_no', '=', q), eb('customer_id', '=', q)]));
  }
  if (filter.cursor) {
    const cursor = decodeCursor(filter.cursor);
    if (cursor) {
      query = query.where((eb) =>
        eb.or([eb('opened_at', '<', new Date(cursor.openedAt)), eb.and([eb('opened_at', '=', new Date(cursor.openedAt)), eb('case_id', '<', cursor.caseId)])]),
      );
    }
  }
  const rows = await query
    .orderBy('opened_at', 'desc')
    .orderBy('case_id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => ({
      caseId: row.case_id,
      type: row.type,
      status: row.status,
      priority: row.priority,
      tier: row.tier,
      assignee: row.assignee,
      orderId: row.order_id,
      waybillNo: row.waybill_no,
      carrier: row.carrier,
      region: row.region,
      slaDueAt: iso(row.sla_due_at),
      slaBreached: row.sla_breached,
      openedAt: iso(row.opened_at) as string,
      updatedAt: iso(row.updated_at) as string,
      closedAt: iso(row.closed_at),
      needsCompletion: row.needs_completion,
      openedFrom: row.opened_from,
    })),
    nextCursor: rows.length > filter.limit && last ? encodeCursor({ openedAt: new Date(last.opened_at).toISOString(), caseId: last.case_id }) : null,
  };
}

export async function caseHistory(db: Db, caseId: string): Promise<ChainedEvent[]> {
  const rows = await db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('seq').execute();
  return rows.map((row) => ({
    seq: row.seq,
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    kind: row.kind,
    data: row.data,
    prevHash: row.prev_hash,
    hash: row.hash,
  }));
}

/**
 * A case's trail and whether it holds: the chain verified against the case row's anchor, both read
 * from one snapshot (a save landing between two reads would make a healthy trail look cut off).
 * Undefined when there is no such case.
 */
export async function verifiedTrail(db: Db, caseId: string): Promise<{ events: ChainedEvent[]; integrity: TrailIntegrity } | undefined> {
  const { anchor, events } = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => ({
      anchor: await trx.selectFrom('cases').select(['last_event_seq', 'last_event_hash']).where('case_id', '=', caseId).executeTakeFirst(),
      events: await caseHistory(trx, caseId),
    }));
  if (!anchor) return undefined;
  return { events, integrity: verifyTrail(caseId, events, { lastSeq: anchor.last_event_seq, lastHash: anchor.last_event_hash }) };
}

/** Cases opened in [start, end): how many there are. */
export async function countCasesOpened(db: Db, range: { start: Date; end: Date }): Promise<number> {
  const counted = await db
    .selectFrom('cases')
    .where('opened_at', '>=', range.start)
    .where('opened_at', '<', range.end)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirst();
  return Number(counted?.n ?? 0);
}

/** One page of the cases opened in [start, end), oldest first, after the (openedAt, caseId) given. */
export async function casesOpenedPage(db: Db, range: { start: Date; end: Date }, after: { openedAt: Date; caseId: string } | undefined, limit: number) {
  let page = db
    .selectFrom('cases')
    .where('opened_at', '>=', range.start)
    .where('opened_at', '<', range.end)
    .select(['case_id', 'type', 'carrier', 'status', 'opened_at']);
  if (after) {
    const { openedAt, caseId } = after;
    page = page.where((eb) => eb.or([eb('opened_at', '>', openedAt), eb.and([eb('opened_at', '=', openedAt), eb('case_id', '>', caseId)])]));
  }
  return page.orderBy('opened_at').orderBy('case_id').limit(limit).execute();
}

/** Whether there is a case of this id. */
export async function caseExists(db: Db, caseId: string): Promise<boolean> {
  const found = await db
    .selectFrom('cases')
    .select(sql<number>`1`.as('one'))
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  return found !== undefined;
}

/** What a read of one case needs of its row: the snapshot, its version, the sealed start request, how it opened. */
export interface CaseRowForView {
  status: string;
  snapshot: CaseView | Record<string, never>;
  /** 0 until the workflow's first save. */
  version: number;
  startRequest: Record<string, unknown>;
  needsCompletion: boolean;
  openedFrom: string | null;
  openReason: string | null;
}

export async function caseRowForView(db: Db, caseId: string): Promise<CaseRowForView | undefined> {
  const row = await db
    .selectFrom('cases')
    .select(['status', 'snapshot', 'version', 'start_request', 'needs_completion', 'opened_from', 'open_reason'])
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  return (
    row && {
      status: row.status,
      snapshot: row.snapshot,
      version: row.version,
      startRequest: row.start_request,
      needsCompletion: row.needs_completion,
      openedFrom: row.opened_from,
      openReason: row.open_reason,
    }
  );
}
