import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { killOnExit } from '../../scripts/stack/kill-on-exit';

/**
 * The chaos run's process supervision: the simulators, the API and the worker each a process of
 * its own on 127.0.0.1, so each can be killed and restarted on purpose. Child processes run as
 * `node --import tsx <entry>` — one process each, so a SIGKILL reaches the process doing the
 * work, not a launcher in front of it. The servers under them (a restartable dev server, a
 * PostgreSQL the run owns) come from the stack harness (scripts/stack/).
 */

export const ROOT = resolve(__dirname, '../..');

export { freePort } from '../../fixtures/free-port';

export interface ProcessExit {
  name: string;
  at: string;
  code: number | null;
  signal: string | null;
  /** The last lines the process wrote, for whoever investigates. */
  tail: string;
  /** The last line that looked like an error. */
  errorLine?: string;
}

/**
 * A child process the run supervises: started and awaited until it prints its ready line, killed
 * on purpose (an expected exit), or restarted when it dies on its own (an unexpected exit, which
 * is recorded: the API or worker falling over is itself a finding).
 */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private expectingExit = false;
  private tail = '';
  private errorLine: string | undefined;
  private stopped = false;
  private starting: Promise<void> | undefined;
  /** Every child ever spawned, so none outlives the run whatever happened to it. */
  private readonly spawned = new Set<ChildProcess>();
  readonly unexpectedExits: ProcessExit[] = [];
  starts = 0;
  lastReadyAt = 0;

  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: () => NodeJS.ProcessEnv,
    private readonly readyPattern: RegExp,
    private readonly log: WriteStream,
    private readonly say: (line: string) => void,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and resolves once it prints its ready line; one start at a time. */
  start(timeoutMs = 120_000): Promise<void> {
    if (!this.starting) {
      this.starting = this.startWithRetries(timeoutMs).finally(() => {
        this.starting = undefined;
      });
    }
    return this.starting;
  }

  private async startWithRetries(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.startOnce(Math.max(5_000, deadline - Date.now()));
        return;
      } catch (error) {
        if (Date.now() > deadline || this.stopped) throw error;
        this.say(`${this.name}: start attempt ${attempt} failed (${(error as Error).message.split('\n')[0]}); retrying`);
        await new Promise((done) => setTimeout(done, 1_000));
      }
    }
  }

  private startOnce(timeoutMs: number): Promise<void> {
    this.starts += 1;
    this.expectingExit = false;
    const child = spawn(process.execPath, ['--import', 'tsx', this.entry], {
      cwd: ROOT,
      env: this.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.spawned.add(child);
    killOnExit(child);
    child.once('exit', () => this.spawned.delete(child));
    const started = Date.now();
    return new Promise<void>((ready, fail) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        child.kill('SIGKILL');
        fail(new Error(`${this.name} printed no ready line in ${timeoutMs} ms`));
      }, timeoutMs);
      const onData = (chunk: Buffer) => {
        const text = chunk.toString();
        this.log.write(`[${new Date().toISOString()} ${this.name}#${this.starts}] ${text}`);
        this.tail = (this.tail + text).slice(-2_000);
        for (const line of text.split('\n')) {
          if (/^\s*(\w*Error\b|error:|Uncaught|Unhandled)/.test(line) && !/TransientHttpError|rate limit/.test(line))
            this.errorLine = line.trim().slice(0, 300);
        }
        if (!settled && this.readyPattern.test(text)) {
          settled = true;
          clearTimeout(timer);
          this.lastReadyAt = Date.now();
          this.say(`${this.name}: ready in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${child.pid})`);
          ready();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code, signal) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          fail(new Error(`${this.name} exited with ${code ?? signal} before it was ready: ${this.tail.slice(-500)}`));
          return;
        }
        if (this.expectingExit || this.stopped || this.child !== child) return;
        // Died on its own: record it and bring it back, as a process supervisor would.
        this.unexpectedExits.push({
          name: this.name,
          at: new Date().toISOString(),
          code,
          signal,
          tail: this.tail.slice(-1_000),
          ...(this.errorLine ? { errorLine: this.errorLine } : {}),
        });
        this.say(`${this.name}: exited unexpectedly (${code ?? signal}); restarting`);
        setTimeout(() => {
          if (!this.stopped && this.child === child) void this.start().catch((error: Error) => this.say(`${this.name}: restart failed: ${error.message}`));
        }, 1_000);
      });
    });
  }

  /** Sends `signal` and resolves once the process has exited (an expected exit). */
  async kill(signal: NodeJS.Signals): Promise<void> {
    // A start in progress (a restart after a crash) finishes first, so no second process is left behind.
    await this.starting?.catch(() => undefined);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.expectingExit = true;
    await new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill(signal);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const other of this.spawned) if (other !== this.child) other.kill('SIGKILL');
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.expectingExit = true;
    await new Promise<void>((done) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        done();
      });
      child.kill('SIGTERM');
    });
  }
}

export function openLog(path: string): WriteStream {
  return createWriteStream(path, { flags: 'a' });
}
