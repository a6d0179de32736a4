/**
 * The production topology's facts in one place: the full Temporal server on PostgreSQL (persistence
 * and visibility), its Web UI with the codec endpoint, and the product's API, worker and
 * simulators. The native start (`npm run start:cluster`: scripts/cluster-stack.ts and
 * scripts/temporal-server.ts) builds its processes' settings from here, and
 * test/unit/docker-compose.test.ts checks that docker-compose.yml names the same services, ports
 * and settings, so the two descriptions cannot drift apart.
 *
 * The server's own settings travel as environment variables rendered by the server into
 * deploy/temporal/config/cluster.yaml (the server's `# enable-template` mechanism, the same one
 * its Docker image uses), so the native start and the compose file feed one template.
 */

/** `go install` tags: the server and its schema tool, and the Web UI server the CLI v1.5.1 embeds. */
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
export const TEMPORAL_UI_MODULE = 'github.com/temporalio/ui-server/v2';
export const TEMPORAL_UI_VERSION = 'v2.42.1';

/** Service names (docker-compose.yml) and what each runs. */
export const SERVICES = {
  postgres: 'postgresql',
  schema: 'temporal-schema',
  temporal: 'temporal',
  setup: 'temporal-setup',
  ui: 'temporal-ui',
  simulators: 'simulators',
  worker: 'worker',
  api: 'api',
  /** Scrapes the API's /metrics and the worker's SDK metrics; evaluates deploy/prometheus/alerts.yml. */
  prometheus: 'prometheus',
  /** The operators' dashboard (deploy/grafana/), over Prometheus. */
  grafana: 'grafana',
} as const;

/** Monitoring images (docker-compose.yml only; the native start runs no monitoring). */
export const PROMETHEUS_IMAGE = 'prom/prometheus:v3.5.0';
export const GRAFANA_IMAGE = 'grafana/grafana:12.1.0';

export const TOPOLOGY = {
  /** Several shards, as in production: history work spreads over them (fixed once created). */
  historyShards: 4,
  namespace: 'default',
  taskQueue: 'cases',
  /** The Worker Deployment the case workers join (worker/deployment-version.ts). */
  deploymentName: 'cases',
  databases: {
    /** Temporal's persistence (histories, mutable state, task queues). */
    temporal: 'temporal',
    /** Temporal's SQL visibility (what search attributes query). */
    visibility: 'temporal_visibility',
    /** The product's read model, audit trail and outbox. */
    cases: 'case_orchestrator',
  },
  /** Schema sets under the server module's schema/ folder (PostgreSQL 12+ dialect). */
  schemaPlugin: 'postgres12',
  ports: {
    postgres: 5432,
    temporal: 7233,
    ui: 8080,
    api: 3000,
    simulators: 4100,
    /** A standalone worker's Temporal SDK metrics (TEMPORAL_METRICS_ADDRESS), scraped by Prometheus. */
    workerMetrics: 9464,
    prometheus: 9090,
    /** Not Grafana's own default (3000): that is the API's. */
    grafana: 3001,
  },
} as const;

/**
 * The server's other ports follow its own defaults' layout around the frontend's gRPC port
 * (7233 → history 7234, matching 7235, worker 7239, HTTP 7243, membership 6933…6939), so one
 * setting moves the whole server and two clusters on one machine never collide.
 */
export interface TemporalServerPorts {
  frontendGrpc: number;
  frontendHttp: number;
  frontendMembership: number;
  historyGrpc: number;
  historyMembership: number;
  matchingGrpc: number;
  matchingMembership: number;
  workerGrpc: number;
  workerMembership: number;
}

