import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Keeps histories of real runs under test/histories/, for the replay test to check that today's
 * workflow code still replays them. Recording happens only when RECORD_HISTORIES=1, so a normal
 * test run never rewrites the fixtures it is judged against. The JSON is what
 * `temporal workflow show --output json` prints, the format the SDK's replayer reads.
 */

export const HISTORIES_DIR = resolve(__dirname, '../histories');

export function recordHistory(temporalAddress: string, workflowId: string, name: string): void {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const json = execFileSync(
    process.env.TEMPORAL_CLI_PATH ?? 'temporal',
    ['workflow', 'show', '--address', temporalAddress, '--workflow-id', workflowId, '--output', 'json'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), json);
}
