import type { ClockName } from './sla-policy';
import type { ExceptionType } from './types';

/**
 * Incidents (異常信息快速同步): weather, regional control, a carrier outage. One incident reaches
 * every matching open case, and cases opened in its regions while it is active.
 */

export const INCIDENT_CAUSES = ['weather', 'regional_control', 'carrier_outage', 'other'] as const;
export type IncidentCause = (typeof INCIDENT_CAUSES)[number];

export interface IncidentRequest {
  cause: IncidentCause;
  /** Region codes; a case matches when its region starts with one (province "44" holds "440300"). */
  regions: string[];
  carriers?: string[];
  types?: ExceptionType[];
  startsAt: string;
  expectedEndAt?: string;
  message: string;
}

export interface IncidentProgress {
  /** Open cases found matching, over every page and sweep so far. */
  matched: number;
  /** Cases the incident was delivered to. */
  reached: number;
  /** Cases that told their customer (each once). */
  notified: number;
  /** Cases that could not be reached (finished meanwhile). */
  failed: number;
}

export type IncidentStatus = 'active' | 'ending' | 'ended';

/** What a case receives: the incident's start, or its end. */
export interface IncidentNotice {
  phase: 'start' | 'end';
  incidentId: string;
  cause: IncidentCause;
  message: string;
  expectedEndAt?: string;
  /** The delay-driven clocks to extend (until expectedEndAt) or pause (no expected end). */
  clocks: ClockName[];
}

/** The incident as a case remembers it. */
export interface CaseIncident {
  incidentId: string;
  cause: IncidentCause;
  message: string;
  at: string;
  expectedEndAt?: string;
  endedAt?: string;
}
