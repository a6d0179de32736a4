import { startSimulators } from './index';

/**
 * Standalone simulators for the dev stack: SIMULATORS_PORT (default 4100), SIMULATORS_HOST
 * (default 127.0.0.1; 0.0.0.0 in a container, where the API and the worker reach it by name).
 */
async function main(): Promise<void> {
  const port = Number(process.env.SIMULATORS_PORT ?? 4100);
  const host = process.env.SIMULATORS_HOST;
  const sims = await startSimulators({ port, ...(host ? { host } : {}) });
  console.log(`simulators listening on ${sims.url}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`simulators: ${signal} received, closing`);
    sims.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('simulators: close failed', err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error('simulators: failed to start', err);
  process.exit(1);
});
