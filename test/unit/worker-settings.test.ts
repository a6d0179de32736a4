import { ConfigError, loadConfig } from '../../config';
import { DEFAULT_WORKER_SETTINGS } from '../../config/worker-settings';

/** The case worker's capacity settings: defaults, overrides, and a clear error on a bad value. */

const dev = (env: Record<string, string> = {}) => loadConfig({ APP_PROFILE: 'dev', ...env });

describe('worker settings', () => {
  it('defaults to the measured settings', () => {
    expect(dev().worker).toEqual(DEFAULT_WORKER_SETTINGS);
  });

  it('takes every setting from the environment', () => {
    const { worker } = dev({
      WORKER_MAX_CACHED_WORKFLOWS: '250',
      WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '20',
      WORKER_MAX_CONCURRENT_ACTIVITIES: '50',
      WORKER_WORKFLOW_POLLERS: '4',
      WORKER_ACTIVITY_POLLERS: '6',
      WORKER_STICKY_QUEUE_TIMEOUT_MS: '5000',
    });
    expect(worker).toEqual({
      maxCachedWorkflows: 250,
      maxConcurrentWorkflowTaskExecutions: 20,
      maxConcurrentActivityTaskExecutions: 50,
      maxConcurrentWorkflowTaskPolls: 4,
      maxConcurrentActivityTaskPolls: 6,
      stickyQueueScheduleToStartTimeoutMs: 5_000,
    });
  });

  it('names the variable of a bad value', () => {
    expect(() => dev({ WORKER_MAX_CACHED_WORKFLOWS: 'many' })).toThrow(ConfigError);
    expect(() => dev({ WORKER_MAX_CACHED_WORKFLOWS: '0' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS must be at least 1/);
    // One sticky and one normal poller at the least.
    expect(() => dev({ WORKER_WORKFLOW_POLLERS: '1' })).toThrow(/WORKER_WORKFLOW_POLLERS must be at least 2/);
  });
});
