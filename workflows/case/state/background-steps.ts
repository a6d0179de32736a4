import { CancellationScope } from '@temporalio/workflow';

/**
 * Side steps that must not hold up their caller (a staff notice must not delay the next SLA
 * alarm while the ops group's bot is rate-limited). The search attributes show each step's outcome
 * when it ends (`afterEach`); its task's write saves it; the workflow settles every background step before it closes or continues as new.
 */
export class BackgroundSteps {
  private readonly running = new Set<Promise<void>>();
  private scope?: CancellationScope;

  constructor(private readonly afterEach: () => void) {}

  start(step: () => Promise<void>): void {
    this.scope ??= new CancellationScope();
    const tracked: Promise<void> = this.scope
      .run(step)
      .then(() => this.afterEach())
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  /** Whether a step (a staff notice) is still running: the run ends only after it. */
  any(): boolean {
    return this.running.size > 0;
  }

  /** Waits for the steps; with `withdraw`, those still trying are cancelled first. */
  async settle({ withdraw = false }: { withdraw?: boolean } = {}): Promise<void> {
    if (withdraw && this.running.size) this.scope?.cancel();
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
