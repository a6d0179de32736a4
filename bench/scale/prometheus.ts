/**
 * Reads the worker's SDK metrics (Core's Prometheus exporter, worker/runtime.ts) and sums the
 * series of one metric over its labels, so the bench can take the sticky cache's hits and misses
 * before and after a step.
 */

export type MetricSums = Record<string, number>;

export async function scrapeMetrics(url: string): Promise<MetricSums> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`metrics ${url}: ${response.status}`);
  const sums: MetricSums = {};
  for (const line of (await response.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const value = Number(match[3]);
    if (!Number.isFinite(value)) continue;
    const name = match[1] as string;
    sums[name] = (sums[name] ?? 0) + value;
    // Request metrics also per operation (`name|RespondWorkflowTaskCompleted`): the server's share of a task's time.
    const operation = /operation="([^"]+)"/.exec(match[2] ?? '')?.[1];
    if (operation) sums[`${name}|${operation}`] = (sums[`${name}|${operation}`] ?? 0) + value;
  }
  return sums;
}

/** The first of `names` the exporter serves (names differ with the exporter's suffix settings). */
export function metric(sums: MetricSums, ...names: string[]): number | undefined {
  for (const name of names) if (sums[name] !== undefined) return sums[name];
  return undefined;
}
