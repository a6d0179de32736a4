import type { FaultInjector, FaultRule, SimulatedSystem } from '../types';
import { createPrng } from './prng';

/** What the matching rules say about one incoming request. */
export interface FaultDecision {
  latencyMs: number;
  fail: boolean;
  refuse: boolean;
  dropResponse: boolean;
}

function matches(rule: FaultRule, system: SimulatedSystem, operation: string): boolean {
  const systemOk = rule.system === undefined || rule.system === '*' || rule.system === system;
  const operationOk = rule.operation === undefined || rule.operation === '*' || rule.operation === operation;
  return systemOk && operationOk;
}

export class SeededFaultInjector implements FaultInjector {
  private active: FaultRule[] = [];
  private random: () => number;

  constructor(private readonly seed: number) {
    this.random = createPrng(seed);
  }

  set(rules: FaultRule[]): void {
    this.active = rules.map((r) => ({ ...r }));
    this.reseed();
  }

  add(rule: FaultRule): void {
    this.active.push({ ...rule });
    this.reseed();
  }

  clear(): void {
    this.active = [];
    this.reseed();
  }

  /** Copies; failNext shows what is left of the count. */
  rules(): FaultRule[] {
    return this.active.map((r) => ({ ...r }));
  }

  /**
   * Called once per request, on arrival: consumes failNext counts and PRNG draws, so the outcome of a
   * sequence of requests depends only on the seed, the rules and the order the requests arrive in.
   */
  decide(system: SimulatedSystem, operation: string): FaultDecision {
    const matching = this.active.filter((r) => matches(r, system, operation));
    const decision: FaultDecision = { latencyMs: 0, fail: false, refuse: false, dropResponse: false };
    for (const rule of matching) {
      // Rate-limited latency and drops draw from the PRNG only when a rule asks for them, so rules
      // without rates play out exactly as before.
      const slow = rule.latencyRate === undefined || this.random() < rule.latencyRate;
      // Overlapping latency rules do not add up: the slowest one wins, like the slowest hop would.
      if (slow) decision.latencyMs = Math.max(decision.latencyMs, rule.latencyMs ?? 0);
      decision.refuse ||= rule.refuse === true;
      decision.dropResponse ||= rule.dropResponse === true;
      if (rule.dropResponseRate !== undefined && rule.dropResponseRate > 0 && this.random() < rule.dropResponseRate) {
        decision.dropResponse = true;
      }
    }
    const counted = matching.find((r) => (r.failNext ?? 0) > 0);
    if (counted !== undefined) {
      counted.failNext = (counted.failNext ?? 0) - 1;
      decision.fail = true;
      return decision;
    }
    for (const rule of matching) {
      if (rule.failureRate !== undefined && rule.failureRate > 0 && this.random() < rule.failureRate) {
        decision.fail = true;
        break;
      }
    }
    return decision;
  }

  // Restarting the sequence on every rule change makes a scenario reproducible whatever traffic came before it.
  private reseed(): void {
    this.random = createPrng(this.seed);
  }
}
