import { allowanceMs, elapsedMs, pauseClock, resumeClock, startClock, stopClock, type SlaClock } from '../../../domain/sla-clock';
import { clockCalendar, clockTargetMs, type ClockName, type SlaPolicy } from '../../../domain/sla-policy';
import type { CaseData } from './case-data';
import type { Recorder } from './audit-trail';
import type { CustomerSegment } from '../../../domain/types';

/** The clocks that measure our work on the case; they pause while we wait on the customer. */
export const WORKING_CLOCKS = ['firstResponse', 'handling', 'resolution'] as const;

/**
 * A case's SLA clocks: started with the target of the case's current type and priority, paused
 * while the customer holds the ball, stopped when their goal is met. Every change is recorded and
 * bumps `clockRevision`, which the SLA watchdog waits on to re-plan its timer.
 */
export class CaseClocks {
  constructor(
    private readonly data: CaseData,
    private readonly policy: SlaPolicy,
    private readonly record: Recorder,
    /** The customer's segment, whose factor every target takes. */
    private readonly segment?: CustomerSegment,
  ) {}

  get(name: ClockName): SlaClock | undefined {
    return this.data.clocks[name];
  }

  names(): ClockName[] {
    return Object.keys(this.data.clocks) as ClockName[];
  }

  start(name: ClockName): void {
    const target = clockTargetMs(this.policy, name, this.data.currentType, this.data.priority, this.segment);
    this.set(startClock(name, target, Date.now(), clockCalendar(this.policy, name)));
  }

  stop(name: ClockName, reason: string): void {
    const clock = this.data.clocks[name];
    if (!clock || clock.state === 'stopped') return;
    const stopped = stopClock(clock, Date.now());
    this.data.clocks[name] = stopped;
    this.record('sla.clock_stopped', `${name} clock stopped: ${reason}`, {
      clock: name,
      reason,
      elapsedMs: elapsedMs(stopped, Date.now()),
      targetMs: allowanceMs(stopped),
      breached: stopped.breachedAt !== undefined,
    });
    this.bump();
  }

  pause(name: ClockName, reason: string): void {
    const clock = this.data.clocks[name];
    if (!clock || clock.state !== 'running') return;
    this.data.clocks[name] = pauseClock(clock, Date.now(), reason);
    this.record('sla.clock_paused', `${name} clock paused: ${reason}`, { clock: name, reason });
    this.bump();
  }

  resume(name: ClockName): void {
    const clock = this.data.clocks[name];
    if (!clock || clock.state !== 'paused') return;
    this.data.clocks[name] = resumeClock(clock, Date.now());
    this.record('sla.clock_resumed', `${name} clock resumed`, { clock: name });
    this.bump();
  }

  /** Puts a clock changed by a domain rule (an alarm marked, an extension, a new target). */
  set(clock: SlaClock): void {
    this.data.clocks[clock.name] = clock;
    this.bump();
  }

  private bump(): void {
    this.data.clockRevision += 1;
  }
}
