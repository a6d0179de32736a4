import { dropDatabase } from '../../scripts/postgres';

export default async function globalTeardown(): Promise<void> {
  const running = globalThis.__caseTestStack;
  if (!running) return;
  await running.temporal.stop();
  for (const database of running.databases) {
    await dropDatabase(running.serverUrl, database).catch((error: unknown) => {
      process.stderr.write(`could not drop ${database}: ${(error as Error).message}\n`);
    });
  }
  await running.stopPostgres();
}
