import { getExternalWorkflowHandle, setHandler } from '@temporalio/workflow';
import { extendClock } from '../../domain/sla-clock';
import type { IncidentCause } from '../../domain/incidents';
import { caseIncidentSignal } from '../incidents/contract';
import type { CaseState } from './state/case-state';
import { notifyCustomer } from './steps/customer';

/**
 * An incident reaching the case (weather, regional control, carrier outage): the case records it
 * in its trail, extends its delay-driven clocks until the expected end (an extension with the
 * incident as reason) or pauses them when no end is known, tells the customer once, and answers
 * the incident. The incident's end resumes what it paused. A case ignores an incident it already
 * has, so a repeated signal changes nothing.
 */

/** Customers read times in China time (UTC+8, no daylight saving). */
const CHINA_OFFSET_MS = 8 * 3_600_000;

const CAUSE_TEXT: Record<IncidentCause, string> = {
  weather: '恶劣天气',
  regional_control: '区域管控',
  carrier_outage: '承运商网络故障',
  other: '突发情况',
};

export function registerIncidentSignal(state: CaseState): void {
  setHandler(caseIncidentSignal, async (notice) => {
    const now = Date.now();
    const pauseReason = `INCIDENT:${notice.incidentId}`;
    const known = state.data.incidents.find((incident) => incident.incidentId === notice.incidentId);
    if (notice.phase === 'end') {
      if (!known || known.endedAt) return;
      state.endIncident(notice.incidentId, new Date(now).toISOString());
      for (const name of notice.clocks) {
        const clock = state.clocks.get(name);
        const pause = clock?.pauses[clock.pauses.length - 1];
        if (clock?.state === 'paused' && pause?.reason === pauseReason) state.clocks.resume(name);
      }
      state.record('incident.ended', `incident ${notice.incidentId} ended`, { incidentId: notice.incidentId });
      state.showAttributes();
      return;
    }
    if (known || state.data.status === 'CLOSED' || state.data.status === 'CANCELLED') return;
    state.append('incidents', {
      incidentId: notice.incidentId,
      cause: notice.cause,
      message: notice.message,
      at: new Date(now).toISOString(),
      ...(notice.expectedEndAt ? { expectedEndAt: notice.expectedEndAt } : {}),
    });
    const expectedEnd = notice.expectedEndAt ? Date.parse(notice.expectedEndAt) : undefined;
    const changed: string[] = [];
    for (const name of notice.clocks) {
      const clock = state.clocks.get(name);
      if (!clock || clock.state === 'stopped') continue;
      if (expectedEnd !== undefined) {
        if (expectedEnd <= now) continue;
        state.clocks.set(extendClock(clock, now, expectedEnd - now, `incident ${notice.incidentId}`));
        changed.push(`${name} +${Math.round((expectedEnd - now) / 60_000)} min`);
      } else {
        state.clocks.pause(name, pauseReason);
        changed.push(`${name} paused`);
      }
    }
    state.record('incident.recorded', `${notice.cause}: ${notice.message}`, {
      incidentId: notice.incidentId,
      cause: notice.cause,
      ...(notice.expectedEndAt ? { expectedEndAt: notice.expectedEndAt } : {}),
      clocks: changed,
    });
    state.showAttributes();
    const step = `incident-${notice.incidentId}`;
    await notifyCustomer(state, step, 'incident.notice', {
      incidentCause: CAUSE_TEXT[notice.cause],
      incidentMessage: notice.message,
      expectedEndText:
        expectedEnd !== undefined ? `预计北京时间${new Date(expectedEnd + CHINA_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ')}恢复。` : '',
    });
    const notified = state.data.notifications.some((n) => n.key.startsWith(`${state.input.caseId}:${step}:`) && n.outcome === 'sent');
    try {
      await getExternalWorkflowHandle(notice.incidentWorkflowId).signal('incidentAck', { caseId: state.input.caseId, notified });
    } catch {
      // the incident already finished: nothing waits for the answer
    }
  });
}
