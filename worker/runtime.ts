import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

/**
 * Installs the Temporal runtime once per process with quiet logs. Signals are left to the caller,
 * which shuts parts down in its own order.
 */
let installed = false;

export function installTemporalRuntime(level: LogLevel = 'WARN'): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger(level),
    shutdownSignals: [],
    telemetryOptions: { logging: { filter: { core: level, other: level } } },
  });
}
