import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../api/logging';

/** A pino logger (the product's, redaction included) whose lines a test can read back. */
export interface CapturedLog {
  logger: Logger;
  /** Every line written so far, exactly as it would reach stdout. */
  text(): string;
  lines(): Array<Record<string, unknown>>;
}

export function captureLog(level: 'debug' | 'info' | 'warn' = 'info'): CapturedLog {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      raw.push(String(chunk));
      done();
    },
  });
  return {
    logger: createLogger({ level, destination: stream }),
    text: () => raw.join(''),
    lines: () =>
      raw
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
