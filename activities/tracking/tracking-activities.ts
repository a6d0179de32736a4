import type { Db } from '../../store/database';
import type { TrackingEvent } from '../../domain/tracking';
import type { HeldEventKey, PrepareTrackedCaseInput, PreparedTrackedCase } from '../../workflows/tracking/contract';
import { markHeldEventsDelivered, prepareTrackedCase, takeHeldEvents, type TrackedCaseDefaults } from './tracked-cases';

/** Opening cases from tracking (the opener workflow's read-model steps). */
export function createTrackedCaseActivities(deps: { db: Db; trackedCaseDefaults: TrackedCaseDefaults }) {
  return {
    /** Writes the auto-opened case's row (or finds the case already open for the waybill). */
    async prepareTrackedCase(input: PrepareTrackedCaseInput): Promise<PreparedTrackedCase> {
      return prepareTrackedCase(deps.db, deps.trackedCaseDefaults, input);
    },
    /** The events held for the waybill that the new case does not have yet (deliveries recorded pending). */
    async takeHeldEvents(input: { caseId: string; waybillNo: string }): Promise<TrackingEvent[]> {
      return takeHeldEvents(deps.db, input);
    },
    /** Marks the held events signalled to the case as delivered. */
    async markHeldEventsDelivered(input: { caseId: string; events: HeldEventKey[] }): Promise<void> {
      return markHeldEventsDelivered(deps.db, input);
    },
  };
}
