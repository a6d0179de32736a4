/**
 * Text PostgreSQL cannot store: NUL (refused by `text` and `jsonb`) and UTF-16 surrogates without
 * their pair (refused by `jsonb` as an invalid escape). The one place the rule lives: the API
 * refuses such input at the edge (`unstorableReason`, api/storable-text.ts); whatever still
 * reaches a case (a client talking to Temporal directly, a carrier's push) is replaced by U+FFFD
 * before it is recorded (`storable`), so no write of the case can be poisoned by it. Pure: safe
 * in workflow code.
 */

const REPLACEMENT_CHARACTER = '\uFFFD';

// eslint-disable-next-line no-control-regex -- NUL is exactly what PostgreSQL text cannot store
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const NUL = '\u0000';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why PostgreSQL would refuse `text`, in words for an API client; undefined when it can be stored. */
export function unstorableReason(text: string): string | undefined {
  if (text.includes(NUL)) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must not contain an unpaired UTF-16 surrogate';
  return undefined;
}

function hasUnstorableText(text: string): boolean {
  return unstorableReason(text) !== undefined;
}

export function storableText(text: string): string {
  return text.replace(UNSTORABLE, REPLACEMENT_CHARACTER);
}

/**
 * A copy of `value` with every unstorable string (keys too) replaced; `replaced` collects the
 * paths that changed (`text`, `evidence.description`, `items.0.sku`). Untouched values are
 * returned as they are, so the common case allocates nothing.
 */
export function storable<T>(value: T, replaced: string[] = [], path = ''): T {
  if (typeof value === 'string') {
    if (!hasUnstorableText(value)) return value;
    replaced.push(path || '(value)');
    return storableText(value) as T;
  }
  if (Array.isArray(value)) {
    let changed = false;
    const copy = value.map((item, index) => {
      const clean = storable(item, replaced, path ? `${path}.${index}` : String(index));
      if (clean !== item) changed = true;
      return clean;
    });
    return (changed ? copy : value) as T;
  }
  if (value !== null && typeof value === 'object') {
    let changed = false;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const cleanKey = hasUnstorableText(key) ? storableText(key) : key;
      const clean = storable(item, replaced, path ? `${path}.${cleanKey}` : cleanKey);
      if (clean !== item || cleanKey !== key) changed = true;
      if (cleanKey !== key) replaced.push(path ? `${path}.${cleanKey}` : cleanKey);
      copy[cleanKey] = clean;
    }
    return (changed ? copy : value) as T;
  }
  return value;
}
