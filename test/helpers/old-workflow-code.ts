import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

const REPO = resolve(__dirname, '../..');

/**
 * The workflow code of an earlier commit, bundled for a worker: a case can start on it and finish
 * on today's code, the way a deploy meets running cases. The commit's `workflows/`, `domain/` and
 * `config/` are taken from git into `.data/` (inside the repository, so the bundler resolves
 * `@temporalio/workflow` from the same node_modules).
 */
export async function bundleWorkflowsAt(commit: string): Promise<string> {
  const dir = join(REPO, '.data', 'old-workflow-code', commit);
  const bundlePath = join(dir, 'workflow-bundle.js');
  if (existsSync(bundlePath)) return bundlePath;
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync('git', ['-C', REPO, 'archive', commit, 'workflows', 'domain', 'config'], { maxBuffer: 64 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  const silent = () => undefined;
  const bundle = await bundleWorkflowCode({
    workflowsPath: join(dir, 'workflows', 'index.ts'),
    logger: { trace: silent, debug: silent, info: silent, warn: silent, error: silent, log: silent },
  });
  writeFileSync(bundlePath, bundle.code);
  return bundlePath;
}
