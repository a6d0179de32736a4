import { sql } from 'kysely';
import type { Db } from './database';

/**
 * Per-person figures of the agents' report (docs/queue.md → Per-agent figures), from the audit
 * trail and the queue's takes. Events are matched by kind, as the case workflow records them:
 * `reply.sent` and `call.logged` (a contact with the customer, by its actor), `promise.kept` and
 * `promise.broken` (a promise made to the customer, by whoever made it).
 */

interface Window {
  start: Date;
  end: Date;
}

export interface PersonFigureRow {
  person: string;
  firstResponses: number;
  firstResponseP50Ms: number | null;
  promisesKept: number;
  promisesBroken: number;
  takenFromQueue: number;
}

/** Contact kinds that answer the customer: the first one on a case is its first response. */
const CONTACT_KINDS = ['reply.sent', 'call.logged'];

export async function personFigures(db: Db, range: Window): Promise<Map<string, PersonFigureRow>> {
  const figures = new Map<string, PersonFigureRow>();
  const row = (person: string): PersonFigureRow => {
    let found = figures.get(person);
    if (!found) {
      found = { person, firstResponses: 0, firstResponseP50Ms: null, promisesKept: 0, promisesBroken: 0, takenFromQueue: 0 };
      figures.set(person, found);
    }
    return found;
  };

  // The first contact on each case opened in the range, credited to whoever made it.
  const firsts = await sql<{ person: string; responses: number; p50: string | number | null }>`
    WITH firsts AS (
      SELECT DISTINCT ON (e.case_id) e.actor->>'id' AS person, extract(epoch FROM (e.at - c.opened_at)) * 1000 AS ms
        FROM case_events e JOIN cases c ON c.case_id = e.case_id
       WHERE c.opened_at >= ${range.start} AND c.opened_at < ${range.end} AND e.kind IN (${sql.join(CONTACT_KINDS)})
       ORDER BY e.case_id, e.seq
    )
    SELECT person, count(*)::int AS responses, percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) AS p50
      FROM firsts WHERE person IS NOT NULL GROUP BY person`.execute(db);
  for (const first of firsts.rows) {
    const entry = row(first.person);
    entry.firstResponses = first.responses;
    entry.firstResponseP50Ms = first.p50 === null ? null : Math.round(Number(first.p50));
  }

  // Promises settled in the range: a broken one names who made it; a kept one is credited to
  // its maker when the event names them, else to the actor that recorded it.
  const promises = await sql<{ person: string; kept: number; broken: number }>`
    SELECT COALESCE(data->>'madeBy', actor->>'id') AS person,
           (count(*) FILTER (WHERE kind = 'promise.kept'))::int AS kept,
           (count(*) FILTER (WHERE kind = 'promise.broken'))::int AS broken
      FROM case_events
     WHERE kind IN ('promise.kept', 'promise.broken') AND at >= ${range.start} AND at < ${range.end}
     GROUP BY 1`.execute(db);
  for (const promise of promises.rows) {
    if (!promise.person) continue;
    const entry = row(promise.person);
    entry.promisesKept = promise.kept;
    entry.promisesBroken = promise.broken;
  }

  const takes = await sql<{ principal: string; takes: number }>`
    SELECT principal, count(*)::int AS takes FROM queue_takes
     WHERE taken_at >= ${range.start} AND taken_at < ${range.end} GROUP BY principal`.execute(db);
  for (const take of takes.rows) row(take.principal).takenFromQueue = take.takes;
  return figures;
}
