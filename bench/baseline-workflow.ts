/**
 * The benchmark's baseline: the least a workflow can be. Starting it measures Temporal's own cost
 * of `client.workflow.start` on the same server, against which the API's open-case cost is read.
 */
export async function benchNoopWorkflow(): Promise<string> {
  return 'ok';
}
