import type { Db } from '../../store/database';
import {
  claimNextCase,
  confirmTake,
  loadsOf,
  queueCases,
  releaseClaim,
  type QueueFilter,
  type QueuePool,
  type QueueRow,
  type QueueScope,
} from '../../store/work-queue';
import { teamById, type PeopleDirectory, type Person, type Team } from '../../config/people';
import type { CaseAction } from '../../domain/case-actions';
import type { CaseView } from '../../domain/case-view';
import type { Principal } from '../auth';
import type { CaseService } from '../case-service';
import { HttpProblem } from '../problem';
import { timeLeftSeconds } from './queue-order';

/**
 * People, teams and the work queue (docs/queue.md): who the caller is and how loaded, the cases
 * they work or may take, and taking the next one. A case leaves the queue by being owned: its
 * `take` (a case action, sent through the one action path, CaseService.act) makes the caller its
 * assignee, and the queue lists only cases whose assignee is still their tier's queue.
 */

/**
 * The tier queues' names: a case nobody owns at tier N has this assignee. api/case-start.ts gives
 * new cases the same names (and an agent who opens a case owns it at tier 1).
 */
const TIER_QUEUES: Readonly<Record<number, string>> = { 1: 'tier1-agents', 2: 'tier2-supervisors', 3: 'tier3-experts' };

/** The take `POST /v1/queue/next` sends; the workflow refuses it when another person owns the case. */
const TAKE: CaseAction = { action: 'take', reason: 'taken from the queue' };

/** How long a claim holds: a take in flight, or a landed take until the read model shows its owner. */
const CLAIM_HOLD_MS = 60_000;
/** How many refused takes one call goes past (another door took the case meanwhile) before it gives up. */
const MAX_REFUSED_TAKES = 10;

interface PersonWithLoad extends Omit<Person, 'team'> {
  team: Team | null;
  load: number;
}

/** A queue row as the API answers it: times as ISO strings, with the time left and whether it is the caller's. */
export interface QueueItem extends Omit<QueueRow, 'slaDueAt' | 'openedAt'> {
  dueAt: string | null;
  timeLeftSeconds: number | null;
  openedAt: string;
  mine: boolean;
}

export interface QueueQuery {
  team?: string;
  tier?: number;
  type?: string[];
  carrier?: string[];
  limit: number;
}

export class WorkQueue {
  constructor(private readonly deps: { db: Db; cases: CaseService; people: PeopleDirectory; claimHoldMs?: number }) {}

  private withLoad(person: Person, load: number): PersonWithLoad {
    return { ...person, team: teamById(this.deps.people, person.team) ?? null, load };
  }

  /** `GET /v1/me`: the caller's person (or null outside the directory) and load. */
  async me(principal: Principal) {
    const load = (await loadsOf(this.deps.db, [principal.id])).get(principal.id) ?? 0;
    return { id: principal.id, role: principal.role, person: principal.person ? this.withLoad(principal.person, load) : null, load };
  }

  /** `GET /v1/people`: every person with their load, and the teams. */
  async people() {
    const { people, teams } = this.deps.people;
    const loads = await loadsOf(
      this.deps.db,
      people.map((person) => person.id),
    );
    return { teams, people: people.map((person) => this.withLoad(person, loads.get(person.id) ?? 0)) };
  }

  /** The unowned cases of a team's tier queue, narrowed to a person's skills when given. */
  private poolOf(team: Team, person?: Person): QueuePool {
    const skills = person?.skills;
    return {
      queue: TIER_QUEUES[team.tier] as string,
      tier: team.tier,
      carriers: skills?.carriers ?? [],
      caseTypes: skills?.caseTypes ?? [],
      regions: skills?.regions ?? [],
    };
  }

