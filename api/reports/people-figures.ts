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
  /** Of those, the ones the customer scored, and the share scored satisfied (null when none were). */
  scored: number;
  csat: number | null;
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

/** What the agents report's per-assignee rows say of a person's cases. */
interface Handled {
  cases: number;
  resolved: number;
  scored: number;
  csat: number | null;
}

export async function peopleReportRows(
  db: Db,
  range: ReportRange,
  directory: PeopleDirectory,
  handled: ReadonlyMap<string, Handled>,
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
      scored: handled.get(person.id)?.scored ?? 0,
      csat: (handled.get(person.id)?.scored ?? 0) > 0 ? (handled.get(person.id)?.csat ?? null) : null,
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

/** A team's figures: its people's rows added up (CSAT weighted by the cases scored, first responses by their count). */
export interface TeamReportRow {
  team: string;
  teamName: string;
  tier: number;
  people: number;
  casesHandled: number;
  resolved: number;
  takenFromQueue: number;
  openLoad: number;
  capacity: number;
  firstResponses: number;
  scored: number;
  csat: number | null;
  promisesKept: number;
  promisesBroken: number;
}

export function teamReportRows(directory: PeopleDirectory, people: readonly PersonReportRow[]): TeamReportRow[] {
  return directory.teams.map((team) => {
    const members = people.filter((row) => row.team === team.id);
    const sum = (pick: (row: PersonReportRow) => number) => members.reduce((total, row) => total + pick(row), 0);
    const scored = sum((row) => row.scored);
    const satisfied = sum((row) => (row.csat ?? 0) * row.scored);
    return {
      team: team.id,
      teamName: team.name,
      tier: team.tier,
      people: members.length,
      casesHandled: sum((row) => row.casesHandled),
      resolved: sum((row) => row.resolved),
      takenFromQueue: sum((row) => row.takenFromQueue),
      openLoad: sum((row) => row.openLoad),
      capacity: sum((row) => row.capacity),
      firstResponses: sum((row) => row.firstResponses),
      scored,
      csat: scored > 0 ? Math.round((satisfied / scored) * 10_000) / 10_000 : null,
      promisesKept: sum((row) => row.promisesKept),
      promisesBroken: sum((row) => row.promisesBroken),
    };
  });
}
