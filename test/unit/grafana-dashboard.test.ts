import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { silentLogger } from '../../api/logging';
import { createMetrics } from '../../api/metrics';
import { TEMPORAL_SDK_COUNTERS, TEMPORAL_SDK_GAUGES, TEMPORAL_SDK_HISTOGRAMS, temporalSdkMetricNames } from '../../deploy/grafana/temporal-sdk-metrics';
import type { Db } from '../../store/database';

/**
 * The operators' dashboard (deploy/grafana/dashboards/) shows what the API and the worker export:
 * every metric a query names is one the API's registry holds or one the Temporal SDK serves, so a
 * renamed metric fails here instead of leaving an empty panel. It takes its data source from its
 * `datasource` variable (no data source id of one Grafana), and the provisioning loads it.
 */

const ROOT = join(__dirname, '../..');
const GRAFANA = join(ROOT, 'deploy/grafana');
const DASHBOARDS = join(GRAFANA, 'dashboards');

interface Target {
  refId: string;
  expr: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  templating: { list: Array<{ name: string; type: string; query?: string }> };
  panels: Panel[];
}

const dashboardFiles = readdirSync(DASHBOARDS).filter((file) => file.endsWith('.json'));
const dashboard = JSON.parse(readFileSync(join(DASHBOARDS, 'case-orchestrator.json'), 'utf8')) as Dashboard;
/** Top-level panels and those inside collapsed rows. */
const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
const queried = panels.filter((panel) => panel.type !== 'row');
const expressions = queried.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));

/** Series Prometheus makes itself for every scrape target. */
const PROMETHEUS_SERIES = ['up'];

/** PromQL words that are not metric names. */
const PROMQL_WORDS = new Set(['and', 'or', 'unless', 'bool', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'by', 'without']);

/** The metric names of an expression: identifiers that are not functions, keywords, labels, strings, ranges or Grafana variables. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"[^"]*"|'[^']*'/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\$\{?\w+\}?/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  return [...bare.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)].map((match) => match[1] as string).filter((word) => !PROMQL_WORDS.has(word));
}

/** The series names the API's /metrics holds, from its own registry (histograms as their three series). */
async function apiSeriesNames(): Promise<string[]> {
  const metrics = createMetrics({
    db: {} as Db,
    logger: silentLogger(),
    cacheMs: 0,
    stuckCases: async () => ({ 'workflow-task-failing': 0, overdue: 0 }),
    // Registers temporal_sdk_metrics_up; nothing is fetched until /metrics is served.
    temporalMetricsAddress: '127.0.0.1:9',
  });
  const described = await metrics.registry.getMetricsAsJSON();
  return described.flatMap(({ name, type }) => (String(type) === 'histogram' ? ['bucket', 'sum', 'count'].map((suffix) => `${name}_${suffix}`) : [name]));
}

test('the dashboard is one Grafana can load: a uid, a title, schema 39 or later, unique panel ids', () => {
  expect(dashboardFiles).toEqual(['case-orchestrator.json']);
  expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
  expect(dashboard.title).toBe('Case orchestrator');
  expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
  const ids = panels.map((panel) => panel.id);
  expect(ids.every((id) => Number.isInteger(id))).toBe(true);
  expect(new Set(ids).size).toBe(ids.length);
});

test('every panel queries the data source the `datasource` variable picks, never one by id', () => {
  expect(dashboard.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }));
  const expected = { type: 'prometheus', uid: '${datasource}' };
  for (const panel of queried) {
    expect({ panel: panel.title, datasource: panel.datasource }).toEqual({ panel: panel.title, datasource: expected });
    expect(panel.targets?.length).toBeGreaterThan(0);
    for (const target of panel.targets ?? [])
      expect({ panel: panel.title, datasource: target.datasource }).toEqual({ panel: panel.title, datasource: expected });
  }
  expect(JSON.stringify(dashboard)).not.toMatch(/"uid":\s*"(?!\$\{datasource\}|case-orchestrator")/);
});

