import { sql } from 'kysely';
import { TERMINAL_STATUSES } from '../domain/types';
import { caseColumns, type CaseRowSource } from './case-row';
import type { Db } from './database';
import type { KeyClaim } from './idempotency';
import { heldRecently } from './inbound-events';
import { sealStartRequest } from './pii';
import type { OpenCaseInput } from '../workflows/case/contract';

/**
 * The read-model row written when a case opens, before its workflow exists, from whichever door:
 * an agent's open (the API) or an exception seen in tracking (the tracking opener). The row lists
 * the case until the workflow's first snapshot (version 0 until then), and keeps the workflow's
 * start request so an interrupted start can be finished from it.
 *
 * One uniqueness rule holds for every door: at most one open case per waybill and exception type
 * (the unique index `cases_one_open_per_waybill_type`). The API answers a second open of the pair
 * with 409 and the open case's id; the tracking opener hands its events to that case instead.
 */

export interface OpenedCase {
  /** The row's searchable columns, from the opening's first facts. */
  facts: CaseRowSource;
  /** The workflow start request, personal fields sealed (./pii.ts). */
  sealedStartRequest: Record<string, unknown>;
  /** A case opened from tracking: where it came from, why, and whether an agent must complete it. */
  origin?: { openedFrom: 'tracking' | 'watchlist'; reason: string; needsCompletion: boolean };
}

/** The row of a case about to start: one mapping from the workflow's start input, for every door. */
export function openedCase(input: OpenCaseInput, openedAt: string, payloadEncryptionKey: string, origin?: OpenedCase['origin']): OpenedCase {
  return {
    facts: {
      caseId: input.caseId,
      type: input.type,
      status: 'OPEN',
      priority: input.priority,
      tier: 1,
      assignee: input.staff.tierQueues[1],
      orderId: input.orderId,
      waybillNo: input.waybillNo,
      carrier: input.carrier,
      region: input.region,
      customer: input.customer,
      supplierId: input.supplierId,
      slaBreached: false,
      openedAt,
      updatedAt: openedAt,
      version: 0,
    },
    // Kept to finish an interrupted start; the customer's personal fields sealed.
    sealedStartRequest: sealStartRequest(input, payloadEncryptionKey) as unknown as Record<string, unknown>,
    ...(origin ? { origin } : {}),
  };
}

function caseRowOf(opened: OpenedCase) {
  return {
    ...caseColumns(opened.facts),
    snapshot: JSON.stringify({}),
    start_request: JSON.stringify(opened.sealedStartRequest),
    ...(opened.origin
      ? { needs_completion: opened.origin.needsCompletion, opened_from: opened.origin.openedFrom, open_reason: opened.origin.reason.slice(0, 500) }
      : {}),
  };
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
  const caseRow = caseRowOf(opened);
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
 * The row of a case opened from tracking; false when the waybill already has an open case of the
 * type (or this row exists: a retried opening), which the caller then looks up.
 */
export async function insertTrackedCase(db: Db, opened: OpenedCase): Promise<boolean> {
  const inserted = await db
    .insertInto('cases')
    .values(caseRowOf(opened))
    .onConflict((oc) => oc.doNothing())
    .returning('case_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** A case's own row as a retried opening finds it: whether it waits for an agent to complete it. */
export async function trackedCaseRow(db: Db, caseId: string): Promise<{ needsCompletion: boolean } | undefined> {
  const row = await db.selectFrom('cases').select('needs_completion').where('case_id', '=', caseId).executeTakeFirst();
  return row && { needsCompletion: row.needs_completion };
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
