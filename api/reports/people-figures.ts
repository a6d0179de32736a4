import type { Db } from '../../store/database';
import { personFigures } from '../../store/people-figures';
import { loadsOf } from '../../store/work-queue';
import { teamById, type PeopleDirectory } from '../../config/people';
import type { ReportRange } from './range';

/**
 * The agents' report per person of the directory (docs/queue.md → Per-agent figures): every
 * person is listed, with their team, whether or not they worked a case in the range, so a
 * supervisor sees who is idle as well as who is loaded.
 */

export interface PersonReportRow {
  person: string;
  name: string;
  role: string;
  team: string;
  teamName: string;
  /** Cases opened in the range that the person owns now. */
  casesHandled: number;
  resolved: number;
  takenFromQueue: number;
  /** Now, not over the range: open cases owned (and takes in flight) against capacity. */
  openLoad: number;
  capacity: number;
  /** Cases opened in the range whose first reply or logged call was this person's, and its median time. */
  firstResponses: number;
  firstResponseP50Ms: number | null;
  promisesKept: number;
  promisesBroken: number;
}

export async function peopleReportRows(
  db: Db,
  range: ReportRange,
  directory: PeopleDirectory,
  handled: ReadonlyMap<string, { cases: number; resolved: number }>,
): Promise<PersonReportRow[]> {
  const ids = directory.people.map((person) => person.id);
  const [loads, figures] = await Promise.all([loadsOf(db, ids), personFigures(db, range)]);
  return directory.people.map((person) => {
    const team = teamById(directory, person.team);
    const figure = figures.get(person.id);
    return {
      person: person.id,
      name: person.name,
      role: person.role,
      team: person.team,
      teamName: team?.name ?? person.team,
      casesHandled: handled.get(person.id)?.cases ?? 0,
      resolved: handled.get(person.id)?.resolved ?? 0,
      takenFromQueue: figure?.takenFromQueue ?? 0,
      openLoad: loads.get(person.id) ?? 0,
      capacity: person.capacity,
      firstResponses: figure?.firstResponses ?? 0,
      firstResponseP50Ms: figure?.firstResponseP50Ms ?? null,
      promisesKept: figure?.promisesKept ?? 0,
      promisesBroken: figure?.promisesBroken ?? 0,
    };
  });
}
