import { unstorableReason } from '../domain/storable-text';
import { jsonPath, type FieldError } from './field-errors';

/**
 * The edge's side of the storable-text rule (domain/storable-text.ts): such text is refused here,
 * by JSON path, because once inside a workflow it would reach `persistCase`, which could never
 * write it.
 */

/** Where a value sits: its key and its parent's place (a linked path, so nothing is copied per level). */
interface Place {
  key: PropertyKey;
  parent: Place | undefined;
}

type Pending = { value: unknown; place: Place | undefined } | { error: string; place: Place | undefined };

function pathOf(start: PropertyKey[], place: Place | undefined): PropertyKey[] {
  const keys: PropertyKey[] = [];
  for (let at = place; at; at = at.parent) keys.push(at.key);
  return [...start, ...keys.reverse()];
}

/**
 * Every string (and object key) in a parsed JSON value that cannot be stored, by JSON path, in
 * document order. Walked with an explicit stack, not recursion: however deep the value nests, this
 * cannot overflow the call stack, and its cost grows with the value's size only.
 */
export function findUnstorableText(value: unknown, path: PropertyKey[] = []): FieldError[] {
  const found: FieldError[] = [];
  const stack: Pending[] = [{ value, place: undefined }];
  while (stack.length) {
    const item = stack.pop() as Pending;
    if ('error' in item) {
      found.push({ path: jsonPath(pathOf(path, item.place)), message: item.error });
      continue;
    }
    if (typeof item.value === 'string') {
      const reason = unstorableReason(item.value);
      if (reason) found.push({ path: jsonPath(pathOf(path, item.place)), message: reason });
      continue;
    }
    if (item.value === null || typeof item.value !== 'object') continue;
    const children: Pending[] = [];
    if (Array.isArray(item.value)) {
      item.value.forEach((child: unknown, index) => children.push({ value: child, place: { key: index, parent: item.place } }));
    } else {
      for (const [key, child] of Object.entries(item.value as Record<string, unknown>)) {
        const place = { key, parent: item.place };
        const keyReason = unstorableReason(key);
        // A field whose name cannot be stored is reported once; its value is not looked into.
        children.push(keyReason ? { error: `field name ${keyReason}`, place } : { value: child, place });
      }
    }
    // Pushed in reverse so they are popped, and reported, in document order.
    for (let index = children.length - 1; index >= 0; index -= 1) stack.push(children[index] as Pending);
  }
  return found;
}
