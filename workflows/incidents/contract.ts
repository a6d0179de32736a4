import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { IncidentNotice, IncidentProgress, IncidentRequest, IncidentStatus } from '../../domain/incidents';
import type { IncidentPolicy } from '../../config/incident-policy';

export interface IncidentWorkflowInput {
  incidentId: string;
  request: IncidentRequest;
  /** sha256 of the request, so a retried POST with another body is told apart (422). */
  requestHash: string;
  declaredBy: string;
  policy: IncidentPolicy;
  /** Carried over continue-as-new. */
  carry?: { progress: IncidentProgress; cursor?: IncidentCursor; status: IncidentStatus; fanOutComplete: boolean; endRequested: boolean };
}

export interface IncidentCursor {
  openedAt: string;
  caseId: string;
}

export interface IncidentView extends IncidentProgress {
  incidentId: string;
  status: IncidentStatus;
  /** Every case that matched when the incident was declared has been signalled. */
  fanOutComplete: boolean;
  request: IncidentRequest;
  requestHash: string;
  declaredBy: string;
}

/** The case's answer once it recorded the incident and told the customer. */
export interface IncidentAck {
  caseId: string;
  notified: boolean;
}

export const incidentViewQuery = defineQuery<IncidentView>('incidentView');
export const endIncidentSignal = defineSignal('endIncident');
export const incidentAckSignal = defineSignal<[IncidentAck]>('incidentAck');
/** Sent to each case workflow. */
export const caseIncidentSignal = defineSignal<[IncidentNotice & { incidentWorkflowId: string }]>('incident');
