import type { SimulatedSystem } from '../types';
import type { InMemoryLedger } from './ledger';
import type { SeededFaultInjector } from './faults';
import type { IdempotencyStore } from './idempotency';
import type { IdSequence } from './ids';

/** What every simulated system shares: one ledger, one fault table, one idempotency memory, one clock. */
export interface SimulationContext {
  ledger: InMemoryLedger;
  faults: SeededFaultInjector;
  idempotency: IdempotencyStore;
  ids: IdSequence;
  now: () => Date;
  secrets: SimulatorSecrets;
  /**
   * Systems that play a provider without server-side dedupe (a real WeCom group robot, Aliyun SMS
   * whose OutId is only a tag): a repeated key performs the effect again. Empty by default.
   */
  noDedupe?: ReadonlySet<SimulatedSystem>;
}

/** Shared secrets the simulated partners check signatures with (dev defaults, overridable by env). */
export interface SimulatorSecrets {
  sfCheckWord: string;
  kuaidi100Key: string;
  kuaidi100Secret: string;
}

export function secretsFromEnv(env: NodeJS.ProcessEnv): SimulatorSecrets {
  return {
    sfCheckWord: env.SIM_SF_CHECKWORD ?? 'sf-dev-checkword',
    kuaidi100Key: env.SIM_KUAIDI100_KEY ?? 'kd100-dev-key',
    kuaidi100Secret: env.SIM_KUAIDI100_SECRET ?? 'kd100-dev-secret',
  };
}