export function temporalServerPorts(frontendGrpc: number): TemporalServerPorts {
  // The server records membership ports in a smallint column: a port of 32768 or more stops it.
  if (frontendGrpc < 1_024 + 300 || frontendGrpc + 10 > 32_767) {
    throw new Error(`Temporal frontend port ${frontendGrpc} is out of range: the cluster needs ${frontendGrpc - 300}…${frontendGrpc + 10} within 1024…32767`);
  }
  return {
    frontendGrpc,
    frontendHttp: frontendGrpc + 10,
    frontendMembership: frontendGrpc - 300,
    historyGrpc: frontendGrpc + 1,
    historyMembership: frontendGrpc - 299,
    matchingGrpc: frontendGrpc + 2,
    matchingMembership: frontendGrpc - 298,
    workerGrpc: frontendGrpc + 6,
    workerMembership: frontendGrpc - 294,
  };
}

export interface PostgresEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface TemporalServerSettings {
  ports: TemporalServerPorts;
  postgres: PostgresEndpoint;
  databases: { temporal: string; visibility: string };
  historyShards: number;
  /** Interface the services listen on; 0.0.0.0 in a container. */
  bindIp: string;
  /** Dynamic config file the server polls (absolute, or relative to its working directory). */
  dynamicConfigFile: string;
}

/** The variables deploy/temporal/config/cluster.yaml reads (names as in Temporal's Docker image). */
export function temporalServerEnv(settings: TemporalServerSettings): Record<string, string> {
  const { ports, postgres } = settings;
  return {
    DB: TOPOLOGY.schemaPlugin,
    POSTGRES_SEEDS: postgres.host,
    DB_PORT: String(postgres.port),
    POSTGRES_USER: postgres.user,
    POSTGRES_PWD: postgres.password,
    DBNAME: settings.databases.temporal,
    VISIBILITY_DBNAME: settings.databases.visibility,
    NUM_HISTORY_SHARDS: String(settings.historyShards),
    BIND_ON_IP: settings.bindIp,
    FRONTEND_GRPC_PORT: String(ports.frontendGrpc),
    FRONTEND_HTTP_PORT: String(ports.frontendHttp),
    FRONTEND_MEMBERSHIP_PORT: String(ports.frontendMembership),
    HISTORY_GRPC_PORT: String(ports.historyGrpc),
    HISTORY_MEMBERSHIP_PORT: String(ports.historyMembership),
    MATCHING_GRPC_PORT: String(ports.matchingGrpc),
    MATCHING_MEMBERSHIP_PORT: String(ports.matchingMembership),
    WORKER_GRPC_PORT: String(ports.workerGrpc),
    WORKER_MEMBERSHIP_PORT: String(ports.workerMembership),
    DYNAMIC_CONFIG_FILE_PATH: settings.dynamicConfigFile,
  };
}

export interface UiSettings {
  temporalAddress: string;
  port: number;
  namespace: string;
  /** The API's codec endpoint (`<api>/codec`): the UI posts payloads there to show them decoded. */
  codecEndpoint: string;
  /** Origins the UI is reached at (its own CORS allow-list). */
  origins: string[];
  /**
   * Send the signed-in user's access token to the codec endpoint. Only meaningful with the UI's
   * own sign-in (OIDC) switched on; without it there is no token to pass.
   */
  passAccessToken: boolean;
}

/** The variables the Web UI server's config template (its Docker image's) reads. */
export function uiServerEnv(settings: UiSettings): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: settings.temporalAddress,
    TEMPORAL_UI_PORT: String(settings.port),
    TEMPORAL_DEFAULT_NAMESPACE: settings.namespace,
    TEMPORAL_CORS_ORIGINS: settings.origins.join(','),
    TEMPORAL_CODEC_ENDPOINT: settings.codecEndpoint,
    TEMPORAL_CODEC_PASS_ACCESS_TOKEN: String(settings.passAccessToken),
    // The codec endpoint authenticates with a bearer token, not cookies: no cross-site credentials.
    TEMPORAL_CODEC_INCLUDE_CREDENTIALS: 'false',
    TEMPORAL_NOTIFY_ON_NEW_VERSION: 'false',
  };
}

interface AppSettings {
  temporalAddress: string;
  databaseUrl: string;
  simulatorsUrl: string;
  temporalUiUrl: string;
}

