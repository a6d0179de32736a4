import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import {
  COMPOSE_GRAFANA_DASHBOARDS_DIR,
  COMPOSE_GRAFANA_PROVISIONING_DIR,
  COMPOSE_PROMETHEUS_CONFIG_DIR,
  COMPOSE_TEMPORAL_CONFIG_DIR,
  COMPOSE_TEMPORAL_DYNAMIC_CONFIG,
  composeEnvironments,
  GRAFANA_IMAGE,
  PROMETHEUS_IMAGE,
  SERVICES,
  TEMPORAL_SERVER_VERSION,
  TEMPORAL_UI_VERSION,
  TOPOLOGY,
} from '../../deploy/topology';
import { DYNAMIC_CONFIG_FILE, SERVER_CONFIG_DIR, SERVER_CONFIG_ENV } from '../../scripts/temporal-server';

/**
 * docker-compose.yml describes the topology `npm run start:cluster` runs natively; both must name
 * the same services, ports and settings. The native start takes them from deploy/topology.ts, so
 * the compose file is checked against that module, value by value.
 */

const ROOT = resolve(__dirname, '../..');

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  volumes?: string[];
  entrypoint?: string | string[];
  command?: string | string[];
  depends_on?: Record<string, { condition: string }>;
}

// merge: the file shares environment blocks between services with YAML anchors and `<<`.
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
};
const environment = (name: string) => Object.fromEntries(Object.entries(service(name).environment ?? {}).map(([key, value]) => [key, String(value)]));

test('the compose file runs exactly the topology’s services', () => {
  expect(Object.keys(compose.services).sort()).toEqual(Object.values(SERVICES).sort());
});

test.each(Object.entries(composeEnvironments()))('%s gets the environment the topology gives it', (name, expected) => {
  expect(environment(name)).toEqual(expected);
});

test('each service publishes the topology’s port', () => {
  const published: Array<[string, number]> = [
    [SERVICES.postgres, TOPOLOGY.ports.postgres],
    [SERVICES.temporal, TOPOLOGY.ports.temporal],
    [SERVICES.ui, TOPOLOGY.ports.ui],
    [SERVICES.api, TOPOLOGY.ports.api],
    [SERVICES.simulators, TOPOLOGY.ports.simulators],
  ];
  for (const [name, port] of published) expect({ name, ports: service(name).ports }).toEqual({ name, ports: [`${port}:${port}`] });
  // Prometheus and Grafana answer without authentication: this machine only.
  const local: Array<[string, number]> = [
    [SERVICES.prometheus, TOPOLOGY.ports.prometheus],
    [SERVICES.grafana, TOPOLOGY.ports.grafana],
  ];
  for (const [name, port] of local) expect({ name, ports: service(name).ports }).toEqual({ name, ports: [`127.0.0.1:${port}:${port}`] });
});

test('the cluster has the topology’s shards and databases, and the server the same config template as the native start', () => {
  const temporal = environment(SERVICES.temporal);
  expect(temporal.NUM_HISTORY_SHARDS).toBe(String(TOPOLOGY.historyShards));
  expect([temporal.DBNAME, temporal.VISIBILITY_DBNAME]).toEqual([TOPOLOGY.databases.temporal, TOPOLOGY.databases.visibility]);
  expect(environment(SERVICES.postgres).POSTGRES_DB).toBe(TOPOLOGY.databases.cases);

  const volumes = service(SERVICES.temporal).volumes ?? [];
  expect(volumes).toContain(`./${SERVER_CONFIG_DIR}:${COMPOSE_TEMPORAL_CONFIG_DIR}:ro`);
  expect(volumes).toContain(`./deploy/temporal/dynamicconfig:${COMPOSE_TEMPORAL_DYNAMIC_CONFIG.replace(/\/[^/]+$/, '')}:ro`);
  expect(DYNAMIC_CONFIG_FILE.endsWith(`deploy/temporal/dynamicconfig/${COMPOSE_TEMPORAL_DYNAMIC_CONFIG.split('/').at(-1)}`)).toBe(true);
  const entrypoint = [service(SERVICES.temporal).entrypoint ?? []].flat().join(' ');
  expect(entrypoint).toContain(`--config ${COMPOSE_TEMPORAL_CONFIG_DIR.split('/').at(-1)} --env ${SERVER_CONFIG_ENV}`);
  expect(existsSync(join(ROOT, SERVER_CONFIG_DIR, `${SERVER_CONFIG_ENV}.yaml`))).toBe(true);
});

test('the images are the versions the native start builds', () => {
  const plain = (version: string) => version.replace(/^v/, '');
  expect(service(SERVICES.temporal).image).toBe(`temporalio/server:${plain(TEMPORAL_SERVER_VERSION)}`);
  expect(service(SERVICES.schema).image).toMatch(new RegExp(`^temporalio/admin-tools:${plain(TEMPORAL_SERVER_VERSION)}\\b`));
  expect(service(SERVICES.ui).image).toBe(`temporalio/ui:${plain(TEMPORAL_UI_VERSION)}`);
});

