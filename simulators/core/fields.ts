/**
 * Hand-rolled readers for untrusted request bodies. Each returns the value or undefined, so a handler
 * can collect what is missing and answer in its own format's error shape.
 */

export type Fields = Record<string, unknown>;

export function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asRecord(value: unknown): Fields {
  return isRecord(value) ? value : {};
}

export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

export function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/** The names in `required` whose values are not non-empty strings. */
export function missingStrings(obj: Fields, required: readonly string[]): string[] {
  return required.filter((name) => nonEmptyString(obj[name]) === undefined);
}

/** Parses a JSON string that must hold an object (formats that nest JSON inside form fields). */
export function parseJsonObject(text: unknown): Fields | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A header or form value as a single string (repeated values: the first). */
export function single(value: unknown): string | undefined {
  if (Array.isArray(value)) return single(value[0]);
  return typeof value === 'string' ? value : undefined;
}

/** Stable JSON (sorted keys) so two equal requests produce the same fingerprint. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
