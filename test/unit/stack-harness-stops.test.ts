import { existsSync, rmSync } from 'node:fs';
import { StackHarness } from '../../scripts/stack/harness';

/** The harness's one promise to every launcher, test run and benchmark: what started is stopped, newest first. */
describe('the stack harness stop', () => {
  it('stops every part newest first, once, however often it is asked', async () => {
    const stopped: string[] = [];
    const stack = new StackHarness(() => undefined);
    for (const name of ['postgres', 'database', 'temporal', 'api']) stack.started(name, async () => stopped.push(name));
    await Promise.all([stack.stop(), stack.stop()]);
    await stack.stop();
    expect(stopped).toEqual(['api', 'temporal', 'database', 'postgres']);
  });

  it('goes on past a part that fails to stop, and says which', async () => {
    const stopped: string[] = [];
    const failures: string[] = [];
    const stack = new StackHarness(
      () => undefined,
      (name, error) => failures.push(`${name}: ${error.message}`),
    );
    stack.started('postgres', async () => stopped.push('postgres'));
    stack.started('worker', () => Promise.reject(new Error('stuck')));
    stack.started('api', async () => stopped.push('api'));
    await stack.stop();
    expect(stopped).toEqual(['api', 'postgres']);
    expect(failures).toEqual(['worker: stuck']);
  });

  it('stops after the work whether it succeeded or threw', async () => {
    const stack = new StackHarness(() => undefined);
    const dir = stack.workDir('stack-harness-test-');
    const kept = new StackHarness(() => undefined).workDir('stack-harness-kept-', { keep: true });
    await expect(stack.run(async () => Promise.reject(new Error('workload failed')))).rejects.toThrow('workload failed');
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(kept)).toBe(true);
    rmSync(kept, { recursive: true });
  });
});
