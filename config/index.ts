import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
import type { SlaPolicy } from '../domain/sla-policy';
import { ROLES, type Role } from '../domain/types';
import { ConfigError } from './errors';
import { DEFAULT_SLA_POLICY_FILE, loadSlaPolicy } from './sla-policy';
import { DEV_PAYLOAD_CODEC_KEYS, holdsDevPayloadKey, parsePayloadKeyRing, type PayloadKeyRing } from './payload-keys';
import { loadPlatformSettings, type PlatformSettings } from './platform';
import { loadStuckCaseSettings, type StuckCaseSettings } from './stuck-cases';
import { loadWorkerSettings, type WorkerSettings } from './worker-settings';
import { loadWorkerDeploymentSettings, type WorkerDeploymentSettings } from './worker-deployment';
import { loadWatchlistPolicy } from './watchlist-policy';
import { checkTokensAgainstPeople, DEFAULT_PEOPLE_FILE, loadPeopleDirectory, type PeopleDirectory } from './people';
import type { WatchlistPolicy } from '../domain/watchlist';

export { ConfigError } from './errors';

/** The dev server's Web UI (`temporal server start-dev` serves it on 8233). */
const DEFAULT_TEMPORAL_UI_URL = 'http://127.0.0.1:8233';

/** The case's page in the Temporal Web UI (its latest run; the workflow id is the case id). */
export function temporalUiLink(config: Pick<AppConfig, 'temporal' | 'temporalUiUrl'>, workflowId: string): string {
  const base = (config.temporalUiUrl ?? DEFAULT_TEMPORAL_UI_URL).replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/**
 * The one configuration of the product, read from the environment (names in docs/configuration.md are
 * contract). Every process (API, worker, dev stack) calls loadConfig() once at start; a bad value
 * stops start-up with a message that names the variable.
 */

type Profile = 'dev' | 'production';

export interface ApiToken {
  token: string;
  role: Role;
  /**
   * The principal's id as written to the audit trail and shown as an assignee: the role and a
   * name given in API_TOKENS (`role:name:token`), or else a short hash of the token. Never token
   * characters: ids are shown to everyone who reads a case.
   */
  principal: string;
}

export interface AppConfig {
  profile: Profile;
  port: number;
  /** Interface the dev stack's API listens on (HOST; 127.0.0.1 unless told otherwise). */
  host: string;
  /** Undefined: find a local server or start an embedded one (dev stack only). */
  databaseUrl?: string;
  temporal: { address: string; namespace: string; taskQueue: string };
  /** TEMPORAL_UI_URL: base of the Temporal Web UI, for links from case histories and audit exports. */
  temporalUiUrl?: string;
  apiTokens: ApiToken[];
  /** PEOPLE_FILE: teams and people, their skills and capacity (config/people.ts, docs/queue.md). */
  people: PeopleDirectory;
  /**
   * `supplier` is the key from which each supplier's own webhook secret is derived
   * (supplierWebhookSecret below), or '' when every supplier is listed in supplierWebhookSecrets.
   */
  webhookSecrets: { generic: string; kuaidi100: string; aftership: string; supplier: string };
  /** SUPPLIER_WEBHOOK_SECRETS: supplier id → that supplier's own webhook secret. */
  supplierWebhookSecrets: Record<string, string>;
  /** How often the API's redelivery sweeper runs (ms); 0 switches it off. */
  redeliveryIntervalMs: number;
  slaPolicyFile: string;
  slaTimeScale: number;
  slaPolicy: SlaPolicy;
  /** The policy file's `watchlist` section, resolved and scaled (config/watchlist-policy.ts). */
  watchlist: WatchlistPolicy;
  payloadEncryptionKey: string;
  /** PAYLOAD_CODEC_KEYS / PAYLOAD_CODEC_KEY_ID: the Temporal payload codec's keys (config/payload-keys.ts). */
  payloadCodec: PayloadKeyRing;
  /** The remote codec endpoint (`/codec`) the Temporal UI decodes through (api/codec-server.ts). */
  codecServer: CodecServerConfig;
  /** Base URLs of the external systems (the simulators in the dev stack). */
  endpoints: { carrier: string; sms: string; wecom: string; inapp: string; wms: string; payments: string; oms: string };
  simulatorsPort: number;
  /** WeCom group-bot key of the operations group that hears about escalations. */
  opsWecomKey: string;
  /**
   * Continue a case as new once a run's history reaches this many events, besides whenever
   * Temporal suggests it. Unset: only on Temporal's suggestion.
   */
  caseHistoryLimit?: number;
  /**
   * Credentials of the carrier dialects. A dialect left unconfigured (production, none of its
   * variables set) is absent, and its carriers go through the generic open API.
   */
  carrierCredentials: CarrierCredentials;
  /** Logging, rate limits and metrics (config/platform.ts). */
  platform: PlatformSettings;
  /** When a case counts as stuck (config/stuck-cases.ts, docs/stuck-cases.md). */
  stuckCases: StuckCaseSettings;
  /** The case worker's cache, concurrency and pollers (config/worker-settings.ts). */
  worker: WorkerSettings;
  /** The Worker Deployment, build id and promotion policy of the case worker (config/worker-deployment.ts). */
  deployment: WorkerDeploymentSettings;
}

interface CodecServerConfig {
  /** Origins whose pages may call `/codec` from a browser (CORS): the Temporal UI's. */
  allowedOrigins: string[];
  /**
   * CODEC_UI_SECRET: when set, `/codec/ui/<secret>/{encode,decode}` answers without a bearer
   * token, as the principal `supervisor:temporal-ui`. The Temporal UI cannot send this API's
   * tokens, so this is how a UI that only trusted people can open gets decoded payloads.
   */
  uiSecret?: string;
}

interface SfCredentials {
  partnerId: string;
  checkWord: string;
}

interface JdCredentials {
  appKey: string;
  appSecret: string;
  accessToken: string;
  /** 商家編碼: vendorCode of intercepts, customerCode of trace queries. */
  customerCode: string;
}

interface Kuaidi100Credentials {
  customer: string;
  key: string;
  secret: string;
}

export interface CarrierCredentials {
  sf?: SfCredentials;
  jd?: JdCredentials;
  kuaidi100?: Kuaidi100Credentials;
}

/** Dev credentials: documented in the README, refused outside the dev profile. */
/** The staff tokens are named after the dev people of config/people.default.json (`agent:dev.agent`). */
export const DEV_API_TOKENS =
  'agent:dev.agent:dev-agent-token,supervisor:dev.supervisor:dev-supervisor-token,expert:dev.expert:dev-expert-token,auditor:dev-auditor-token,system:dev-system-token';
export const DEV_WEBHOOK_SECRET = 'dev-webhook-secret';
/** Dev secret of the supplier reply webhook (`POST /v1/webhooks/supplier/{supplierId}`). */
const DEV_SUPPLIER_WEBHOOK_SECRET = 'dev-supplier-webhook-secret';
/** Dev per-supplier webhook secrets (`supplierId:secret`, comma-separated, as SUPPLIER_WEBHOOK_SECRETS). */
const DEV_SUPPLIER_WEBHOOK_SECRETS = 'SUP-DEV-1:dev-supplier-1-webhook-secret,SUP-DEV-2:dev-supplier-2-webhook-secret';
export const DEV_PAYLOAD_KEY = 'dev-payload-key-0123456789abcdef0123456789abcdef';
/** docker-compose.yml's codec UI secret (temporal-ui's codec endpoint and the API's CODEC_UI_SECRET). */
const DEV_CODEC_UI_SECRET = 'compose-dev-codec-ui-secret-change-me';
/** Dev carrier credentials: the simulators' defaults (SIM_SF_CHECKWORD, SIM_KUAIDI100_KEY, ...). */
export const DEV_CARRIER_CREDENTIALS = {
  SF_PARTNER_ID: 'sf-dev-partner',
  SF_CHECKWORD: 'sf-dev-checkword',
  JD_APP_KEY: 'jd-dev-app-key',
  JD_APP_SECRET: 'jd-dev-app-secret',
  JD_ACCESS_TOKEN: 'jd-dev-access-token',
  JD_CUSTOMER_CODE: 'jd-dev-customer',
  KUAIDI100_CUSTOMER: 'kd100-dev-customer',
  KUAIDI100_KEY: 'kd100-dev-key',
  KUAIDI100_SECRET: 'kd100-dev-secret',
} as const;
type CarrierCredentialName = keyof typeof DEV_CARRIER_CREDENTIALS;

const port = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a port number` })
    .int(`${name} must be a whole number`)
    .min(0, `${name} must be between 0 and 65535`)
    .max(65535, `${name} must be between 0 and 65535`);

const url = (name: string) => z.url({ error: `${name} must be an http(s) URL` });

const envSchema = z.object({
  APP_PROFILE: z.enum(['dev', 'production'], { error: 'APP_PROFILE must be "dev" or "production"' }).optional(),
  NODE_ENV: z.string().optional(),
  PORT: port('PORT').default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// or postgresql:// URL')
    .optional(),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[\w.-]+:\d+$/, 'TEMPORAL_ADDRESS must be host:port, e.g. 127.0.0.1:7233')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1, 'TEMPORAL_NAMESPACE must not be empty').default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1, 'TEMPORAL_TASK_QUEUE must not be empty').default('cases'),
  TEMPORAL_UI_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'TEMPORAL_UI_URL must be an http(s) URL, e.g. http://127.0.0.1:8233')
    .optional(),
  API_TOKENS: z.string().optional(),
  WEBHOOK_SECRET_GENERIC: z.string().min(8, 'WEBHOOK_SECRET_GENERIC must be at least 8 characters').optional(),
  WEBHOOK_SECRET_KUAIDI100: z.string().min(8, 'WEBHOOK_SECRET_KUAIDI100 must be at least 8 characters').optional(),
  WEBHOOK_SECRET_AFTERSHIP: z.string().min(8, 'WEBHOOK_SECRET_AFTERSHIP must be at least 8 characters').optional(),
  WEBHOOK_SECRET_SUPPLIER: z.string().min(8, 'WEBHOOK_SECRET_SUPPLIER must be at least 8 characters').optional(),
  SUPPLIER_WEBHOOK_SECRETS: z.string().optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  INBOUND_REDELIVERY_INTERVAL_MS: z.coerce
    .number({ error: 'INBOUND_REDELIVERY_INTERVAL_MS must be a number of milliseconds' })
    .int('INBOUND_REDELIVERY_INTERVAL_MS must be a whole number')
    .min(0, 'INBOUND_REDELIVERY_INTERVAL_MS must be 0 (off) or more')
    .default(15_000),
  SLA_POLICY_FILE: z.string().min(1).optional(),
  PEOPLE_FILE: z.string().min(1).optional(),
  SLA_TIME_SCALE: z.coerce
    .number({ error: 'SLA_TIME_SCALE must be a number, e.g. 0.001' })
    .positive('SLA_TIME_SCALE must be greater than 0')
    .max(1000, 'SLA_TIME_SCALE must be at most 1000')
    .default(1),
  PAYLOAD_ENCRYPTION_KEY: z.string().min(32, 'PAYLOAD_ENCRYPTION_KEY must be at least 32 characters').optional(),
  PAYLOAD_CODEC_KEYS: z.string().optional(),
  PAYLOAD_CODEC_KEY_ID: z.string().optional(),
  CODEC_ALLOWED_ORIGINS: z
    .string()
    .regex(
      /^https?:\/\/[^\s/,]+(,\s*https?:\/\/[^\s/,]+)*$/,
      'CODEC_ALLOWED_ORIGINS must be origins such as http://127.0.0.1:8233, comma-separated, without paths',
    )
    .optional(),
  CODEC_UI_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{32,128}$/, 'CODEC_UI_SECRET must be 32–128 letters, digits, "_" or "-" (it is a URL path segment)')
    .optional(),
  SIMULATORS_PORT: port('SIMULATORS_PORT').default(4100),
  CARRIER_API_URL: url('CARRIER_API_URL').optional(),
  SMS_API_URL: url('SMS_API_URL').optional(),
  WECOM_API_URL: url('WECOM_API_URL').optional(),
  INAPP_API_URL: url('INAPP_API_URL').optional(),
  WMS_API_URL: url('WMS_API_URL').optional(),
  PAYMENTS_API_URL: url('PAYMENTS_API_URL').optional(),
  OMS_API_URL: url('OMS_API_URL').optional(),
  OPS_WECOM_KEY: z.string().min(1).default('ops-escalations'),
  CASE_HISTORY_LIMIT: z.coerce
    .number({ error: 'CASE_HISTORY_LIMIT must be a number of history events' })
    .int('CASE_HISTORY_LIMIT must be a whole number')
    .min(100, 'CASE_HISTORY_LIMIT must be at least 100 events')
    .optional(),
  SF_PARTNER_ID: z.string().min(1).optional(),
  SF_CHECKWORD: z.string().min(8, 'SF_CHECKWORD must be at least 8 characters').optional(),
  JD_APP_KEY: z.string().min(1).optional(),
  JD_APP_SECRET: z.string().min(8, 'JD_APP_SECRET must be at least 8 characters').optional(),
  JD_ACCESS_TOKEN: z.string().min(8, 'JD_ACCESS_TOKEN must be at least 8 characters').optional(),
  JD_CUSTOMER_CODE: z.string().min(1).optional(),
  KUAIDI100_CUSTOMER: z.string().min(1).optional(),
  KUAIDI100_KEY: z.string().min(8, 'KUAIDI100_KEY must be at least 8 characters').optional(),
  KUAIDI100_SECRET: z.string().min(8, 'KUAIDI100_SECRET must be at least 8 characters').optional(),
});

/** A principal id that says who without saying anything about the token: 12 hex of its SHA-256. */
export function tokenPrincipal(role: string, token: string): string {
  return `${role}:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
}

