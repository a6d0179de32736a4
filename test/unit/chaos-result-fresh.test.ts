import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The house rule: any change to the code a case runs on ends with a fresh full chaos run on its
 * final commit. `bench/results/chaos.json` is that run's record, and docs/reliability.md quotes it;
 * this test fails when the record is not a full passing run, or when the code it vouches for has
 * changed since — so a workflow change cannot land on the strength of an older run.
 */

const ROOT = join(__dirname, '../..');
/** Where the code lives that decides what a case does and how its effects happen. */
const CODE_A_CASE_RUNS_ON = ['workflows', 'activities', 'worker', 'domain', 'codec'];

interface ChaosResult {
  command: string;
  pass: boolean;
  figures: Record<string, number | { p50: number; max: number; goal: number }>;
  workload: { cases: number; casesPlanned: number; cutShort?: string };
  versions: { commit: string; uncommittedCode?: string[] };
}

const result = JSON.parse(readFileSync(join(ROOT, 'bench/results/chaos.json'), 'utf8')) as ChaosResult;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
}

function isAncestorOfHead(commit: string): boolean {
  try {
    git('merge-base', '--is-ancestor', commit, 'HEAD');
    return true;
  } catch {
    return false;
  }
}

describe('the recorded full chaos run', () => {
  it('is the full run: 1,000 cases or more, every planned case started', () => {
    expect(result.command).toBe('npm run chaos');
    expect(result.workload.cases).toBeGreaterThanOrEqual(1000);
    expect(result.workload.cases).toBe(result.workload.casesPlanned);
    expect(result.workload.cutShort).toBeUndefined();
  });

  it('passed with nothing wrong, lost or done twice, and recovered within its goal', () => {
    expect(result.pass).toBe(true);
    const { recoverySeconds, ...counts } = result.figures;
    const nonZero = Object.entries(counts).filter(([name, value]) => name !== 'casesPastClientDeadline' && value !== 0);
    expect(nonZero).toEqual([]);
    const recovery = recoverySeconds as { max: number; goal: number };
    expect(recovery.max).toBeLessThanOrEqual(recovery.goal);
  });

  it('ran on committed code that is part of this history', () => {
    expect(result.versions.uncommittedCode ?? []).toEqual([]);
    expect(isAncestorOfHead(result.versions.commit)).toBe(true);
  });

  it('vouches for the code cases run on today: none of it changed since the run', () => {
    const changed = git('diff', '--name-only', result.versions.commit, 'HEAD', '--', ...CODE_A_CASE_RUNS_ON);
    expect(changed.split('\n').filter(Boolean)).toEqual([]);
  });
});
