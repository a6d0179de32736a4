import { temporal } from '@temporalio/proto';

/** What a case's history did, counted: the recipe of the lifecycle's bare-Temporal baseline. */
export interface LifecycleShape {
  activities: number;
  /** Local activities (the case's writes), each a marker in the history. */
  localActivities: number;
  /** Each timer that fired, by its duration. */
  firedTimerMs: number[];
  /** Timers started and cancelled (or still pending when the case closed). */
  cancelledTimers: number;
  signals: number;
  updates: number;
  /** Not mirrored, shown for the record: the case's own bookkeeping (other markers: patches). */
  searchAttributeUpserts: number;
  markers: number;
  workflowTasks: number;
}

const EventType = temporal.api.enums.v1.EventType;

function durationMs(duration: temporal.api.history.v1.ITimerStartedEventAttributes['startToFireTimeout']): number {
  if (!duration) return 0;
  return Number(duration.seconds ?? 0) * 1000 + Math.round((duration.nanos ?? 0) / 1e6);
}

export function lifecycleShape(history: temporal.api.history.v1.IHistory): LifecycleShape {
  const started = new Map<string, number>();
  const fired: number[] = [];
  const shape: LifecycleShape = {
    activities: 0,
    localActivities: 0,
    firedTimerMs: fired,
    cancelledTimers: 0,
    signals: 0,
    updates: 0,
    searchAttributeUpserts: 0,
    markers: 0,
    workflowTasks: 0,
  };
  for (const event of history.events ?? []) {
    switch (event.eventType) {
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        shape.activities += 1;
        break;
      case EventType.EVENT_TYPE_TIMER_STARTED: {
        const attributes = event.timerStartedEventAttributes;
        started.set(attributes?.timerId ?? '', durationMs(attributes?.startToFireTimeout));
        break;
      }
      case EventType.EVENT_TYPE_TIMER_FIRED: {
        const id = event.timerFiredEventAttributes?.timerId ?? '';
        fired.push(started.get(id) ?? 0);
        started.delete(id);
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        shape.signals += 1;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        shape.updates += 1;
        break;
      case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
        shape.searchAttributeUpserts += 1;
        break;
      case EventType.EVENT_TYPE_MARKER_RECORDED:
        if (event.markerRecordedEventAttributes?.markerName === 'core_local_activity') shape.localActivities += 1;
        else shape.markers += 1;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        shape.workflowTasks += 1;
        break;
      default:
        break;
    }
  }
  shape.cancelledTimers = started.size;
  return shape;
}
