import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_REGISTRY } from '../workflows/search-attributes';

/**
 * Finds the Temporal CLI (which carries the dev server and Web UI), builds it with Go when it is
 * missing, and runs the dev server with the product's search attributes registered.
 * Temporal ships no npm package with the server, and these machines cannot download release
 * binaries, so `go install` of a pinned tag is the supported path.
 */

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function goBinDir(): string | undefined {
  try {
    const gobin = execFileSync('go', ['env', 'GOBIN'], { encoding: 'utf8' }).trim();
    if (gobin) return gobin;
    const gopath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim().split(delimiter)[0];
    return gopath ? join(gopath, 'bin') : undefined;
  } catch {
    return undefined;
  }
}

export function hasGo(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** TEMPORAL_CLI_PATH, then PATH, then Go's bin folder (and ~/go/bin when Go itself is absent). */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TEMPORAL_CLI_PATH) {
    if (isExecutable(env.TEMPORAL_CLI_PATH)) return env.TEMPORAL_CLI_PATH;
    throw new Error(`TEMPORAL_CLI_PATH=${env.TEMPORAL_CLI_PATH} is not an executable file`);
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'temporal');
    if (isExecutable(candidate)) return candidate;
  }
  for (const dir of [goBinDir(), join(homedir(), 'go', 'bin')]) {
    if (dir && isExecutable(join(dir, 'temporal'))) return join(dir, 'temporal');
  }
  return undefined;
}

/** Returns the CLI's path, building it first when none is found. */
export function ensureTemporalCli(log: (line: string) => void = console.log): string {
  const found = findTemporalCli();
  if (found) return found;
  if (!hasGo()) {
    throw new Error(
      "No Temporal CLI found (looked at TEMPORAL_CLI_PATH, PATH and Go's bin folder) and no Go toolchain to build one.\n" +
        `Install Go 1.23 or newer (https://go.dev/dl/, or your package manager), then run: go install ${TEMPORAL_CLI_MODULE}\n` +
        'or set TEMPORAL_CLI_PATH to an existing temporal binary.',
    );
  }
  log(`Temporal CLI not found; building it: go install ${TEMPORAL_CLI_MODULE} (several minutes the first time)`);
  execFileSync('go', ['install', TEMPORAL_CLI_MODULE], { stdio: 'inherit', env: { ...process.env, CGO_ENABLED: '0' } });
  const built = findTemporalCli();
  if (!built) throw new Error(`go install ${TEMPORAL_CLI_MODULE} finished but no temporal binary is in ${goBinDir()}`);
  return built;
}

export interface DevServerOptions {
  cliPath: string;
  port: number;
  /** Web UI port; `undefined` runs headless. */
  uiPort?: number;
  /** SQLite file to keep state across restarts; in memory when absent. */
  dbFile?: string;
  ip?: string;
  codecEndpoint?: string;
  /** Where the server's output goes; discarded when absent. */
  logTo?: NodeJS.WritableStream;
  startTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export function devServerArgs(options: DevServerOptions): string[] {
  const args = ['server', 'start-dev', '--ip', options.ip ?? '127.0.0.1', '--port', String(options.port), '--log-level', 'warn'];
  if (options.uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort));
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  if (options.codecEndpoint) args.push('--ui-codec-endpoint', options.codecEndpoint);
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_REGISTRY)) args.push('--search-attribute', `${name}=${type}`);
  return args;
}

/** Starts the dev server and resolves once its frontend answers gRPC calls. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const address = `${ip}:${options.port}`;
  const child = spawn(options.cliPath, devServerArgs(options), { stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  let exited: string | undefined;
  let output = '';
  const capture = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
    options.logTo?.write(chunk);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  child.once('exit', (code, signal) => {
    exited = `exited with ${code ?? signal}`;
  });

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) throw new Error(`temporal dev server ${exited}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`temporal dev server did not answer on ${address} in time:\n${output}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        break;
      } finally {
        await connection.close();
      }
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  return {
    address,
    ...(options.uiPort !== undefined ? { uiUrl: `http://${ip}:${options.uiPort}` } : {}),
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

// `tsx scripts/temporal-cli.ts ensure` prints the CLI path, building it if needed (used by .ci/run).
if (require.main === module) {
  const command = process.argv[2];
  if (command === 'ensure') {
    try {
      console.log(ensureTemporalCli((line) => console.error(line)));
    } catch (error) {
      console.error((error as Error).message);
      process.exit(1);
    }
  } else {
    console.error('usage: tsx scripts/temporal-cli.ts ensure');
    process.exit(2);
  }
}
