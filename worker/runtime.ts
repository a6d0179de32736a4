import { Runtime, type LogLevel, type Logger as TemporalLogger, type LogMetadata } from '@temporalio/worker';
import { createLogger, type Logger } from '../api/logging';
import { loadPlatformSettings } from '../config/platform';

/**
 * Installs the Temporal runtime once per process. Signals are left to the caller, which shuts
 * parts down in its own order.
 *
 * Logs: the runtime's logger is the process's pino logger (api/logging.ts), so the SDK's own lines,
 * activity logs (`log` from @temporalio/activity), workflow logs (`log` from @temporalio/workflow,
 * which reach the runtime logger through the worker's default logger sink, outside the sandbox)
 * and Core's native logs (forwarded) come out as the same redacted JSON lines as the API's.
 *
 * Metrics: with TEMPORAL_METRICS_ADDRESS (or `metricsAddress`) set, Core serves the SDK's worker
 * and client metrics (task slots, poll and schedule-to-start latencies, sticky cache, …) in the
 * Prometheus format at http://<address>/metrics; the API's own /metrics appends them when it runs in
 * the same process (the dev stack), so one scrape finds both (api/metrics.ts).
 */

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Temporal's Logger interface on top of pino; metadata (workflow id, run id, activity type, …) becomes fields. */
class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly logger: Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    // Symbol keys (Core's log timestamp) are not JSON; Object.entries leaves them out.
    const fields = meta ? Object.fromEntries(Object.entries(meta).map(([key, value]) => [key, typeof value === 'bigint' ? String(value) : value])) : {};
    this.logger[PINO_LEVEL[level]](fields, message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

export interface TemporalRuntimeOptions {
  /** Where the SDK's lines go; a pino logger at `level` on stdout by default. */
  logger?: Logger;
  /** host:port for the SDK's Prometheus metrics; default TEMPORAL_METRICS_ADDRESS, unset = none. */
  metricsAddress?: string;
}

let installed = false;

export function installTemporalRuntime(level: LogLevel = 'WARN', options: TemporalRuntimeOptions = {}): void {
  if (installed) return;
  const metricsAddress = options.metricsAddress ?? loadPlatformSettings(setVariables(process.env)).temporalMetricsAddress;
  const logger = options.logger ?? createLogger({ level: PINO_LEVEL[level], component: 'temporal' });
  Runtime.install({
    logger: new PinoTemporalLogger(logger),
    shutdownSignals: [],
    telemetryOptions: {
      logging: { filter: { core: level, other: level }, forward: {} },
      ...(metricsAddress ? { metrics: { prometheus: { bindAddress: metricsAddress, countersTotalSuffix: true, useSecondsForDurations: true } } } : {}),
    },
  });
  installed = true;
}

function setVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== ''));
}
