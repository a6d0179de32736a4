/** Stops what global-setup.ts started: the Temporal server, then the run's databases, then PostgreSQL if embedded. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__caseTestStack?.stop();
}
