import {
  CancellationScope,
  condition,
  defineSignal,
  defineUpdate,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { LifecycleShape } from './lifecycle-shape';

/**
 * The benchmark's baselines: the least a workflow can be, run on the same server with the same
 * codec as the cases, against which the case workflow's figures are read.
 */

/** Starting it measures Temporal's own cost of `client.workflow.start`. */
export async function benchNoopWorkflow(): Promise<string> {
  return 'ok';
}

export const mirrorEventSignal = defineSignal('mirrorEvent');
export const mirrorActionUpdate = defineUpdate<string>('mirrorAction');

type NoopActivities = { benchNoopActivity(): Promise<void> };
const { benchNoopActivity } = proxyActivities<NoopActivities>({ startToCloseTimeout: '1 minute' });
const local = proxyLocalActivities<NoopActivities>({ startToCloseTimeout: '1 minute' });

/**
 * A case's lifecycle with its work taken out: as many activities (local ones too), timers (those
 * that fired, for as long; those that were cancelled, cancelled), signals and updates as a DELAYED
 * case's history had, with no-op bodies. What the case takes beyond it is the product's own cost.
 */
export async function benchLifecycleMirror(shape: LifecycleShape): Promise<string> {
  let signals = 0;
  let updates = 0;
  setHandler(mirrorEventSignal, () => void signals++);
  setHandler(mirrorActionUpdate, () => {
    updates += 1;
    return 'ok';
  });
  // The SLA clocks: timers started at the open and cancelled one by one as the case moves on.
  const clocks = Array.from({ length: shape.cancelledTimers }, () => {
    const scope = new CancellationScope();
    const running = scope
      .run(() => sleep('1 day'))
      .catch((error: unknown) => {
        if (!isCancellation(error)) throw error;
      });
    return { scope, running };
  });
  const firstHalf = Math.ceil(shape.activities / 2);
  const localFirstHalf = Math.ceil(shape.localActivities / 2);
  // Each activity with a local one beside it, as the case writes beside its steps.
  for (let i = 0; i < Math.max(firstHalf, localFirstHalf); i++) {
    await Promise.all([i < firstHalf ? benchNoopActivity() : undefined, i < localFirstHalf ? local.benchNoopActivity() : undefined]);
  }
  for (const ms of shape.firedTimerMs) await sleep(ms);
  await condition(() => signals >= shape.signals && updates >= shape.updates);
  const rest = Math.max(shape.activities - firstHalf, shape.localActivities - localFirstHalf);
  for (let i = 0; i < rest; i++) {
    await Promise.all([
      firstHalf + i < shape.activities ? benchNoopActivity() : undefined,
      localFirstHalf + i < shape.localActivities ? local.benchNoopActivity() : undefined,
    ]);
    clocks[i]?.scope.cancel();
  }
  for (const clock of clocks) clock.scope.cancel();
  await Promise.all(clocks.map((clock) => clock.running));
  return 'ok';
}