/** What the API and the worker share: where Temporal, PostgreSQL and the outside systems are. */
function appEnv(settings: AppSettings): Record<string, string> {
  const sim = settings.simulatorsUrl.replace(/\/+$/, '');
  return {
    TEMPORAL_ADDRESS: settings.temporalAddress,
    TEMPORAL_NAMESPACE: TOPOLOGY.namespace,
    TEMPORAL_TASK_QUEUE: TOPOLOGY.taskQueue,
    TEMPORAL_UI_URL: settings.temporalUiUrl,
    DATABASE_URL: settings.databaseUrl,
    CARRIER_API_URL: `${sim}/carrier`,
    SMS_API_URL: `${sim}/sms`,
    WECOM_API_URL: `${sim}/wecom`,
    INAPP_API_URL: `${sim}/inapp`,
    WMS_API_URL: `${sim}/wms`,
    PAYMENTS_API_URL: `${sim}/payments`,
    OMS_API_URL: `${sim}/oms`,
  };
}

// --- docker-compose.yml ------------------------------------------------------------------------

/**
 * The same topology in containers: services reach each other by service name on the compose
 * network, a browser reaches the published ports on localhost (the Web UI calls the codec endpoint
 * from the browser, so it names the API's published port). Dev credentials: the compose file is the
 * demonstration topology; production sets APP_PROFILE=production and real secrets.
 */
const COMPOSE_POSTGRES: PostgresEndpoint = { host: SERVICES.postgres, port: TOPOLOGY.ports.postgres, user: 'postgres', password: 'postgres' };
const COMPOSE_TEMPORAL_ADDRESS = `${SERVICES.temporal}:${TOPOLOGY.ports.temporal}`;
const COMPOSE_UI_URL = `http://localhost:${TOPOLOGY.ports.ui}`;
const COMPOSE_API_URL = `http://localhost:${TOPOLOGY.ports.api}`;
/**
 * The Web UI cannot send the API's bearer tokens, so it decodes through the codec's secret path
 * (api/codec-server.ts). A documented dev value, like the compose file's other credentials.
 */
const COMPOSE_CODEC_UI_SECRET = 'compose-dev-codec-ui-secret-change-me';
/** Where the Prometheus container finds deploy/prometheus/ (its config and alert rules). */
export const COMPOSE_PROMETHEUS_CONFIG_DIR = '/etc/prometheus';
/** Where the Grafana container finds deploy/grafana/provisioning/ and deploy/grafana/dashboards/. */
export const COMPOSE_GRAFANA_PROVISIONING_DIR = '/etc/grafana/provisioning';
export const COMPOSE_GRAFANA_DASHBOARDS_DIR = '/var/lib/grafana/dashboards';
/** Where the Temporal containers find deploy/temporal/ (mounted read-only). */
export const COMPOSE_TEMPORAL_CONFIG_DIR = '/etc/temporal/cluster-config';
export const COMPOSE_TEMPORAL_DYNAMIC_CONFIG = '/etc/temporal/cluster-dynamicconfig/cluster.yaml';

