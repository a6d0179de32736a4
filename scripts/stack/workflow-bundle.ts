import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_CONVERTERS } from '../../codec/data-converter';
import { WORKFLOWS_PATH } from '../../worker/create-worker';
import type { Log } from './stops';

/**
 * Workflow code bundled once, before anything is timed or any worker starts: every worker of the
 * stack (in this process or a child's, with WORKFLOW_BUNDLE_PATH) loads the same file instead of
 * running webpack itself. The bundler's chatter is dropped; its warnings and errors are kept.
 */

function quietBundlerLogger(log: Log): { log: Log; trace: Log; debug: Log; info: Log; warn: Log; error: Log } {
  const drop = () => undefined;
  return { log: drop, trace: drop, debug: drop, info: drop, warn: log, error: log };
}

/** The bundle's code, with the payload converters every worker of the product uses. */
export async function bundleWorkflows(log: Log, workflowsPath: string = WORKFLOWS_PATH): Promise<string> {
  return (await bundleWorkflowCode({ workflowsPath, ...WORKFLOW_BUNDLE_CONVERTERS, logger: quietBundlerLogger(log) })).code;
}

/** Bundles the case workflows into `path` and answers `path`. */
export async function writeWorkflowBundle(path: string, log: Log): Promise<string> {
  writeFileSync(path, await bundleWorkflows(log));
  return path;
}
