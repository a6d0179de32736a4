import type { Db } from '../../activities/store/database';
import type { TrackingEvent } from '../../domain/tracking';
import type { CaseService } from '../case-service';

/**
 * Where every tracking push lands after its signature is checked, whatever the provider:
 * deduplicate by (provider, event id), deliver to the waybill's open cases, or keep it on record
 * for a case opened later. A push we could not deliver is un-recorded and answered 503, so the
 * sender's retry brings it back: nothing is lost and nothing is done twice.
 */

export interface IntakeResult {
  duplicate: boolean;
  deliveredTo: string[];
}

export async function intakeTrackingEvent(db: Db, cases: CaseService, event: TrackingEvent): Promise<IntakeResult> {
  const inserted = await db
    .insertInto('inbound_events')
    .values({
      provider: event.provider,
      event_id: event.eventId,
      waybill_no: event.waybillNo,
      status: event.status,
      payload: JSON.stringify(event),
      case_id: null,
    })
    .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
    .returning('event_id')
    .executeTakeFirst();
  if (!inserted) return { duplicate: true, deliveredTo: [] };

  const deliveredTo: string[] = [];
  try {
    for (const caseId of await cases.openCaseIdsForWaybill(event.waybillNo)) {
      await cases.deliverTrackingEvent(caseId, event);
      deliveredTo.push(caseId);
    }
  } catch (error) {
    if (!deliveredTo.length) {
      await db.deleteFrom('inbound_events').where('provider', '=', event.provider).where('event_id', '=', event.eventId).execute();
    }
    throw error;
  }
  if (deliveredTo.length) {
    await db
      .updateTable('inbound_events')
      .set({ case_id: deliveredTo[0] as string })
      .where('provider', '=', event.provider)
      .where('event_id', '=', event.eventId)
      .execute();
  }
  return { duplicate: false, deliveredTo };
}