/** Each service's environment as docker-compose.yml must set it (test/unit/docker-compose.test.ts). */
export function composeEnvironments(): Record<(typeof SERVICES)[keyof typeof SERVICES], Record<string, string>> {
  const server = temporalServerEnv({
    ports: temporalServerPorts(TOPOLOGY.ports.temporal),
    postgres: COMPOSE_POSTGRES,
    databases: { temporal: TOPOLOGY.databases.temporal, visibility: TOPOLOGY.databases.visibility },
    historyShards: TOPOLOGY.historyShards,
    bindIp: '0.0.0.0',
    dynamicConfigFile: COMPOSE_TEMPORAL_DYNAMIC_CONFIG,
  });
  const app = {
    APP_PROFILE: 'dev',
    ...appEnv({
      temporalAddress: COMPOSE_TEMPORAL_ADDRESS,
      databaseUrl: `postgres://${COMPOSE_POSTGRES.user}:${COMPOSE_POSTGRES.password}@${COMPOSE_POSTGRES.host}:${COMPOSE_POSTGRES.port}/${TOPOLOGY.databases.cases}`,
      simulatorsUrl: `http://${SERVICES.simulators}:${TOPOLOGY.ports.simulators}`,
      temporalUiUrl: COMPOSE_UI_URL,
    }),
  };
  return {
    [SERVICES.postgres]: { POSTGRES_USER: COMPOSE_POSTGRES.user, POSTGRES_PASSWORD: COMPOSE_POSTGRES.password, POSTGRES_DB: TOPOLOGY.databases.cases },
    [SERVICES.schema]: pick(server, ['DB', 'POSTGRES_SEEDS', 'DB_PORT', 'POSTGRES_USER', 'POSTGRES_PWD', 'DBNAME', 'VISIBILITY_DBNAME']),
    [SERVICES.temporal]: server,
    [SERVICES.setup]: { TEMPORAL_ADDRESS: COMPOSE_TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE: TOPOLOGY.namespace },
    [SERVICES.ui]: uiServerEnv({
      temporalAddress: COMPOSE_TEMPORAL_ADDRESS,
      port: TOPOLOGY.ports.ui,
      namespace: TOPOLOGY.namespace,
      codecEndpoint: `${COMPOSE_API_URL}/codec/ui/${COMPOSE_CODEC_UI_SECRET}`,
      origins: [COMPOSE_UI_URL],
      passAccessToken: false,
    }),
    [SERVICES.simulators]: { SIMULATORS_HOST: '0.0.0.0', SIMULATORS_PORT: String(TOPOLOGY.ports.simulators) },
    // The standalone worker serves the SDK's metrics itself, on every interface so Prometheus
    // reaches it over the compose network; the API runs without a worker, so it appends none.
    // The worker is a version of the deployment, its build id the hash of the workflow code in the
    // image; in this one-worker demonstration it makes itself current at start (a rollout sets
    // WORKER_PROMOTE=manual and promotes with `ops versions promote`, docs/operations.md).
    [SERVICES.worker]: {
      ...app,
      TEMPORAL_METRICS_ADDRESS: `0.0.0.0:${TOPOLOGY.ports.workerMetrics}`,
      TEMPORAL_DEPLOYMENT_NAME: TOPOLOGY.deploymentName,
      WORKER_PROMOTE: 'on-start',
    },
    [SERVICES.api]: { ...app, HOST: '0.0.0.0', PORT: String(TOPOLOGY.ports.api), CODEC_UI_SECRET: COMPOSE_CODEC_UI_SECRET },
    [SERVICES.prometheus]: {},
    [SERVICES.grafana]: grafanaEnv(),
  };
}

/**
 * Grafana in the compose file: read-only and without any account. Visitors are anonymous viewers;
 * no admin user is created and the login form is off, so there is no password to leave at a
 * default. The dashboard and the data source are provisioned from deploy/grafana/ and cannot be
 * changed in the UI: change the JSON in the repository.
 */
function grafanaEnv(): Record<string, string> {
  return {
    GF_SERVER_HTTP_PORT: String(TOPOLOGY.ports.grafana),
    GF_AUTH_ANONYMOUS_ENABLED: 'true',
    GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer',
    GF_AUTH_DISABLE_LOGIN_FORM: 'true',
    GF_AUTH_BASIC_ENABLED: 'false',
    GF_SECURITY_DISABLE_INITIAL_ADMIN_CREATION: 'true',
    GF_USERS_ALLOW_SIGN_UP: 'false',
    GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: `${COMPOSE_GRAFANA_DASHBOARDS_DIR}/case-orchestrator.json`,
    GF_ANALYTICS_REPORTING_ENABLED: 'false',
    GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
  };
}

function pick(env: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.map((key) => [key, env[key] as string]));
}
