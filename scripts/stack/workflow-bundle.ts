import { writeFileSync } from 'node:fs';
import { WORKFLOWS_PATH } from '../../worker/create-worker';
import { bundleCaseWorkflows } from '../../worker/deployment-version';
import type { Log } from './stops';

/**
 * Workflow code bundled once, before anything is timed or any worker starts: every worker of the
 * stack (in this process or a child's, with WORKFLOW_BUNDLE_PATH) loads the same file instead of
 * running webpack itself, and so runs as the same build id. The bundler's chatter is dropped; its
 * warnings and errors are kept.
 */

/** The bundle's code, with the payload converters every worker of the product uses. */
export async function bundleWorkflows(log: Log, workflowsPath: string = WORKFLOWS_PATH): Promise<string> {
  return bundleCaseWorkflows(workflowsPath, log);
}

/** Bundles the case workflows into `path` and answers `path`. */
export async function writeWorkflowBundle(path: string, log: Log): Promise<string> {
  writeFileSync(path, await bundleWorkflows(log));
  return path;
}
