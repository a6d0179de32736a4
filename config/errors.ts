import type { z } from 'zod';

/** A configuration problem: start-up stops and prints this message, which names the culprit. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function formatZodIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `  - ${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`).join('\n');
}
