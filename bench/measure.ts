import { performance } from 'node:perf_hooks';

/** Latency figures and the small load generators every benchmark here shares. */

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export interface LatencyStats {
  count: number;
  wallMs: number;
  throughputPerS: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface Timed {
  samples: number[];
  wallMs: number;
}

export function stats({ samples, wallMs }: Timed): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    wallMs: round(wallMs, 0),
    throughputPerS: round((sorted.length / wallMs) * 1000, 1),
    meanMs: round(sum / sorted.length),
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1] ?? Number.NaN),
  };
}

/** Closed loop: `count` operations with at most `concurrency` in flight; each one's latency. */
export async function timed(count: number, concurrency: number, operation: (index: number) => Promise<void>): Promise<Timed> {
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    for (;;) {
      const index = next++;
      if (index >= count) return;
      const t0 = performance.now();
      await operation(index);
      samples.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return { samples, wallMs: performance.now() - started };
}

/**
 * Open loop: operation i is due at i / rate seconds whatever the earlier ones are doing, as
 * requests arrive in production. Latency counts from the due time, so a generator that falls
 * behind does not hide the queueing it caused (coordinated omission).
 */
export async function openLoop(ratePerS: number, count: number, operation: (index: number) => Promise<void>): Promise<Timed> {
  const samples: number[] = [];
  const inFlight: Array<Promise<void>> = [];
  const intervalMs = 1000 / ratePerS;
  const started = performance.now();
  for (let index = 0; index < count; index++) {
    const due = started + index * intervalMs;
    const wait = due - performance.now();
    if (wait >= 1) await new Promise((tick) => setTimeout(tick, wait));
    inFlight.push(operation(index).then(() => void samples.push(performance.now() - due)));
  }
  await Promise.all(inFlight);
  return { samples, wallMs: performance.now() - started };
}

/** Runs `work` over every item with at most `concurrency` at once. */
export async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

export function summarise(values: number[]): { min: number; p50: number; max: number; mean: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length, 0),
  };
}