test('the API, the worker, the simulators and the set-up step run from the image the Dockerfile builds', () => {
  const built = Object.entries(compose.services).filter(([, definition]) => definition.build);
  expect(built.map(([name]) => name).sort()).toEqual([SERVICES.api, SERVICES.setup, SERVICES.simulators, SERVICES.worker].sort());
  expect(new Set(built.map(([, definition]) => definition.build))).toEqual(new Set(['.']));
  const image = service(SERVICES.setup).image;
  const entries: Record<string, string> = {
    [SERVICES.api]: 'api/main.ts',
    [SERVICES.worker]: 'worker/main.ts',
    [SERVICES.simulators]: 'simulators/main.ts',
    [SERVICES.setup]: 'platform/ensure-namespace-cli.ts',
  };
  for (const [name, entry] of Object.entries(entries)) {
    expect({ name, image: service(name).image, command: service(name).command }).toEqual({ name, image, command: ['node_modules/.bin/tsx', entry] });
    expect(existsSync(join(ROOT, entry))).toBe(true);
  }
  expect(existsSync(join(ROOT, 'Dockerfile'))).toBe(true);
});

const conditions = (name: string) => Object.fromEntries(Object.entries(service(name).depends_on ?? {}).map(([on, { condition }]) => [on, condition]));

test('start-up order: schema before the server, namespace set-up before the UI and the product', () => {
  expect(conditions(SERVICES.temporal)).toEqual({ [SERVICES.schema]: 'service_completed_successfully' });
  expect(conditions(SERVICES.setup)).toEqual({ [SERVICES.temporal]: 'service_healthy' });
  for (const name of [SERVICES.ui, SERVICES.api, SERVICES.worker]) {
    expect(conditions(name)[SERVICES.setup]).toBe('service_completed_successfully');
  }
});

describe('monitoring: Prometheus and Grafana', () => {
  interface ScrapeConfig {
    job_name: string;
    metrics_path?: string;
    static_configs?: Array<{ targets: string[] }>;
  }
  const prometheusDir = join(ROOT, 'deploy/prometheus');
  const prometheus = parse(readFileSync(join(prometheusDir, 'prometheus.yml'), 'utf8')) as { rule_files?: string[]; scrape_configs: ScrapeConfig[] };
  const targets = (job: string) => prometheus.scrape_configs.find((scrape) => scrape.job_name === job)?.static_configs?.flatMap((config) => config.targets);

  test('the images are pinned versions of the official ones', () => {
    expect(service(SERVICES.prometheus).image).toBe(PROMETHEUS_IMAGE);
    expect(service(SERVICES.grafana).image).toBe(GRAFANA_IMAGE);
    expect(PROMETHEUS_IMAGE).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(GRAFANA_IMAGE).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
  });

  test('Prometheus scrapes the API and the worker where the compose file runs them', () => {
    expect(targets('case-api')).toEqual([`${SERVICES.api}:${TOPOLOGY.ports.api}`]);
    expect(targets('case-worker')).toEqual([`${SERVICES.worker}:${TOPOLOGY.ports.workerMetrics}`]);
    expect(prometheus.scrape_configs.map((scrape) => scrape.metrics_path)).toEqual(['/metrics', '/metrics']);
    // The worker serves the SDK's metrics on every interface at that port; the API runs no worker
    // and appends none, so nothing is scraped twice.
    expect(environment(SERVICES.worker).TEMPORAL_METRICS_ADDRESS).toBe(`0.0.0.0:${TOPOLOGY.ports.workerMetrics}`);
    expect(environment(SERVICES.api).TEMPORAL_METRICS_ADDRESS).toBeUndefined();
    expect(conditions(SERVICES.prometheus)).toEqual({ [SERVICES.api]: 'service_started', [SERVICES.worker]: 'service_started' });
  });

  test('Prometheus reads deploy/prometheus/ (its config and the alert rules it names)', () => {
    expect(service(SERVICES.prometheus).volumes).toContain(`./deploy/prometheus:${COMPOSE_PROMETHEUS_CONFIG_DIR}:ro`);
    for (const file of prometheus.rule_files ?? []) expect(existsSync(join(prometheusDir, file))).toBe(true);
  });

  test('Grafana gets the provisioning and the dashboards, and its data source is the compose file’s Prometheus', () => {
    const volumes = service(SERVICES.grafana).volumes ?? [];
    expect(volumes).toContain(`./deploy/grafana/provisioning:${COMPOSE_GRAFANA_PROVISIONING_DIR}:ro`);
    expect(volumes).toContain(`./deploy/grafana/dashboards:${COMPOSE_GRAFANA_DASHBOARDS_DIR}:ro`);
    const datasources = parse(readFileSync(join(ROOT, 'deploy/grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as {
      datasources: Array<{ type: string; url: string }>;
    };
    expect(datasources.datasources).toEqual([
      expect.objectContaining({ type: 'prometheus', url: `http://${SERVICES.prometheus}:${TOPOLOGY.ports.prometheus}` }),
    ]);
    expect(conditions(SERVICES.grafana)).toEqual({ [SERVICES.prometheus]: 'service_started' });
  });

  test('Grafana has no account to guess: anonymous viewers, no admin user, no login', () => {
    const grafana = environment(SERVICES.grafana);
    expect(grafana).toMatchObject({
      GF_AUTH_ANONYMOUS_ENABLED: 'true',
      GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer',
      GF_SECURITY_DISABLE_INITIAL_ADMIN_CREATION: 'true',
      GF_AUTH_DISABLE_LOGIN_FORM: 'true',
      GF_AUTH_BASIC_ENABLED: 'false',
    });
    expect(Object.keys(grafana).filter((key) => /PASSWORD|SECRET|TOKEN/.test(key))).toEqual([]);
    expect(
      existsSync(grafana.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH?.replace(COMPOSE_GRAFANA_DASHBOARDS_DIR, join(ROOT, 'deploy/grafana/dashboards')) ?? ''),
    ).toBe(true);
  });
});