  /**
   * `GET /v1/queue`. Without `team`: the caller's own open cases and the unowned cases of their
   * team's tier queue that match their skills. With `team`: that team's view, its members' open
   * cases and its whole tier queue; agents may ask only for their own team.
   */
  async view(principal: Principal, query: QueueQuery): Promise<{ team: string | null; tierQueue: string | null; items: QueueItem[] }> {
    let scope: QueueScope;
    let team: Team | undefined;
    if (query.team !== undefined) {
      team = teamById(this.deps.people, query.team);
      if (!team) {
        throw new HttpProblem(400, 'Invalid request', 'The query string has 1 invalid field(s)', {
          errors: [{ path: '$.team', message: `no team ${query.team} in the people directory` }],
        });
      }
      if (principal.role === 'agent' && principal.person?.team !== team.id) {
        throw new HttpProblem(403, 'Forbidden', 'An agent sees only their own team’s queue; supervisors and experts may look at any team');
      }
      scope = { owners: team.members, pool: this.poolOf(team) };
    } else {
      team = principal.person ? teamById(this.deps.people, principal.person.team) : undefined;
      scope = { owners: [principal.id], ...(team ? { pool: this.poolOf(team, principal.person) } : {}) };
    }
    const rows = await queueCases(this.deps.db, scope, filterOf(query), query.limit);
    const now = Date.now();
    return { team: team?.id ?? null, tierQueue: scope.pool?.queue ?? null, items: rows.map((row) => itemOf(row, principal.id, now)) };
  }

  /**
   * `POST /v1/queue/next`: claims the first case of the caller's queue and takes it. Undefined when
   * nothing is left to take. A take refused by the case (someone took it through another door,
   * it changed state) releases the claim and goes on to the next case; any other failure releases
   * the claim too and is answered: the case's own rule (never two owners) is what a retry meets.
   */
  async next(principal: Principal, narrowing: { type?: string[]; carrier?: string[] }): Promise<CaseView | undefined> {
    const person = principal.person;
    if (!person) {
      // 409, not 403: the role may take from a queue; what is missing is the caller's person
      // (team, skills, capacity), which the people directory gives, not the token.
      throw new HttpProblem(409, 'Not in the people directory', `${principal.id} is not a person of PEOPLE_FILE: only configured people take from the queue`);
    }
    const team = teamById(this.deps.people, person.team) as Team;
    const pool = this.poolOf(team, person);
    const filter: QueueFilter = { ...(narrowing.type ? { type: narrowing.type } : {}), ...(narrowing.carrier ? { carrier: narrowing.carrier } : {}) };
    const holdMs = this.deps.claimHoldMs ?? CLAIM_HOLD_MS;
    const refused: string[] = [];
    while (refused.length <= MAX_REFUSED_TAKES) {
      const claim = await claimNextCase(this.deps.db, { principal: principal.id, capacity: person.capacity, pool, filter, skip: refused, holdMs });
      if (claim.kind === 'empty') return undefined;
      if (claim.kind === 'full') {
        throw new HttpProblem(409, 'At capacity', `${principal.id} owns ${claim.load} open case(s), their capacity is ${person.capacity}: finish one first`, {
          load: claim.load,
          capacity: person.capacity,
        });
      }
      let view: CaseView;
      try {
        view = await this.deps.cases.act(claim.caseId, TAKE, principal);
      } catch (error) {
        await releaseClaim(this.deps.db, claim.caseId, principal.id);
        if (error instanceof HttpProblem && (error.status === 409 || error.status === 404 || error.status === 403)) {
          refused.push(claim.caseId);
          continue;
        }
        throw error;
      }
      await confirmTake(this.deps.db, claim.caseId, principal.id, holdMs, view.version);
      return view;
    }
    return undefined;
  }
}

function filterOf(query: QueueQuery): QueueFilter {
  return {
    ...(query.tier !== undefined ? { tier: query.tier } : {}),
    ...(query.type ? { type: query.type } : {}),
    ...(query.carrier ? { carrier: query.carrier } : {}),
  };
}

function itemOf(row: QueueRow, principalId: string, now: number): QueueItem {
  return {
    caseId: row.caseId,
    type: row.type,
    status: row.status,
    priority: row.priority,
    tier: row.tier,
    assignee: row.assignee,
    carrier: row.carrier,
    region: row.region,
    waybillNo: row.waybillNo,
    dueAt: row.slaDueAt?.toISOString() ?? null,
    slaBreached: row.slaBreached,
    timeLeftSeconds: timeLeftSeconds(row.slaDueAt, now),
    openedAt: row.openedAt.toISOString(),
    mine: row.assignee === principalId,
  };
}
