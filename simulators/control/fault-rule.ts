import { isRecord } from '../core/fields';
import { SIMULATED_SYSTEMS, type FaultRule, type SimulatedSystem } from '../types';

const KNOWN_KEYS = new Set(['system', 'operation', 'latencyMs', 'failureRate', 'failNext', 'refuse', 'dropResponse', 'latencyRate', 'dropResponseRate']);
// A rule that waits longer than this is almost certainly a typo (seconds given as ms twice over).
const MAX_LATENCY_MS = 120_000;

/** Checks one rule from an HTTP body; returns the rule or what is wrong with it. */
export function parseFaultRule(value: unknown, where = 'rule'): FaultRule | string[] {
  if (!isRecord(value)) return [`${where} must be an object`];
  const problems: string[] = [];
  for (const key of Object.keys(value)) {
    if (!KNOWN_KEYS.has(key)) problems.push(`${where}.${key} is not a fault rule field`);
  }
  const { system, operation, latencyMs, failureRate, failNext, refuse, dropResponse, latencyRate, dropResponseRate } = value;
  if (system !== undefined && system !== '*' && !(SIMULATED_SYSTEMS as readonly unknown[]).includes(system)) {
    problems.push(`${where}.system must be '*' or one of ${SIMULATED_SYSTEMS.join(', ')}`);
  }
  if (operation !== undefined && (typeof operation !== 'string' || operation === '')) {
    problems.push(`${where}.operation must be a non-empty string`);
  }
  if (latencyMs !== undefined && (typeof latencyMs !== 'number' || !Number.isFinite(latencyMs) || latencyMs < 0 || latencyMs > MAX_LATENCY_MS)) {
    problems.push(`${where}.latencyMs must be a number between 0 and ${MAX_LATENCY_MS}`);
  }
  if (failureRate !== undefined && (typeof failureRate !== 'number' || !(failureRate >= 0 && failureRate <= 1))) {
    problems.push(`${where}.failureRate must be a number between 0 and 1`);
  }
  for (const [name, rate] of [
    ['latencyRate', latencyRate],
    ['dropResponseRate', dropResponseRate],
  ] as const) {
    if (rate !== undefined && (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))) problems.push(`${where}.${name} must be a number between 0 and 1`);
  }
  if (failNext !== undefined && (typeof failNext !== 'number' || !Number.isSafeInteger(failNext) || failNext < 0)) {
    problems.push(`${where}.failNext must be a non-negative integer`);
  }
  if (refuse !== undefined && typeof refuse !== 'boolean') problems.push(`${where}.refuse must be a boolean`);
  if (dropResponse !== undefined && typeof dropResponse !== 'boolean') problems.push(`${where}.dropResponse must be a boolean`);
  if (problems.length > 0) return problems;

  const rule: FaultRule = {};
  if (system !== undefined) rule.system = system as SimulatedSystem | '*';
  if (typeof operation === 'string') rule.operation = operation;
  if (typeof latencyMs === 'number') rule.latencyMs = latencyMs;
  if (typeof failureRate === 'number') rule.failureRate = failureRate;
  if (typeof failNext === 'number') rule.failNext = failNext;
  if (typeof refuse === 'boolean') rule.refuse = refuse;
  if (typeof dropResponse === 'boolean') rule.dropResponse = dropResponse;
  if (typeof latencyRate === 'number') rule.latencyRate = latencyRate;
  if (typeof dropResponseRate === 'number') rule.dropResponseRate = dropResponseRate;
  return rule;
}

export function parseFaultRules(value: unknown): FaultRule[] | string[] {
  if (!Array.isArray(value)) return ['body must be an array of fault rules'];
  const rules: FaultRule[] = [];
  const problems: string[] = [];
  value.forEach((entry, i) => {
    const parsed = parseFaultRule(entry, `rules[${i}]`);
    if (Array.isArray(parsed)) problems.push(...parsed);
    else rules.push(parsed);
  });
  return problems.length > 0 ? problems : rules;
}
