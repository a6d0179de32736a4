import { startSimulators } from '../simulators';
import { SIMULATED_SYSTEMS, type SimulatedSystem } from '../simulators/types';

/**
 * The simulators on their own for `npm run chaos`: SIMULATORS_PORT, SIM_SEED (default 42) and
 * SIM_NO_DEDUPE (comma-separated systems that repeat effects for a repeated key, as providers
 * without server-side dedupe do). Listens on 127.0.0.1 only.
 */
async function main(): Promise<void> {
  const noDedupe = (process.env.SIM_NO_DEDUPE ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of noDedupe) {
    if (!(SIMULATED_SYSTEMS as readonly string[]).includes(name)) throw new Error(`SIM_NO_DEDUPE: unknown system ${name}`);
  }
  const sims = await startSimulators({
    port: Number(process.env.SIMULATORS_PORT ?? 0),
    host: '127.0.0.1',
    seed: Number(process.env.SIM_SEED ?? 42),
    noDedupe: noDedupe as SimulatedSystem[],
  });
  console.log(`simulators listening on ${sims.url}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void sims.close().finally(() => process.exit(0)));
  }
}

main().catch((error: unknown) => {
  console.error('simulators: failed to start', error);
  process.exit(1);
});
