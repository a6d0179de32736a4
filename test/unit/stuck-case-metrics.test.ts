import { createMetrics } from '../../api/metrics';
import { silentLogger } from '../../api/logging';
import type { Db } from '../../store/database';

/**
 * `cases_stuck{reason}` and `cases_stuck_sweep_ok` on /metrics: set from the stuck-cases sweep at
 * scrape time; a sweep that fails or hangs (Temporal down) never fails or stalls the scrape, it
 * keeps the last counts and says so.
 */

// The case counters read the read model on every scrape; an empty stand-in makes them fail quietly.
const db = {} as Db;

async function scrape(stuckCases: () => Promise<Record<string, number>>) {
  const metrics = createMetrics({ db, logger: silentLogger(), cacheMs: 0, stuckCases });
  return { metrics, text: () => metrics.registry.metrics() };
}

test('the gauge carries each reason’s count and the sweep says it worked', async () => {
  const { text } = await scrape(async () => ({ 'workflow-task-failing': 2, overdue: 5 }));
  const body = await text();
  expect(body).toMatch(/^cases_stuck\{reason="workflow-task-failing"\} 2$/m);
  expect(body).toMatch(/^cases_stuck\{reason="overdue"\} 5$/m);
  expect(body).toMatch(/^cases_stuck_sweep_ok 1$/m);
});

test('a failed sweep keeps the last counts and sets cases_stuck_sweep_ok to 0', async () => {
  let fail = false;
  const { text } = await scrape(async () => {
    if (fail) throw new Error('temporal unavailable');
    return { 'workflow-task-failing': 1, overdue: 0 };
  });
  await text();
  fail = true;
  const body = await text();
  expect(body).toMatch(/^cases_stuck\{reason="workflow-task-failing"\} 1$/m);
  expect(body).toMatch(/^cases_stuck_sweep_ok 0$/m);
});

test('a sweep that hangs does not hold the scrape past its bound', async () => {
  const { text } = await scrape(() => new Promise(() => undefined));
  // The scrape answers (this test's own time-out is the bound) with the sweep marked failed.
  const body = await text();
  expect(body).toMatch(/^cases_stuck_sweep_ok 0$/m);
}, 15_000);
