import { z } from 'zod';
import { ConfigError, formatZodIssues } from './errors';

/**
 * How the case worker runs under Temporal Worker Versioning (worker/deployment-version.ts): the
 * Worker Deployment it joins, its build id, and whether it makes itself the deployment's current
 * version once it polls.
 */

export type PromotePolicy = 'on-start' | 'manual';

export interface WorkerDeploymentSettings {
  /** TEMPORAL_DEPLOYMENT_NAME: the Worker Deployment every case worker of this installation joins. */
  deploymentName: string;
  /** WORKER_BUILD_ID: the worker's build id; unset, it is derived from the workflow bundle's code. */
  buildId?: string;
  /**
   * WORKER_PROMOTE: `on-start` makes the worker's version current as soon as it polls (the dev
   * profile's default); `manual` leaves that to an operator (`ops versions promote`; the production
   * profile's default).
   */
  promote: PromotePolicy;
}

const DEFAULT_DEPLOYMENT_NAME = 'cases';

// Temporal joins deployment name and build id with ':' in a version's canonical string; a build id
// also becomes part of a search attribute value, so both keep to a plain alphabet.
const name = (variable: string) =>
  z
    .string()
    .min(1, `${variable} must not be empty`)
    .max(200, `${variable} must be at most 200 characters`)
    .regex(/^[A-Za-z0-9._-]+$/, `${variable} may hold only letters, digits, '.', '_' and '-'`);

const deploymentEnv = z.object({
  TEMPORAL_DEPLOYMENT_NAME: name('TEMPORAL_DEPLOYMENT_NAME').default(DEFAULT_DEPLOYMENT_NAME),
  WORKER_BUILD_ID: name('WORKER_BUILD_ID').optional(),
  WORKER_PROMOTE: z.enum(['on-start', 'manual'], { error: 'WORKER_PROMOTE must be "on-start" or "manual"' }).optional(),
});

/** `env` holds only the variables that are set (empty values already dropped by loadConfig). */
export function loadWorkerDeploymentSettings(env: Record<string, string | undefined>, profile: 'dev' | 'production'): WorkerDeploymentSettings {
  const parsed = deploymentEnv.safeParse(env);
  if (!parsed.success) throw new ConfigError(`Invalid configuration:\n${formatZodIssues(parsed.error)}`);
  const e = parsed.data;
  return {
    deploymentName: e.TEMPORAL_DEPLOYMENT_NAME,
    ...(e.WORKER_BUILD_ID ? { buildId: e.WORKER_BUILD_ID } : {}),
    promote: e.WORKER_PROMOTE ?? (profile === 'dev' ? 'on-start' : 'manual'),
  };
}
