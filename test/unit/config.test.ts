import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  DEV_API_TOKENS,
  DEV_CARRIER_CREDENTIALS,
  DEV_PAYLOAD_KEY,
  DEV_WEBHOOK_SECRET,
  loadConfig,
  parseApiTokens,
  tokenPrincipal,
} from '../../config';
import { DEFAULT_SLA_POLICY_FILE, loadSlaPolicy, resolveSlaPolicy } from '../../config/sla-policy';
import { clockTargetMs } from '../../domain/sla-policy';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a policy document as JSON, edited in place by each case
type JsonDocument = Record<string, any>;

const MIN = 60_000;
const H = 60 * MIN;

/** The shipped policy file, as a fresh mutable document. */
function defaultDocument(): JsonDocument {
  return JSON.parse(readFileSync(DEFAULT_SLA_POLICY_FILE, 'utf8')) as JsonDocument;
}

/** The dev profile is opt-in (a missing APP_PROFILE means production): these tests ask for it. */
function devConfig(env: NodeJS.ProcessEnv = {}) {
  return loadConfig({ APP_PROFILE: 'dev', ...env });
}

/** Runs `fn` and returns the ConfigError it throws; fails if it throws nothing or something else. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sla-policy-test-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
function writePolicy(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('the shipped default policy', () => {
  const policy = loadSlaPolicy(DEFAULT_SLA_POLICY_FILE, 1);

  test.each([
    ['firstResponse', 'DELAYED', 30 * MIN],
    ['handling', 'DELAYED', 2 * H],
    ['resolution', 'DAMAGED', 72 * H],
    ['payout', 'DAMAGED', 24 * H],
    ['payout', 'LOST', 48 * H],
  ] as const)('gives %s for a normal %s case %d ms', (clock, type, expected) => {
    expect(clockTargetMs(policy, clock, type, 'normal')).toBe(expected);
  });

  test('keeps the feedback survey open 48 h and warns at 50% and 75%', () => {
    expect(policy.feedback.windowMs).toBe(48 * H);
    expect(policy.warningThresholds).toEqual([0.5, 0.75]);
  });

  test('halves targets for urgent cases', () => {
    expect(clockTargetMs(policy, 'firstResponse', 'DELAYED', 'urgent')).toBe(15 * MIN);
  });

  test('is what loadConfig uses when SLA_POLICY_FILE is not set', () => {
    const config = devConfig({});
    expect(config.slaPolicyFile).toBe(DEFAULT_SLA_POLICY_FILE);
    expect(config.slaPolicy).toEqual(policy);
  });
});

describe('SLA_TIME_SCALE', () => {
  test('0.001 turns 30 min into 1.8 s', () => {
    const config = devConfig({ SLA_TIME_SCALE: '0.001' });
    expect(config.slaTimeScale).toBe(0.001);
    expect(config.slaPolicy.clocks.firstResponse.targetMs).toBe(1_800);
  });

  test('multiplies every duration in the policy', () => {
    const unscaled = resolveSlaPolicy(defaultDocument(), 1, 'default');
    const scaled = resolveSlaPolicy(defaultDocument(), 0.01, 'default');
    for (const name of Object.keys(unscaled.clocks) as (keyof typeof unscaled.clocks)[]) {
      expect(scaled.clocks[name]?.targetMs).toBe((unscaled.clocks[name]?.targetMs ?? 0) * 0.01);
    }
    expect(scaled.clocks.payout.byType?.LOST).toBe(48 * H * 0.01);
    expect(scaled.delayed.urgeIntervalMs).toBe(unscaled.delayed.urgeIntervalMs * 0.01);
    expect(scaled.feedback.windowMs).toBe(unscaled.feedback.windowMs * 0.01);
    expect(scaled.feedback.remindersMs).toEqual(unscaled.feedback.remindersMs.map((ms) => ms * 0.01));
  });

  test('does not scale counts, factors or thresholds', () => {
    const unscaled = resolveSlaPolicy(defaultDocument(), 1, 'default');
    const scaled = resolveSlaPolicy(defaultDocument(), 0.001, 'default');
    expect(scaled.delayed.maxUrges).toBe(unscaled.delayed.maxUrges);
    expect(scaled.priorityFactor).toEqual(unscaled.priorityFactor);
    expect(scaled.warningThresholds).toEqual(unscaled.warningThresholds);
  });

  test('never scales a duration down to zero', () => {
    const document = defaultDocument();
    document.clocks.firstResponse.target = '250ms';
    expect(resolveSlaPolicy(document, 0.0001, 'x').clocks.firstResponse.targetMs).toBe(1);
  });
});

describe('resolveSlaPolicy', () => {
  test('sorts the warning thresholds', () => {
    const document = defaultDocument();
    document.warningThresholds = [0.9, 0.5, 0.75];
    expect(resolveSlaPolicy(document, 1, 'x').warningThresholds).toEqual([0.5, 0.75, 0.9]);
  });

  test('omits byType for a clock without overrides', () => {
    expect(resolveSlaPolicy(defaultDocument(), 1, 'x').clocks.handling).toEqual({ targetMs: 2 * H });
  });

  test.each<[string, (document: JsonDocument) => void, string]>([
    ['a bad duration', (d) => (d.clocks.handling.target = '2 hours'), 'clocks.handling.target'],
    ['a zero duration', (d) => (d.feedback.window = '0m'), 'feedback.window'],
    ['a bad byType duration', (d) => (d.clocks.payout.byType.LOST = 'soon'), 'clocks.payout.byType.LOST'],
    ['a bad reminder', (d) => (d.feedback.reminders = ['24h', 'x']), 'feedback.reminders.1'],
    ['an unknown top-level field', (d) => (d.colour = 'red'), 'colour'],
    ['an unknown clock field', (d) => (d.clocks.payout.deadline = '1h'), 'clocks.payout'],
    ['an unknown exception type', (d) => (d.clocks.payout.byType.MISLAID = '1h'), 'MISLAID'],
    ['a threshold of 1', (d) => (d.warningThresholds = [0.5, 1]), 'warningThresholds.1'],
    ['a threshold above 1', (d) => (d.warningThresholds = [1.5]), 'warningThresholds.0'],
    ['a threshold of 0', (d) => (d.warningThresholds = [0]), 'warningThresholds.0'],
    ['a missing clock', (d) => delete d.clocks.callback, 'clocks.callback'],
    ['a missing priority factor', (d) => delete d.priorityFactor.urgent, 'priorityFactor.urgent'],
    ['a negative priority factor', (d) => (d.priorityFactor.low = -1), 'priorityFactor.low'],
    ['too many urges', (d) => (d.delayed.maxUrges = 21), 'delayed.maxUrges'],
    ['a version of 0', (d) => (d.version = 0), 'version'],
  ])('refuses %s, naming the field and the source', (_label, mutate, field) => {
    const document = defaultDocument();
    mutate(document);
    const error = configError(() => resolveSlaPolicy(document, 1, '/etc/policies/sla.json'));
    expect(error.message).toContain('/etc/policies/sla.json');
    expect(error.message).toContain(field);
  });

  test('lists every problem, not just the first', () => {
    const document = defaultDocument();
    document.clocks.handling.target = 'x';
    document.warningThresholds = [2];
    const error = configError(() => resolveSlaPolicy(document, 1, 'p.json'));
    expect(error.message).toContain('clocks.handling.target');
    expect(error.message).toContain('warningThresholds.0');
  });
});

describe('loadSlaPolicy / SLA_POLICY_FILE', () => {
  test('loads a custom policy file and applies the scale', () => {
    const document = defaultDocument();
    document.clocks.firstResponse.target = '10m';
    const path = writePolicy('custom.json', JSON.stringify(document));
    const config = devConfig({ SLA_POLICY_FILE: path, SLA_TIME_SCALE: '0.5' });
    expect(config.slaPolicyFile).toBe(path);
    expect(config.slaPolicy.clocks.firstResponse.targetMs).toBe(5 * MIN);
  });

  test('an invalid policy file is named in the error together with the field', () => {
    const document = defaultDocument();
    document.clocks.resolution.target = 'three days';
    const path = writePolicy('invalid.json', JSON.stringify(document));
    const error = configError(() => devConfig({ SLA_POLICY_FILE: path }));
    expect(error.message).toContain(path);
    expect(error.message).toContain('clocks.resolution.target');
  });

  test('a missing file names SLA_POLICY_FILE and the path', () => {
    const path = join(dir, 'does-not-exist.json');
    const error = configError(() => devConfig({ SLA_POLICY_FILE: path }));
    expect(error.message).toContain('SLA_POLICY_FILE');
    expect(error.message).toContain(path);
  });

  test('a file that is not JSON names SLA_POLICY_FILE and the path', () => {
    const path = writePolicy('broken.json', '{"version": 1, ');
    const error = configError(() => loadSlaPolicy(path, 1));
    expect(error.message).toContain('SLA_POLICY_FILE');
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/not valid JSON/);
  });
});

describe('loadConfig defaults (dev profile)', () => {
  const config = devConfig({});

  test('serves on port 3000 against the local Temporal defaults', () => {
    expect(config.profile).toBe('dev');
    expect(config.port).toBe(3000);
    expect(config.temporal).toEqual({ address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'cases' });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.slaTimeScale).toBe(1);
  });

  test('has one dev token for each of the five roles', () => {
    expect(config.apiTokens.map((t) => [t.role, t.token])).toEqual([
      ['agent', 'dev-agent-token'],
      ['supervisor', 'dev-supervisor-token'],
      ['expert', 'dev-expert-token'],
      ['auditor', 'dev-auditor-token'],
      ['system', 'dev-system-token'],
    ]);
  });

  test('uses the documented dev secrets and key', () => {
    expect(config.webhookSecrets).toEqual({
      generic: DEV_WEBHOOK_SECRET,
      kuaidi100: DEV_WEBHOOK_SECRET,
      aftership: DEV_WEBHOOK_SECRET,
      supplier: 'dev-supplier-webhook-secret',
    });
    expect(config.payloadEncryptionKey).toBe(DEV_PAYLOAD_KEY);
  });

  test('points the external systems at the simulators', () => {
    expect(config.simulatorsPort).toBe(4100);
    expect(config.endpoints.sms).toBe('http://127.0.0.1:4100/sms');
    expect(devConfig({ SIMULATORS_PORT: '4200', SMS_API_URL: 'https://sms.example.com' }).endpoints).toMatchObject({
      sms: 'https://sms.example.com',
      carrier: 'http://127.0.0.1:4200/carrier',
    });
  });

  test('takes explicit values', () => {
    const custom = devConfig({
      PORT: '8080',
      DATABASE_URL: 'postgresql://u:p@db:5432/cases',
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'prod',
      TEMPORAL_TASK_QUEUE: 'cases-eu',
    });
    expect(custom.port).toBe(8080);
    expect(custom.databaseUrl).toBe('postgresql://u:p@db:5432/cases');
    expect(custom.temporal).toEqual({ address: 'temporal.internal:7233', namespace: 'prod', taskQueue: 'cases-eu' });
  });
});

describe('loadConfig refuses a bad variable, naming it', () => {
  test.each<[string, string, string]>([
    ['PORT', 'abc', 'PORT'],
    ['PORT', '70000', 'PORT'],
    ['PORT', '80.5', 'PORT'],
    ['SIMULATORS_PORT', '-1', 'SIMULATORS_PORT'],
    ['SLA_TIME_SCALE', '0', 'SLA_TIME_SCALE'],
    ['SLA_TIME_SCALE', '-1', 'SLA_TIME_SCALE'],
    ['SLA_TIME_SCALE', 'abc', 'SLA_TIME_SCALE'],
    ['TEMPORAL_ADDRESS', 'nohostport', 'TEMPORAL_ADDRESS'],
    ['TEMPORAL_ADDRESS', 'host:', 'TEMPORAL_ADDRESS'],
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL'],
    ['APP_PROFILE', 'staging', 'APP_PROFILE'],
    ['WEBHOOK_SECRET_GENERIC', 'short', 'WEBHOOK_SECRET_GENERIC'],
    ['PAYLOAD_ENCRYPTION_KEY', 'too-short', 'PAYLOAD_ENCRYPTION_KEY'],
    ['SMS_API_URL', 'not a url', 'SMS_API_URL'],
    ['API_TOKENS', 'janitor:long-enough-token', 'API_TOKENS'],
    ['API_TOKENS', 'agent-long-enough-token', 'API_TOKENS'],
    ['API_TOKENS', ':long-enough-token', 'API_TOKENS'],
    ['API_TOKENS', 'agent:', 'API_TOKENS'],
    ['API_TOKENS', 'agent:same-token-1,supervisor:same-token-1', 'API_TOKENS'],
    ['API_TOKENS', 'agent:short', 'API_TOKENS'],
    ['API_TOKENS', ' , ', 'API_TOKENS'],
  ])('%s=%j', (name, value, expected) => {
    const error = configError(() => devConfig({ [name]: value }));
    expect(error.message).toContain(expected);
    expect(error.name).toBe('ConfigError');
  });

  // `PORT=` (common in compose files and .env templates) once became port 0 through coercion.
  test('an empty PORT is neither taken as port 0 nor accepted silently', () => {
    let outcome: unknown;
    try {
      outcome = devConfig({ PORT: '' }).port;
    } catch (error) {
      outcome = error instanceof ConfigError ? 'refused' : error;
    }
    expect([3000, 'refused']).toContain(outcome);
  });
});

describe('parseApiTokens', () => {
  test('maps each pair to its role and a principal made of the role and a hash of the token, never its characters', () => {
    expect(parseApiTokens('agent:abcdefghij, supervisor:zyxwvuts-123')).toEqual([
      { token: 'abcdefghij', role: 'agent', principal: tokenPrincipal('agent', 'abcdefghij') },
      { token: 'zyxwvuts-123', role: 'supervisor', principal: tokenPrincipal('supervisor', 'zyxwvuts-123') },
    ]);
    expect(tokenPrincipal('agent', 'abcdefghij')).toMatch(/^agent:[0-9a-f]{12}$/);
    expect(tokenPrincipal('agent', 'abcdefghij')).not.toContain('abc');
  });

  test('keeps colons inside the token', () => {
    expect(parseApiTokens('system:abc:def:ghi')).toEqual([{ token: 'abc:def:ghi', role: 'system', principal: tokenPrincipal('system', 'abc:def:ghi') }]);
  });

  test('ignores empty entries and surrounding spaces', () => {
    expect(parseApiTokens(' auditor:audit-token-1 ,, ').map((t) => t.role)).toEqual(['auditor']);
  });

  test.each([
    ['unknown role', 'janitor:long-enough-token', /entry 1.*unknown role "janitor"/],
    ['missing colon', 'agent:long-enough-token,expertlong-enough-token', /entry 2.*role:token/],
    ['duplicate token', 'agent:long-enough-token,expert:long-enough-token', /entry 2 repeats a token/],
    ['short token', 'agent:1234567', /entry 1 is shorter than 8/],
    ['nothing', '', /no role:token pair/],
  ])('refuses a %s, naming API_TOKENS and the entry', (_label, text, pattern) => {
    const error = configError(() => parseApiTokens(text));
    expect(error.message).toMatch(/^API_TOKENS/);
    expect(error.message).toMatch(pattern);
  });

  test('accepts the documented dev tokens', () => {
    expect(parseApiTokens(DEV_API_TOKENS)).toHaveLength(5);
  });
});

describe('production profile', () => {
  const REAL = {
    APP_PROFILE: 'production',
    API_TOKENS: 'agent:9f8e7d6c5b4a-agent,system:0a1b2c3d4e5f-system',
    WEBHOOK_SECRET_GENERIC: 'generic-real-secret-1',
    WEBHOOK_SECRET_KUAIDI100: 'kuaidi100-real-salt-2',
    WEBHOOK_SECRET_AFTERSHIP: 'aftership-real-secret-3',
    WEBHOOK_SECRET_SUPPLIER: 'supplier-real-secret-4',
    PAYLOAD_ENCRYPTION_KEY: 'k'.repeat(48),
    PAYLOAD_CODEC_KEYS: `prod-1:${Buffer.alloc(32, 7).toString('base64')}`,
  } as const;
  type RealKey = keyof typeof REAL;
  const CREDENTIALS: RealKey[] = [
    'API_TOKENS',
    'WEBHOOK_SECRET_GENERIC',
    'WEBHOOK_SECRET_KUAIDI100',
    'WEBHOOK_SECRET_AFTERSHIP',
    'WEBHOOK_SECRET_SUPPLIER',
    'PAYLOAD_ENCRYPTION_KEY',
    'PAYLOAD_CODEC_KEYS',
  ];
  const without = (name: RealKey): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...REAL };
    delete env[name];
    return env;
  };

  test('accepts real credentials', () => {
    const config = loadConfig({ ...REAL });
    expect(config.profile).toBe('production');
    expect(config.apiTokens.map((t) => t.role)).toEqual(['agent', 'system']);
    expect(config.webhookSecrets).toEqual({
      generic: 'generic-real-secret-1',
      kuaidi100: 'kuaidi100-real-salt-2',
      aftership: 'aftership-real-secret-3',
      supplier: 'supplier-real-secret-4',
    });
    expect(config.payloadEncryptionKey).toBe('k'.repeat(48));
  });

  test('NODE_ENV=production selects the production profile too', () => {
    const { APP_PROFILE: _profile, ...rest } = REAL;
    expect(loadConfig({ ...rest, NODE_ENV: 'production' }).profile).toBe('production');
    expect(configError(() => loadConfig({ NODE_ENV: 'production' })).message).toContain('must be set in the production profile');
  });

  test.each(CREDENTIALS)('refuses a missing %s', (name) => {
    const error = configError(() => loadConfig(without(name)));
    expect(error.message).toContain(name);
    expect(error.message).toContain('must be set');
  });

  test.each<[RealKey, string]>([
    ['API_TOKENS', DEV_API_TOKENS],
    ['API_TOKENS', 'agent:dev-agent-token'],
    ['API_TOKENS', `${REAL.API_TOKENS},auditor:dev-auditor-token`],
    ['WEBHOOK_SECRET_GENERIC', DEV_WEBHOOK_SECRET],
    ['WEBHOOK_SECRET_KUAIDI100', DEV_WEBHOOK_SECRET],
    ['WEBHOOK_SECRET_AFTERSHIP', DEV_WEBHOOK_SECRET],
    ['PAYLOAD_ENCRYPTION_KEY', DEV_PAYLOAD_KEY],
  ])('refuses the documented dev value of %s (%s)', (name, value) => {
    const error = configError(() => loadConfig({ ...REAL, [name]: value }));
    expect(error.message).toContain(name);
    expect(error.message).toContain('documented dev value');
  });

  test('refuses the codec UI secret published in docker-compose.yml, accepts one of its own (issue 18, item 4)', () => {
    const published = /CODEC_UI_SECRET: (\S+)/.exec(readFileSync(join(__dirname, '../../docker-compose.yml'), 'utf8'))?.[1];
    expect(published).toBe('compose-dev-codec-ui-secret-change-me');
    const error = configError(() => loadConfig({ ...REAL, CODEC_UI_SECRET: published as string }));
    expect(error.message).toContain('CODEC_UI_SECRET');
    expect(error.message).toContain('documented dev value');
    expect(loadConfig({ ...REAL, CODEC_UI_SECRET: 'a-real-codec-ui-secret-0123456789abcdef' }).codecServer.uiSecret).toBe(
      'a-real-codec-ui-secret-0123456789abcdef',
    );
    expect(loadConfig({ APP_PROFILE: 'dev', CODEC_UI_SECRET: published as string }).codecServer.uiSecret).toBe(published);
  });

  test.each(['production', undefined])('APP_PROFILE=dev wins over NODE_ENV=%s and keeps the dev defaults', (nodeEnv) => {
    const config = loadConfig({ APP_PROFILE: 'dev', ...(nodeEnv ? { NODE_ENV: nodeEnv } : {}) });
    expect(config.profile).toBe('dev');
    expect(config.payloadEncryptionKey).toBe(DEV_PAYLOAD_KEY);
  });
});

describe('carrier credentials', () => {
  const PROD = {
    APP_PROFILE: 'production',
    API_TOKENS: 'agent:9f8e7d6c5b4a-agent,system:0a1b2c3d4e5f-system',
    WEBHOOK_SECRET_GENERIC: 'generic-real-secret-1',
    WEBHOOK_SECRET_KUAIDI100: 'kuaidi100-real-salt-2',
    WEBHOOK_SECRET_AFTERSHIP: 'aftership-real-secret-3',
    PAYLOAD_ENCRYPTION_KEY: 'k'.repeat(48),
    PAYLOAD_CODEC_KEYS: `prod-1:${Buffer.alloc(32, 7).toString('base64')}`,
    // Required in production once the supplier webhook exists; ignored (stripped) where it does not.
    WEBHOOK_SECRET_SUPPLIER: 'supplier-real-secret-4',
  } as const;
  const REAL_CARRIERS = {
    SF_PARTNER_ID: 'FENGCHE_SF',
    SF_CHECKWORD: 'sf-real-checkword-0001',
    JD_APP_KEY: 'jd-real-app-key',
    JD_APP_SECRET: 'jd-real-app-secret-0001',
    JD_ACCESS_TOKEN: 'jd-real-access-token-0001',
    JD_CUSTOMER_CODE: '010K123456',
    KUAIDI100_CUSTOMER: 'KD100CUSTOMER01',
    KUAIDI100_KEY: 'kd100-real-key-0001',
    KUAIDI100_SECRET: 'kd100-real-secret-0001',
  } as const;

  test("the dev profile has every dialect, with the simulators' dev credentials", () => {
    expect(devConfig({}).carrierCredentials).toEqual({
      sf: { partnerId: 'sf-dev-partner', checkWord: 'sf-dev-checkword' },
      jd: { appKey: 'jd-dev-app-key', appSecret: 'jd-dev-app-secret', accessToken: 'jd-dev-access-token', customerCode: 'jd-dev-customer' },
      kuaidi100: { customer: 'kd100-dev-customer', key: 'kd100-dev-key', secret: 'kd100-dev-secret' },
    });
    expect(DEV_CARRIER_CREDENTIALS.SF_CHECKWORD).toBe('sf-dev-checkword');
    expect(DEV_CARRIER_CREDENTIALS.KUAIDI100_KEY).toBe('kd100-dev-key');
    expect(DEV_CARRIER_CREDENTIALS.KUAIDI100_SECRET).toBe('kd100-dev-secret');
  });

  test('takes explicit values, defaulting the rest in the dev profile', () => {
    const config = devConfig({ SF_CHECKWORD: 'another-checkword', KUAIDI100_CUSTOMER: 'C1' });
    expect(config.carrierCredentials.sf).toEqual({ partnerId: 'sf-dev-partner', checkWord: 'another-checkword' });
    expect(config.carrierCredentials.kuaidi100?.customer).toBe('C1');
  });

  test('production takes a complete set of real credentials', () => {
    expect(loadConfig({ ...PROD, ...REAL_CARRIERS }).carrierCredentials).toEqual({
      sf: { partnerId: 'FENGCHE_SF', checkWord: 'sf-real-checkword-0001' },
      jd: { appKey: 'jd-real-app-key', appSecret: 'jd-real-app-secret-0001', accessToken: 'jd-real-access-token-0001', customerCode: '010K123456' },
      kuaidi100: { customer: 'KD100CUSTOMER01', key: 'kd100-real-key-0001', secret: 'kd100-real-secret-0001' },
    });
  });

  test("production without a dialect's variables leaves it out (its carriers use the generic API)", () => {
    expect(loadConfig({ ...PROD }).carrierCredentials).toEqual({});
    const { SF_PARTNER_ID: _p, SF_CHECKWORD: _c, ...withoutSf } = REAL_CARRIERS;
    const credentials = loadConfig({ ...PROD, ...withoutSf }).carrierCredentials;
    expect(credentials.sf).toBeUndefined();
    expect(credentials.jd?.appKey).toBe('jd-real-app-key');
  });

  test.each<[keyof typeof REAL_CARRIERS]>([['SF_CHECKWORD'], ['SF_PARTNER_ID'], ['JD_ACCESS_TOKEN'], ['JD_CUSTOMER_CODE'], ['KUAIDI100_SECRET']])(
    'production refuses a dialect with %s missing, naming it',
    (name) => {
      const env: NodeJS.ProcessEnv = { ...PROD, ...REAL_CARRIERS };
      delete env[name];
      const error = configError(() => loadConfig(env));
      expect(error.message).toContain(name);
      expect(error.message).toContain('must be set in the production profile');
    },
  );

  test.each(Object.keys(DEV_CARRIER_CREDENTIALS) as (keyof typeof DEV_CARRIER_CREDENTIALS)[])('production refuses the documented dev value of %s', (name) => {
    const error = configError(() => loadConfig({ ...PROD, ...REAL_CARRIERS, [name]: DEV_CARRIER_CREDENTIALS[name] }));
    expect(error.message).toContain(name);
    expect(error.message).toContain('documented dev value');
  });

  test.each([['SF_CHECKWORD'], ['JD_APP_SECRET'], ['JD_ACCESS_TOKEN'], ['KUAIDI100_KEY'], ['KUAIDI100_SECRET']])(
    'refuses a %s shorter than 8 characters',
    (name) => {
      const error = configError(() => devConfig({ [name]: 'short' }));
      expect(error.message).toContain(name);
    },
  );
});
