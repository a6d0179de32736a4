import { formatDuration } from '../../domain/durations';
import { earliestAlarm, markAlarm, dueAt } from '../../domain/sla-clock';
import type { CaseState } from './state/case-state';
import { clocksOf } from './state/case-data';
import { notifyStaff } from './steps/staff';

/**
 * A warning's key names the clock's run (its start), so a clock restarted after a reopen warns
 * under new keys and the outbox does not take the second round's warning for the first's.
 */
function warningStep(clock: { name: string; startedAt: number }, threshold: number): string {
  return `sla-warning:${clock.name}:run${clock.startedAt}:${threshold}`;
}

/**
 * Watches every SLA clock of a case and acts when one crosses a warning threshold or breaches:
 * the updatable-timer pattern, re-planned whenever a clock changes (pause, resume, stop, extend).
 * Runs beside the playbook until the case is done.
 */
export async function runSlaWatchdog(state: CaseState, isDone: () => boolean): Promise<void> {
  const thresholds = state.policy.warningThresholds;
  // Staff notices leave the watchdog's loop: a rate-limited ops bot must not delay the next alarm.
  const tellStaff = (...args: Parameters<typeof notifyStaff>): void => state.inBackground(() => notifyStaff(...args));
  while (!isDone()) {
    const alarm = earliestAlarm([...clocksOf(state.data)], Date.now(), thresholds);
    const revision = state.data.clockRevision;
    const summary = alarm ? `SLA ${alarm.clock} ${alarm.kind === 'warning' ? `${Math.round(alarm.threshold * 100)}% warning` : 'breach'}` : 'SLA clocks idle';
    const replan = await state.waitUntil(() => isDone() || state.data.clockRevision !== revision, alarm ? alarm.at - Date.now() : undefined, summary, {
      interruptible: false,
    });
    if (replan || !alarm || isDone()) continue;

    const clock = state.clocks.get(alarm.clock);
    if (!clock) continue;
    state.clocks.set(markAlarm(clock, alarm));
    if (alarm.kind === 'warning') {
      const due = dueAt(clock, Date.now());
      state.record('sla.warning', `${alarm.clock} at ${Math.round(alarm.threshold * 100)}% of its target`, {
        clock: alarm.clock,
        threshold: alarm.threshold,
        dueAt: due !== undefined ? new Date(due).toISOString() : null,
      });
      const isLast = alarm.threshold === thresholds[thresholds.length - 1];
      if (isLast && state.policy.escalation.onLastWarning) {
        if (state.escalate(`${alarm.clock} clock at ${Math.round(alarm.threshold * 100)}%`)) {
          tellStaff(state, `escalate:tier${state.data.tier}`, 'staff.escalated', { reason: `${alarm.clock} SLA warning` });
        }
      } else {
        tellStaff(state, warningStep(clock, alarm.threshold), 'staff.sla_warning', {
          clock: alarm.clock,
          percent: String(Math.round(alarm.threshold * 100)),
          dueText: due !== undefined ? `${formatDuration(Math.max(0, due - Date.now()))}后` : '-',
        });
      }
    } else {
      state.markBreached();
      state.record('sla.breached', `${alarm.clock} clock breached its target`, { clock: alarm.clock, targetMs: clock.targetMs });
      if (state.policy.escalation.onBreach && state.escalate(`${alarm.clock} SLA breached`)) {
        tellStaff(state, `escalate:tier${state.data.tier}`, 'staff.escalated', { reason: `${alarm.clock} SLA breached` });
      }
    }
  }
}
