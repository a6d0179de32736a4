import { ConfigError } from '../../config';
import { StackHarness, type Log } from './harness';

/**
 * The launchers' one-terminal life cycle on the stack harness: every part started registers how
 * to stop it; Ctrl-C (or SIGTERM, or a failed start) stops them newest first, so the API stops
 * taking requests before the worker, the worker before its connection, and the servers last.
 */

/** Stops everything started so far, newest first, and exits with `code`. */
async function shutdown(stack: StackHarness, log: Log, code: number): Promise<never> {
  log('stopping…');
  await stack.stop();
  log('stopped');
  process.exit(code);
}

/** Runs a launcher's start: a failure is printed (a ConfigError as its message alone) and stops what started. */
export async function runStack(log: Log, start: (stack: StackHarness) => Promise<void>): Promise<void> {
  const stack = new StackHarness(log, (name, error) => console.error(`[stack] stopping ${name} failed:`, error.message));
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void shutdown(stack, log, 0);
    });
  }
  try {
    await start(stack);
    log('ready — Ctrl-C stops everything');
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    await shutdown(stack, log, 1);
  }
}
