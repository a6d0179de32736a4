import type { Router } from 'express';

/** One simulated system as the server mounts it. */
export interface SimulatorModule {
  /** Where the system lives, e.g. /carrier. */
  mountPath: string;
  routes: Router;
  /** Test-only setup routes, mounted under /__control + mountPath. */
  control?: Router;
  /** Forgets all in-memory state. */
  reset(): void;
}
