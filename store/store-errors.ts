import { ApplicationFailure } from '@temporalio/common';

/**
 * What a store activity does with a PostgreSQL error. Connection losses, time-outs, serialisation
 * failures and deadlocks are transient: the activity's retry policy tries again. A data exception
 * (SQLSTATE class 22: a NUL in text, a number out of range, malformed JSON) or an integrity
 * violation (class 23: a unique, foreign-key or check constraint, such as the one-open-case-per-
 * waybill index) will fail the same way on every attempt: retrying it forever would jam the case
 * behind a write that can never succeed. Those become a non-retryable `StoreRejected` failure,
 * which the workflow sees at once and handles visibly.
 */

const STORE_REJECTED = 'StoreRejected';

interface PgError {
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
  message?: unknown;
}

/** SQLSTATE classes no retry can fix. */
const PERMANENT_CLASSES = ['22', '23'];

function isPermanentPgError(error: unknown): boolean {
  const code = (error as PgError | undefined)?.code;
  return typeof code === 'string' && code.length === 5 && PERMANENT_CLASSES.includes(code.slice(0, 2));
}

/** The failure a store activity throws for a permanent PostgreSQL error; other errors unchanged. */
function toStoreFailure(error: unknown, what: string): unknown {
  if (!isPermanentPgError(error)) return error;
  const pg = error as PgError;
  const where = [pg.table, pg.constraint, pg.column].filter((part) => typeof part === 'string').join(' ');
  return ApplicationFailure.create({
    type: STORE_REJECTED,
    nonRetryable: true,
    message: `${what} rejected by PostgreSQL (SQLSTATE ${String(pg.code)}${where ? `, ${where}` : ''}): ${String(pg.message ?? '')}`.slice(0, 500),
    details: [{ sqlState: pg.code, ...(typeof pg.constraint === 'string' ? { constraint: pg.constraint } : {}) }],
  });
}

/** Whether an error is the `StoreRejected` failure a store write throws when no retry can fix it. */
export function isStoreRejection(error: unknown): error is ApplicationFailure {
  return error instanceof ApplicationFailure && error.type === STORE_REJECTED;
}

/** Runs a store write, turning permanent PostgreSQL errors into `StoreRejected`. */
export async function rejectingPermanentErrors<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw toStoreFailure(error, what);
  }
}

const UNIQUE_VIOLATION = '23505';

/** Whether PostgreSQL refused a write for this unique index (callers answer it: a duplicate, a conflict). */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const pgError = error as PgError | undefined;
  return pgError?.code === UNIQUE_VIOLATION && pgError.constraint === constraint;
}
