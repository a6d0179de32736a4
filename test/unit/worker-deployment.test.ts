import { ConfigError } from '../../config';
import { loadWorkerDeploymentSettings } from '../../config/worker-deployment';
import { buildIdOf, versionString } from '../../worker/deployment-version';

/** The case worker's Worker Deployment settings and build id (docs/operations.md, Upgrades). */

describe('worker deployment settings', () => {
  it('joins the deployment `cases`; promotes itself in the dev profile, waits for an operator in production', () => {
    expect(loadWorkerDeploymentSettings({}, 'dev')).toEqual({ deploymentName: 'cases', promote: 'on-start' });
    expect(loadWorkerDeploymentSettings({}, 'production')).toEqual({ deploymentName: 'cases', promote: 'manual' });
  });

  it('takes the deployment, the build id and the policy from the environment', () => {
    const env = { TEMPORAL_DEPLOYMENT_NAME: 'cases-eu', WORKER_BUILD_ID: '2026.12.07-1', WORKER_PROMOTE: 'manual' };
    expect(loadWorkerDeploymentSettings(env, 'dev')).toEqual({ deploymentName: 'cases-eu', buildId: '2026.12.07-1', promote: 'manual' });
    expect(loadWorkerDeploymentSettings({ WORKER_PROMOTE: 'on-start' }, 'production').promote).toBe('on-start');
  });

  it.each([
    [{ WORKER_PROMOTE: 'always' }, 'WORKER_PROMOTE must be "on-start" or "manual"'],
    [{ WORKER_BUILD_ID: 'a:b' }, "WORKER_BUILD_ID may hold only letters, digits, '.', '_' and '-'"],
    [{ TEMPORAL_DEPLOYMENT_NAME: 'cases/eu' }, "TEMPORAL_DEPLOYMENT_NAME may hold only letters, digits, '.', '_' and '-'"],
  ])('refuses %j with a message naming it', (env, message) => {
    expect(() => loadWorkerDeploymentSettings(env, 'dev')).toThrow(ConfigError);
    expect(() => loadWorkerDeploymentSettings(env, 'dev')).toThrow(message);
  });
});

describe('build id', () => {
  it('is 12 hex digits of the code, the same for the same code and new for changed code', () => {
    const id = buildIdOf('export function caseWorkflow() {}');
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(buildIdOf('export function caseWorkflow() {}')).toBe(id);
    expect(buildIdOf('export function caseWorkflow() { return 1; }')).not.toBe(id);
    expect(versionString({ deploymentName: 'cases', buildId: id })).toBe(`cases:${id}`);
  });
});
