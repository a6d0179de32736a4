import { ConfigError } from '../../config';

/**
 * The launchers' one-terminal life cycle: every part started registers how to stop it; Ctrl-C
 * (or SIGTERM, or a failed start) stops them newest first, so the API stops taking requests
 * before the worker, the worker before its connection, and the servers last.
 */

export type Log = (line: string) => void;

export interface StackLifecycle {
  /** Registers a part that has started. */
  started(name: string, stop: () => Promise<unknown>): void;
  /** Stops everything started so far, newest first, and exits with `code`. */
  shutdown(code: number): Promise<never>;
}

function createLifecycle(log: Log): StackLifecycle {
  const stops: Array<[string, () => Promise<unknown>]> = [];
  const shutdown = async (code: number): Promise<never> => {
    log('stopping…');
    for (const [name, stop] of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        console.error(`[stack] stopping ${name} failed:`, (error as Error).message);
      }
    }
    log('stopped');
    process.exit(code);
  };
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void shutdown(0);
    });
  }
  return { started: (name, stop) => stops.push([name, stop]), shutdown };
}

/** Runs a launcher's start: a failure is printed (a ConfigError as its message alone) and stops what started. */
export async function runStack(log: Log, start: (stack: StackLifecycle) => Promise<void>): Promise<void> {
  const stack = createLifecycle(log);
  try {
    await start(stack);
    log('ready — Ctrl-C stops everything');
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    await stack.shutdown(1);
  }
}
