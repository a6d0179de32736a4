import { sql } from 'kysely';
import { TERMINAL_STATUSES } from '../domain/types';
import { caseColumns, type CaseRowSource } from './case-row';
import type { Db } from './database';
import type { KeyClaim } from './idempotency';
import { heldRecently } from './inbound-events';

/**
 * The read-model row the API writes when it opens a case, before the case's workflow exists:
 * the row lists the case until the workflow's first snapshot (version 0 until then), and keeps
 * the workflow's start request so an interrupted start can be finished from it.
 */

export interface OpenedCase {
  /** The row's searchable columns, from the opening's first facts. */
  facts: CaseRowSource;
  /** The workflow start request, personal fields sealed (./pii.ts). */
  sealedStartRequest: Record<string, unknown>;
}

/** An Idempotency-Key recorded with the opening, with the answer its replays get. */
export interface OpeningKey extends KeyClaim {
  statusCode: number;
  response: Record<string, unknown>;
}

/**
 * The case's row and its Idempotency-Key in one statement (data-modifying CTEs are atomic without
 * a transaction's extra round trips: opening a case is the API's hot path), which also says
 * whether tracking events are held for the waybill. Throws PostgreSQL's unique violation when the
 * key was used before (`idempotency_keys_pk`) or a case of the type is open for the waybill
 * (`cases_one_open_per_waybill_type`).
 */
export async function insertOpenedCase(db: Db, opened: OpenedCase, key: OpeningKey | undefined): Promise<{ heldEvents: boolean }> {
  const caseRow = {
    ...caseColumns(opened.facts),
    snapshot: JSON.stringify({}),
    start_request: JSON.stringify(opened.sealedStartRequest),
  };
  const keyRow = key && {
    scope: key.scope,
    key: key.key,
    request_hash: key.requestHash,
    status_code: key.statusCode,
    response: JSON.stringify(key.response),
  };
  const inserted = db
    .with('opened', (qc) => qc.insertInto('cases').values(caseRow).returning('case_id'))
    // PostgreSQL runs a data-modifying CTE whether or not the query reads it; without a key the
    // second one is a SELECT of no rows.
    .with('keyed', (qc) =>
      keyRow
        ? qc.insertInto('idempotency_keys').values(keyRow).returning('key')
        : qc
            .selectFrom('idempotency_keys')
            .select('key')
            .where(sql<boolean>`false`),
    );
  const row = await inserted
    .selectFrom('opened')
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('inbound_events')
            .select('event_id')
            .where('waybill_no', '=', opened.facts.waybillNo)
            .where('delivery_state', '=', 'held')
            .where(heldRecently()),
        )
        .as('held_events'),
    )
    .executeTakeFirstOrThrow();
  return { heldEvents: Boolean(row.held_events) };
}

/**
 * Withdraws a case whose workflow never started, with its Idempotency-Key, in one transaction;
 * a row the workflow has written to (version above 0) stays.
 */
export async function withdrawUnstartedCase(db: Db, caseId: string, key: { scope: string; key: string } | undefined): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('cases').where('case_id', '=', caseId).where('version', '=', 0).execute();
    if (key) {
      await trx.deleteFrom('idempotency_keys').where('scope', '=', key.scope).where('key', '=', key.key).execute();
    }
  });
}

/** Open cases opened before `openedBefore` whose workflow has not saved them yet, oldest first. */
export async function casesAwaitingStart(db: Db, openedBefore: Date, limit: number): Promise<Array<{ caseId: string; waybillNo: string }>> {
  const rows = await db
    .selectFrom('cases')
    .select(['case_id', 'waybill_no'])
    .where('version', '=', 0)
    .where('status', 'not in', TERMINAL_STATUSES)
    .where('opened_at', '<=', openedBefore)
    .orderBy('opened_at')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ caseId: row.case_id, waybillNo: row.waybill_no }));
}

/** The stored start request of a case the workflow has not saved yet; undefined once it has (or without a row). */
export async function unsavedStartRequest(db: Db, caseId: string): Promise<Record<string, unknown> | undefined> {
  const row = await db.selectFrom('cases').select(['start_request', 'version']).where('case_id', '=', caseId).executeTakeFirst();
  if (!row || row.version > 0) return undefined;
  return row.start_request;
}

/** The stored start request of a case (sealed); throws when there is no such case. */
export async function storedStartRequest(db: Db, caseId: string): Promise<Record<string, unknown>> {
  const row = await db.selectFrom('cases').select(['start_request']).where('case_id', '=', caseId).executeTakeFirstOrThrow();
  return row.start_request;
}