test('every row the operators need is there', () => {
  expect(panels.filter((panel) => panel.type === 'row').map((panel) => panel.title)).toEqual([
    'Case intake',
    'Cases',
    'SLA',
    'Stuck cases',
    'HTTP API',
    'Temporal worker',
  ]);
  const named = expressions.flatMap(({ expr }) => metricNames(expr));
  for (const needed of [
    'cases_opened_total',
    'cases_closed_total',
    'sla_breaches_total',
    'cases_stuck',
    'webhook_requests_total',
    'http_request_duration_seconds_bucket',
    'http_request_duration_seconds_count',
    'temporal_activity_execution_failed_total',
    'temporal_workflow_task_schedule_to_start_latency_bucket',
    'temporal_workflow_task_execution_latency_bucket',
    'temporal_worker_task_slots_used',
    'temporal_sticky_cache_size',
  ]) {
    expect(named).toContain(needed);
  }
});

test('every metric a query names is one the API or the Temporal SDK exports', async () => {
  const exported = new Set([...(await apiSeriesNames()), ...temporalSdkMetricNames(), ...PROMETHEUS_SERIES]);
  const unknown = expressions.flatMap(({ panel, expr }) =>
    metricNames(expr)
      .filter((name) => !exported.has(name))
      .map((name) => `${panel}: ${name}`),
  );
  expect(unknown).toEqual([]);
});

test('the extractor finds the names a query holds and nothing else', () => {
  expect(
    metricNames('histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{status_code=~"5.."}[$__rate_interval])))'),
  ).toEqual(['http_request_duration_seconds_bucket']);
  expect(metricNames('max(sum by (instance) (a_total)) - (max(sum by (instance) (b_total)) or vector(0))')).toEqual(['a_total', 'b_total']);
  expect(metricNames('max by (type) (x) - on (type) max by (type) (y) or max by (type) (x)')).toEqual(['x', 'y', 'x']);
});

test('the Temporal SDK names are still the ones the installed Core defines', () => {
  const core = join(ROOT, 'node_modules/@temporalio/core-bridge/sdk-core/crates');
  const sources = ['sdk-core/src/telemetry/metrics.rs', 'common/src/telemetry/metrics.rs', 'client/src/metrics.rs']
    .map((file) => readFileSync(join(core, file), 'utf8'))
    .join('\n');
  const missing = [...TEMPORAL_SDK_COUNTERS, ...TEMPORAL_SDK_HISTOGRAMS, ...TEMPORAL_SDK_GAUGES].filter((name) => !sources.includes(`"${name}"`));
  expect(missing).toEqual([]);
});

test('the provisioning loads the dashboards folder and a Prometheus data source', () => {
  const providers = parse(readFileSync(join(GRAFANA, 'provisioning/dashboards/dashboards.yml'), 'utf8')) as {
    apiVersion: number;
    providers: Array<{ type: string; options: { path: string } }>;
  };
  expect(providers.apiVersion).toBe(1);
  expect(providers.providers).toHaveLength(1);
  const [provider] = providers.providers;
  expect(provider?.type).toBe('file');
  // The provider reads the container path docker-compose.yml mounts deploy/grafana/dashboards/ at.
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { volumes?: string[] }> };
  const mounts = Object.values(compose.services).flatMap((service) => service.volumes ?? []);
  expect(mounts).toContain(`./deploy/grafana/dashboards:${provider?.options.path}:ro`);

  const datasources = parse(readFileSync(join(GRAFANA, 'provisioning/datasources/prometheus.yml'), 'utf8')) as {
    apiVersion: number;
    datasources: Array<{ type: string; isDefault?: boolean }>;
  };
  expect(datasources.apiVersion).toBe(1);
  expect(datasources.datasources).toEqual([expect.objectContaining({ type: 'prometheus', isDefault: true })]);
});

// promtool (Prometheus's own checker) parses every expression when it is on the PATH: each becomes
// a recording rule of a generated rules file. Without it, the name checks above still run.
const promtool = ['promtool', '/usr/bin/promtool', '/usr/local/bin/promtool'].find((candidate) => {
  try {
    execFileSync(candidate, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

(promtool ? test : test.skip)('promtool parses every expression', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-rules-'));
  try {
    const file = join(dir, 'rules.yml');
    const rules = expressions.map(({ expr }, index) => ({ record: `dashboard:expr_${index}`, expr: expr.replaceAll('$__rate_interval', '1m') }));
    writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules }] }));
    expect(existsSync(file)).toBe(true);
    execFileSync(promtool as string, ['check', 'rules', file], { stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