const PRINCIPAL_NAME = /^[a-z][a-z0-9_.-]{0,31}$/;

/**
 * Parses `role:token,role:name:token`. The principal id is `role:name` when a name is given
 * (lower-case letters, digits, `_.-`, starting with a letter), else `role:<12 hex of SHA-256 of
 * the token>` — never the token's own characters.
 */
export function parseApiTokens(text: string): ApiToken[] {
  const tokens: ApiToken[] = [];
  for (const [index, pair] of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .entries()) {
    const separator = pair.indexOf(':');
    const role = pair.slice(0, separator);
    let token = pair.slice(separator + 1);
    let name: string | undefined;
    const second = token.indexOf(':');
    if (second > 0 && PRINCIPAL_NAME.test(token.slice(0, second)) && token.length - second - 1 >= 8) {
      name = token.slice(0, second);
      token = token.slice(second + 1);
    }
    if (separator <= 0 || !token) {
      throw new ConfigError(`API_TOKENS: entry ${index + 1} ("${pair.slice(0, 20)}") must be role:token`);
    }
    if (!(ROLES as readonly string[]).includes(role)) {
      throw new ConfigError(`API_TOKENS: entry ${index + 1} has unknown role "${role}" (roles: ${ROLES.join(', ')})`);
    }
    if (token.length < 8) throw new ConfigError(`API_TOKENS: the token of entry ${index + 1} is shorter than 8 characters`);
    if (tokens.some((existing) => existing.token === token)) {
      throw new ConfigError(`API_TOKENS: entry ${index + 1} repeats a token already given`);
    }
    const principal = name ? `${role}:${name}` : tokenPrincipal(role, token);
    if (tokens.some((existing) => existing.principal === principal)) {
      throw new ConfigError(`API_TOKENS: entry ${index + 1} repeats the principal name ${principal}`);
    }
    tokens.push({ token, role: role as Role, principal });
  }
  if (!tokens.length) throw new ConfigError('API_TOKENS: no role:token pair given');
  return tokens;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // `PORT=` in an .env template means "not set", not port 0: empty values fall back to defaults.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  // The dev profile is opt-in: without APP_PROFILE the production rules apply (no dev tokens,
  // secrets or keys), so a forgotten variable can never open a production API with documented
  // credentials. `npm start` sets APP_PROFILE=dev itself; jest runs with NODE_ENV=test.
  const profile: Profile = e.APP_PROFILE ?? (e.NODE_ENV === 'test' ? 'dev' : 'production');
  const devOnly = <T>(name: string, value: T | undefined, devDefault: T, isDevValue: (v: T) => boolean): T => {
    if (profile === 'production') {
      if (value === undefined) throw new ConfigError(`${name} must be set in the production profile`);
      if (isDevValue(value)) throw new ConfigError(`${name} holds a documented dev value, refused in the production profile`);
    }
    return value ?? devDefault;
  };

  // Optional in every profile, but never the value docker-compose.yml publishes outside dev.
  if (profile === 'production' && e.CODEC_UI_SECRET === DEV_CODEC_UI_SECRET) {
    throw new ConfigError('CODEC_UI_SECRET holds a documented dev value (docker-compose.yml), refused in the production profile');
  }
  const apiTokens = parseApiTokens(
    devOnly('API_TOKENS', e.API_TOKENS, DEV_API_TOKENS, (text) => parseApiTokens(DEV_API_TOKENS).some((dev) => text.includes(dev.token))),
  );
  const secret = (name: string, value: string | undefined) => devOnly(name, value, DEV_WEBHOOK_SECRET, (v) => v === DEV_WEBHOOK_SECRET);
  /**
   * One carrier dialect's credentials. Dev: unset values take the dev defaults. Production: all of
   * the dialect's variables or none (none = the dialect is off and its carriers use the generic open
   * API); a documented dev value is refused.
   */
  const dialect = <N extends CarrierCredentialName>(label: string, names: readonly N[]): Record<N, string> | undefined => {
    const values = Object.fromEntries(names.map((name) => [name, e[name]])) as Record<N, string | undefined>;
    if (profile === 'production') {
      const given = names.filter((name) => values[name] !== undefined);
      if (given.length === 0) return undefined;
      const missing = names.filter((name) => values[name] === undefined);
      if (missing.length > 0) {
        throw new ConfigError(
          `${missing.join(', ')} must be set in the production profile when ${given.join(', ')} ${given.length > 1 ? 'are' : 'is'} ` +
            `(set all of ${names.join(', ')} to use the ${label} API, or none to send ${label} through the generic carrier API)`,
        );
      }
      for (const name of names) {
        if (values[name] === DEV_CARRIER_CREDENTIALS[name]) {
          throw new ConfigError(`${name} holds a documented dev value, refused in the production profile`);
        }
      }
    }
    return Object.fromEntries(names.map((name) => [name, values[name] ?? DEV_CARRIER_CREDENTIALS[name]])) as Record<N, string>;
  };
  const sf = dialect('SF', ['SF_PARTNER_ID', 'SF_CHECKWORD'] as const);
  const jd = dialect('JD', ['JD_APP_KEY', 'JD_APP_SECRET', 'JD_ACCESS_TOKEN', 'JD_CUSTOMER_CODE'] as const);
  const kuaidi100 = dialect('Kuaidi100', ['KUAIDI100_CUSTOMER', 'KUAIDI100_KEY', 'KUAIDI100_SECRET'] as const);
  const carrierCredentials: CarrierCredentials = {
    ...(sf ? { sf: { partnerId: sf.SF_PARTNER_ID, checkWord: sf.SF_CHECKWORD } } : {}),
    ...(jd ? { jd: { appKey: jd.JD_APP_KEY, appSecret: jd.JD_APP_SECRET, accessToken: jd.JD_ACCESS_TOKEN, customerCode: jd.JD_CUSTOMER_CODE } } : {}),
    ...(kuaidi100 ? { kuaidi100: { customer: kuaidi100.KUAIDI100_CUSTOMER, key: kuaidi100.KUAIDI100_KEY, secret: kuaidi100.KUAIDI100_SECRET } } : {}),
  };
  const supplierWebhookSecrets = parseSupplierSecrets(e.SUPPLIER_WEBHOOK_SECRETS ?? (profile === 'dev' ? DEV_SUPPLIER_WEBHOOK_SECRETS : ''));
  const supplierDerivationKey = e.WEBHOOK_SECRET_SUPPLIER ?? (profile === 'dev' ? DEV_SUPPLIER_WEBHOOK_SECRET : '');
  if (profile === 'production') {
    if (!supplierDerivationKey && Object.keys(supplierWebhookSecrets).length === 0) {
      throw new ConfigError('WEBHOOK_SECRET_SUPPLIER or SUPPLIER_WEBHOOK_SECRETS must be set in the production profile');
    }
    if (supplierDerivationKey === DEV_SUPPLIER_WEBHOOK_SECRET || supplierDerivationKey === DEV_WEBHOOK_SECRET) {
      throw new ConfigError('WEBHOOK_SECRET_SUPPLIER holds a documented dev value, refused in the production profile');
    }
    const devSecrets = Object.values(parseSupplierSecrets(DEV_SUPPLIER_WEBHOOK_SECRETS));
    if (Object.values(supplierWebhookSecrets).some((value) => devSecrets.includes(value) || value === DEV_WEBHOOK_SECRET)) {
      throw new ConfigError('SUPPLIER_WEBHOOK_SECRETS holds a documented dev value, refused in the production profile');
    }
  }
  if (profile === 'production' && e.PAYLOAD_CODEC_KEYS === undefined) {
    throw new ConfigError('PAYLOAD_CODEC_KEYS must be set in the production profile (id:base64key,…; make a key with: openssl rand -base64 32)');
  }
  const payloadCodec = parsePayloadKeyRing(e.PAYLOAD_CODEC_KEYS ?? DEV_PAYLOAD_CODEC_KEYS, e.PAYLOAD_CODEC_KEY_ID);
  if (profile === 'production' && holdsDevPayloadKey(payloadCodec)) {
    throw new ConfigError('PAYLOAD_CODEC_KEYS holds the documented dev key, refused in the production profile');
  }
  const people = loadPeopleDirectory(e.PEOPLE_FILE ?? DEFAULT_PEOPLE_FILE);
  checkTokensAgainstPeople(apiTokens, people);
  const temporalUiUrl = e.TEMPORAL_UI_URL ?? DEFAULT_TEMPORAL_UI_URL;
  const slaPolicyFile = e.SLA_POLICY_FILE ?? DEFAULT_SLA_POLICY_FILE;
  const simulators = `http://127.0.0.1:${e.SIMULATORS_PORT}`;

  return {
    profile,
    port: e.PORT,
    host: e.HOST,
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.TEMPORAL_TASK_QUEUE },
    temporalUiUrl,
    apiTokens,
    people,
    webhookSecrets: {
      generic: secret('WEBHOOK_SECRET_GENERIC', e.WEBHOOK_SECRET_GENERIC),
      kuaidi100: secret('WEBHOOK_SECRET_KUAIDI100', e.WEBHOOK_SECRET_KUAIDI100),
      aftership: secret('WEBHOOK_SECRET_AFTERSHIP', e.WEBHOOK_SECRET_AFTERSHIP),
      supplier: supplierDerivationKey,
    },
    supplierWebhookSecrets,
    redeliveryIntervalMs: e.INBOUND_REDELIVERY_INTERVAL_MS,
    slaPolicyFile,
    slaTimeScale: e.SLA_TIME_SCALE,
    slaPolicy: loadSlaPolicy(slaPolicyFile, e.SLA_TIME_SCALE),
    watchlist: loadWatchlistPolicy(slaPolicyFile, e.SLA_TIME_SCALE),
    payloadEncryptionKey: devOnly('PAYLOAD_ENCRYPTION_KEY', e.PAYLOAD_ENCRYPTION_KEY, DEV_PAYLOAD_KEY, (v) => v === DEV_PAYLOAD_KEY),
    payloadCodec,
    codecServer: {
      allowedOrigins: e.CODEC_ALLOWED_ORIGINS ? e.CODEC_ALLOWED_ORIGINS.split(',').map((origin) => origin.trim()) : uiOrigins(temporalUiUrl),
      ...(e.CODEC_UI_SECRET ? { uiSecret: e.CODEC_UI_SECRET } : {}),
    },
    endpoints: {
      carrier: e.CARRIER_API_URL ?? `${simulators}/carrier`,
      sms: e.SMS_API_URL ?? `${simulators}/sms`,
      wecom: e.WECOM_API_URL ?? `${simulators}/wecom`,
      inapp: e.INAPP_API_URL ?? `${simulators}/inapp`,
      wms: e.WMS_API_URL ?? `${simulators}/wms`,
      payments: e.PAYMENTS_API_URL ?? `${simulators}/payments`,
      oms: e.OMS_API_URL ?? `${simulators}/oms`,
    },
    simulatorsPort: e.SIMULATORS_PORT,
    opsWecomKey: e.OPS_WECOM_KEY,
    ...(e.CASE_HISTORY_LIMIT !== undefined ? { caseHistoryLimit: e.CASE_HISTORY_LIMIT } : {}),
    carrierCredentials,
    platform: loadPlatformSettings(given),
    stuckCases: loadStuckCaseSettings(given),
    worker: loadWorkerSettings(given),
    deployment: loadWorkerDeploymentSettings(given, profile),
  };
}

