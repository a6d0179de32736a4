import { performance } from 'node:perf_hooks';

/**
 * Latency statistics for the scale bench: nearest-rank percentiles, as `npm run bench` reports
 * them, so the two benches' figures compare (copied, not imported: bench/run.ts keeps its own).
 */

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Nearest-rank percentile of sorted samples. */
function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export interface LatencyStats {
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function latencyStats(samples: number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    meanMs: round(sum / sorted.length),
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1] ?? Number.NaN),
  };
}

export interface TimedRun {
  samples: number[];
  /** Operations that threw (their latency is not among the samples). */
  failures: number;
  firstError?: string;
  wallMs: number;
  /** How many were started: fewer than asked when `stopAt` passed first. */
  started: number;
}

/**
 * Runs up to `count` operations with at most `concurrency` in flight and times each. Lanes stop
 * taking new operations once `stopAt` (epoch ms) has passed, so a step cut short by the time
 * budget still leaves figures for what it did.
 */
export async function timed(count: number, concurrency: number, operation: (index: number) => Promise<void>, stopAt = Infinity): Promise<TimedRun> {
  const samples: number[] = [];
  let failures = 0;
  let firstError: string | undefined;
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    for (;;) {
      if (Date.now() > stopAt) return;
      const index = next++;
      if (index >= count) return;
      const t0 = performance.now();
      try {
        await operation(index);
        samples.push(performance.now() - t0);
      } catch (error) {
        failures += 1;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return { samples, failures, ...(firstError ? { firstError } : {}), wallMs: performance.now() - started, started: Math.min(next, count) };
}
