import { jsonPath, type FieldError } from './field-errors';

/**
 * Text PostgreSQL cannot store: `text` and `jsonb` refuse the NUL character (U+0000), and `jsonb`
 * refuses a UTF-16 surrogate that is not half of a pair. Such text must be refused at the edge:
 * once inside a workflow it would reach `persistCase`, which could never write it.
 */

const NUL = '\u0000';
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function unstorableReason(text: string): string | undefined {
  if (text.includes(NUL)) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must not contain an unpaired UTF-16 surrogate';
  return undefined;
}

/** Every string (and object key) in a parsed JSON value that cannot be stored, by JSON path. */
export function findUnstorableText(value: unknown, path: PropertyKey[] = []): FieldError[] {
  if (typeof value === 'string') {
    const reason = unstorableReason(value);
    return reason ? [{ path: jsonPath(path), message: reason }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => findUnstorableText(item, [...path, index]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) => {
      const keyReason = unstorableReason(key);
      const here = [...path, key];
      return keyReason ? [{ path: jsonPath(here), message: `field name ${keyReason}` }] : findUnstorableText(item, here);
    });
  }
  return [];
}
