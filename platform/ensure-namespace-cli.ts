import { Connection } from '@temporalio/client';
import { ConfigError } from '../config/errors';
import { ensureTemporalNamespace } from './temporal-namespace';

/**
 * The namespace check on its own, as a set-up step (docker-compose.yml's `temporal-setup`):
 * `tsx platform/ensure-namespace-cli.ts` with TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE. It waits
 * for a server that is still starting, then creates the namespace and search attributes the API
 * and the worker would otherwise create at their own start, so the Web UI has them from the start.
 */
async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  const deadline = Date.now() + Number(process.env.TEMPORAL_WAIT_MS ?? 120_000);
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        await ensureTemporalNamespace(connection, { namespace, log: console.log });
        console.log(`Temporal namespace "${namespace}" on ${address} is ready`);
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      if (error instanceof ConfigError || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
