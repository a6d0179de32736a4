import { dropDatabase } from '../../scripts/postgres';

export default async function globalTeardown(): Promise<void> {
  const running = globalThis.__caseTestStack;
  if (!running) return;
  await running.devServer.stop();
  await dropDatabase(running.serverUrl, running.database).catch((error: unknown) => {
    process.stderr.write(`could not drop ${running.database}: ${(error as Error).message}\n`);
  });
  await running.stopPostgres();
}
