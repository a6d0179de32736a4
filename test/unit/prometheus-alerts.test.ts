import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createMetrics } from '../../api/metrics';
import { silentLogger } from '../../api/logging';
import type { Db } from '../../store/database';

/**
 * The alert rules in deploy/prometheus/ load (the Prometheus config names the rules file, every
 * rule has the fields Prometheus and the on-call need) and every metric they name is one the API
 * exports: a renamed metric must not leave an alert that can never fire.
 */

const DIR = join(__dirname, '../../deploy/prometheus');

interface Rule {
  alert?: string;
  expr?: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const config = parse(readFileSync(join(DIR, 'prometheus.yml'), 'utf8')) as { rule_files?: string[]; scrape_configs?: Array<{ metrics_path?: string }> };
const rules = (config.rule_files ?? []).flatMap((file) =>
  (parse(readFileSync(join(DIR, file), 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> }).groups.flatMap((group) => group.rules),
);

/** PromQL words that are not metric names. */
const PROMQL_WORDS = new Set(['and', 'or', 'unless', 'bool', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'by', 'without']);

/** The metric names of an expression: identifiers that are not functions, keywords, labels or strings. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"[^"]*"|'[^']*'/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '');
  return [...bare.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)].map((match) => match[1] as string).filter((word) => !PROMQL_WORDS.has(word));
}

async function exportedMetricNames(): Promise<Set<string>> {
  const metrics = createMetrics({ db: {} as Db, logger: silentLogger(), cacheMs: 0, stuckCases: async () => ({ 'workflow-task-failing': 0, overdue: 0 }) });
  return new Set(metrics.registry.getMetricsAsArray().map((metric) => metric.name));
}

test('the Prometheus config scrapes /metrics and loads the alert rules', () => {
  expect(config.scrape_configs?.map((scrape) => scrape.metrics_path)).toContain('/metrics');
  expect(config.rule_files).toEqual(['alerts.yml']);
  expect(rules.map((rule) => rule.alert)).toEqual(expect.arrayContaining(['CasesStuck', 'StuckCaseSweepFailing']));
});

test('every rule has an expression, a duration, a severity and a summary', () => {
  for (const rule of rules) {
    expect({ alert: rule.alert, expr: typeof rule.expr, for: rule.for }).toEqual({
      alert: expect.any(String),
      expr: 'string',
      for: expect.stringMatching(/^\d+[smh]$/),
    });
    expect({ alert: rule.alert, severity: rule.labels?.severity, summary: typeof rule.annotations?.summary }).toEqual({
      alert: rule.alert,
      severity: expect.stringMatching(/^(page|ticket)$/),
      summary: 'string',
    });
  }
});

test('CasesStuck fires on cases_stuck above zero for ten minutes, per reason', () => {
  const rule = rules.find((candidate) => candidate.alert === 'CasesStuck');
  expect(rule?.expr).toMatch(/cases_stuck\b/);
  expect(rule?.expr).toMatch(/by \(reason\)/);
  expect(rule?.expr).toMatch(/> 0$/);
  expect(rule?.for).toBe('10m');
});

test('every metric an alert names is one the API exports', async () => {
  const exported = await exportedMetricNames();
  const named = rules.flatMap((rule) => metricNames(rule.expr ?? ''));
  expect(named).toEqual(expect.arrayContaining(['cases_stuck', 'cases_stuck_sweep_ok']));
  expect(named.filter((name) => !exported.has(name))).toEqual([]);
});
