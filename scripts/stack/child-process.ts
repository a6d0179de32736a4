import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';

/**
 * A long-running child (a Temporal server, the Web UI server) with its output appended to a log
 * file, the last lines kept for error messages, and a stop that asks politely first.
 */

export interface Child {
  name: string;
  process: ChildProcess;
  /** Why it exited, once it has (`exited with 1`), else undefined. */
  exited(): string | undefined;
  /** The last few thousand characters it printed. */
  tail(): string;
  stop(): Promise<void>;
}

export interface StartChildOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Appends stdout and stderr here; kept only in memory when absent. */
  logFile?: string;
  /** SIGTERM, then SIGKILL after this long. */
  stopGraceMs?: number;
}

export function startChild(name: string, command: string, args: string[], options: StartChildOptions = {}): Child {
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own: Ctrl-C in the terminal reaches the launcher alone, which stops
    // its parts newest first (the servers last) instead of every process at once.
    detached: true,
    env: options.env ?? process.env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  let output = '';
  let exited: string | undefined;
  const capture = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-6_000);
    log?.write(chunk);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  const done = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `exited with ${code ?? signal}`;
      log?.end();
      resolve();
    });
    child.once('error', (error) => {
      exited = `failed to start: ${error.message}`;
      log?.end();
      resolve();
    });
  });
  return {
    name,
    process: child,
    exited: () => exited,
    tail: () => output,
    async stop() {
      if (exited) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), options.stopGraceMs ?? 10_000);
      child.kill('SIGTERM');
      await done;
      clearTimeout(timer);
    },
  };
}

/** Polls `ready` until it answers true; fails early when the child exits. */
export async function waitUntilReady(child: Child, what: string, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exited = child.exited();
    if (exited) throw new Error(`${child.name} ${exited} before ${what}:\n${child.tail()}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(`${child.name}: no ${what} after ${Math.round(timeoutMs / 1000)} s:\n${child.tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
