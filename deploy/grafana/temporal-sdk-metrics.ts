/**
 * The metric names the Temporal TypeScript SDK's runtime (Core) serves at TEMPORAL_METRICS_ADDRESS,
 * as worker/runtime.ts configures it (`countersTotalSuffix: true, useSecondsForDurations: true`):
 * every name takes Core's `temporal_` prefix, counters end in `_total`, durations are histograms in
 * seconds whose names keep no unit suffix (`temporal_workflow_task_execution_latency_bucket`, not
 * `…_latency_seconds_bucket`).
 *
 * Where they come from: the metric definitions of the Core version @temporalio/core-bridge 1.24.0
 * ships (node_modules/@temporalio/core-bridge/sdk-core, crates/sdk-core/src/telemetry/metrics.rs
 * for the worker's, crates/client/src/metrics.rs for the client's), checked against a scrape of the
 * dev stack's /metrics with a case driven through activity failures (2026-12-07): every name Core
 * had recorded by then was among these. Core creates a series only when it first records one, so a
 * scrape alone does not list them all. test/unit/grafana-dashboard.test.ts checks each base name
 * is still defined in the installed Core sources, so an SDK upgrade that renames one fails there.
 */

/** Counters: exported as `temporal_<name>_total`. */
export const TEMPORAL_SDK_COUNTERS = [
  'workflow_completed',
  'workflow_canceled',
  'workflow_failed',
  'workflow_continue_as_new',
  'workflow_task_queue_poll_empty',
  'workflow_task_queue_poll_succeed',
  'workflow_task_execution_failed',
  'activity_poll_no_task',
  'activity_task_received',
  'activity_execution_failed',
  'local_activity_total',
  'local_activity_execution_cancelled',
  'local_activity_execution_failed',
  'nexus_poll_no_task',
  'nexus_task_execution_failed',
  'worker_start',
  'sticky_cache_hit',
  'sticky_cache_miss',
  'sticky_cache_total_forced_eviction',
  'request',
  'request_failure',
  'long_request',
  'long_request_failure',
] as const;

/** Histograms in seconds: exported as `temporal_<name>_bucket`, `_sum` and `_count`. */
export const TEMPORAL_SDK_HISTOGRAMS = [
  'workflow_endtoend_latency',
  'workflow_task_schedule_to_start_latency',
  'workflow_task_replay_latency',
  'workflow_task_execution_latency',
  'activity_schedule_to_start_latency',
  'activity_execution_latency',
  'activity_succeed_endtoend_latency',
  'local_activity_execution_latency',
  'local_activity_succeed_endtoend_latency',
  'nexus_task_schedule_to_start_latency',
  'nexus_task_endtoend_latency',
  'nexus_task_execution_latency',
  'request_latency',
  'long_request_latency',
] as const;

/** Gauges: exported as `temporal_<name>`. */
export const TEMPORAL_SDK_GAUGES = ['num_pollers', 'worker_task_slots_available', 'worker_task_slots_used', 'sticky_cache_size'] as const;

/** Every series name a scrape of the SDK's endpoint can hold. */
export function temporalSdkMetricNames(): string[] {
  return [
    ...TEMPORAL_SDK_COUNTERS.map((name) => `temporal_${name}_total`),
    ...TEMPORAL_SDK_HISTOGRAMS.flatMap((name) => ['bucket', 'sum', 'count'].map((suffix) => `temporal_${name}_${suffix}`)),
    ...TEMPORAL_SDK_GAUGES.map((name) => `temporal_${name}`),
  ];
}