/**
 * The Temporal UI's origin, from TEMPORAL_UI_URL; a loopback UI is reached as 127.0.0.1 or as
 * localhost, which browsers treat as two origins, so both are allowed.
 */
function uiOrigins(uiUrl: string): string[] {
  const { protocol, host, hostname, port } = new URL(uiUrl);
  const origin = `${protocol}//${host}`;
  const twin = hostname === '127.0.0.1' ? 'localhost' : hostname === 'localhost' ? '127.0.0.1' : undefined;
  return twin ? [origin, `${protocol}//${twin}${port ? `:${port}` : ''}`] : [origin];
}

/** Parses `SUP-1:secret,SUP-2:secret` (SUPPLIER_WEBHOOK_SECRETS). */
function parseSupplierSecrets(text: string): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const [index, pair] of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .entries()) {
    const separator = pair.indexOf(':');
    const supplierId = pair.slice(0, separator);
    const secret = pair.slice(separator + 1);
    if (separator <= 0 || !secret) throw new ConfigError(`SUPPLIER_WEBHOOK_SECRETS: entry ${index + 1} must be supplierId:secret`);
    if (secret.length < 16) throw new ConfigError(`SUPPLIER_WEBHOOK_SECRETS: the secret of entry ${index + 1} (${supplierId}) is shorter than 16 characters`);
    if (supplierId in secrets) throw new ConfigError(`SUPPLIER_WEBHOOK_SECRETS: supplier ${supplierId} is listed twice`);
    secrets[supplierId] = secret;
  }
  return secrets;
}

/**
 * A supplier's own webhook secret: the one listed for it in SUPPLIER_WEBHOOK_SECRETS, else one
 * derived from WEBHOOK_SECRET_SUPPLIER and its id (hex HMAC-SHA256(key, "supplier-webhook:" + id)),
 * handed to the supplier when it is onboarded. Undefined: this supplier has no secret and cannot
 * sign. Either way no supplier's secret signs for another.
 */
export function supplierWebhookSecret(config: Pick<AppConfig, 'webhookSecrets' | 'supplierWebhookSecrets'>, supplierId: string): string | undefined {
  const listed = Object.prototype.hasOwnProperty.call(config.supplierWebhookSecrets, supplierId) ? config.supplierWebhookSecrets[supplierId] : undefined;
  if (listed) return listed;
  if (!config.webhookSecrets.supplier) return undefined;
  return createHmac('sha256', config.webhookSecrets.supplier).update(`supplier-webhook:${supplierId}`).digest('hex');
}
