import type { Client } from '@temporalio/client';
import type { AppConfig } from '../../config';
import { milestoneOf, type MilestoneEvent } from '../../domain/milestones';
import { noticePolicyOf } from '../../domain/notice-policy';
import type { TrackingEvent } from '../../domain/tracking';
import { SHIPMENT_NOTICES_WORKFLOW_TYPE, milestoneEventSignal, shipmentNoticesWorkflowId, type ShipmentNoticesInput } from '../../workflows/notices/contract';
import type { TrackingTargets } from './inbound-delivery';

/**
 * Customers told (主動觸達): the hook from tracking intake into the waybill's shipment-notices
 * workflow. Called for every accepted event (first delivery, or a sender's retry of one not yet
 * delivered) before it is handed to cases, so a failure here leaves the event pending: the
 * sender's retry, or the redelivery sweeper (./inbound-delivery.ts), signals it again, and the
 * workflow ignores an event id it has seen.
 */

/** The intake's hook: the event to its waybill's notices workflow, through the targets (CaseService). */
export async function noticeShipmentMilestone(targets: Pick<TrackingTargets, 'signalShipmentNotices'>, event: TrackingEvent): Promise<void> {
  await targets.signalShipmentNotices?.(event);
}

/**
 * Signal-with-start of `shipment-notices/<waybillNo>` (two pushes at once reach one workflow),
 * for an event that marks a milestone; other events are not worth a workflow.
 */
export async function signalShipmentNotices(temporal: Client, config: AppConfig, event: TrackingEvent): Promise<void> {
  if (milestoneOf(event) === undefined) return;
  const input: ShipmentNoticesInput = { waybillNo: event.waybillNo, policy: noticePolicyOf(config.slaPolicy) };
  // Only the fields the milestone needs: the stored payload may carry more (raw provider bodies).
  const signalled: MilestoneEvent = {
    eventId: event.eventId,
    provider: event.provider,
    carrier: event.carrier,
    status: event.status,
    occurredAt: event.occurredAt,
    ...(event.subStatus !== undefined ? { subStatus: event.subStatus } : {}),
    ...(event.rawCode !== undefined ? { rawCode: event.rawCode } : {}),
    ...(event.location !== undefined ? { location: event.location } : {}),
    ...(event.description !== undefined ? { description: event.description } : {}),
  };
  await temporal.workflow.signalWithStart(SHIPMENT_NOTICES_WORKFLOW_TYPE, {
    workflowId: shipmentNoticesWorkflowId(event.waybillNo),
    taskQueue: config.temporal.taskQueue,
    args: [input],
    signal: milestoneEventSignal,
    signalArgs: [signalled],
  });
}
