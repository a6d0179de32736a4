import type { ClockName } from '../domain/sla-policy';

/**
 * Incident fan-out settings (kept apart from the SLA policy file's validated sections). Durations
 * are scaled by SLA_TIME_SCALE like every policy duration.
 */
export interface IncidentPolicy {
  /** Open cases read per page of the fan-out. */
  pageSize: number;
  /** Cases signalled at once. */
  concurrency: number;
  /** While active, how often the incident looks for newly opened cases in its regions. */
  sweepIntervalMs: number;
  /** The delay-driven clocks an incident extends (or pauses without an expected end). */
  clocks: ClockName[];
}

const DEFAULT_INCIDENT_POLICY: IncidentPolicy = {
  pageSize: 200,
  concurrency: 50,
  sweepIntervalMs: 60_000,
  clocks: ['handling', 'resolution'],
};

export function incidentPolicy(timeScale: number, overrides: Partial<IncidentPolicy> = {}): IncidentPolicy {
  const policy = { ...DEFAULT_INCIDENT_POLICY, ...overrides };
  return { ...policy, sweepIntervalMs: Math.max(1, Math.round(policy.sweepIntervalMs * (overrides.sweepIntervalMs ? 1 : timeScale))) };
}
