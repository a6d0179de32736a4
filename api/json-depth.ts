import { HttpProblem } from './problem';

/**
 * How deep a JSON body may nest. No request or push of this API nests deeper than a handful of
 * levels; a body nested thousands deep is an attack on every recursive consumer downstream
 * (JSON.stringify in the access log, validators, redaction), so it is refused before it is parsed.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * The deepest nesting of arrays and objects in JSON text, counted in one iterative pass (no
 * recursion, so any depth is measured safely); stops counting once `limit` is passed. Brackets
 * inside strings do not count. Malformed text is the parser's business: this only counts.
 */
export function jsonTextDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c /* \ */) i += 1;
      else if (code === 0x22 /* " */) inString = false;
      continue;
    }
    if (code === 0x22) inString = true;
    else if (code === 0x5b /* [ */ || code === 0x7b /* { */) {
      depth += 1;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (code === 0x5d /* ] */ || code === 0x7d /* } */) depth -= 1;
  }
  return deepest;
}

function tooDeepProblem(): HttpProblem {
  return new HttpProblem(400, 'JSON nested too deeply', `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`);
}

/** Throws the 400 problem when `text` nests deeper than MAX_JSON_DEPTH. */
function assertJsonDepth(text: string): void {
  if (jsonTextDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw tooDeepProblem();
}

/**
 * For `express.json({ verify })`: runs on the raw body before it is parsed. body-parser passes what
 * it throws to the error handler with the problem's own status (400).
 */
export function verifyJsonDepth(_req: unknown, _res: unknown, body: Buffer, encoding: string): void {
  assertJsonDepth(body.toString((encoding || 'utf8') as BufferEncoding));
}

/** JSON.parse of text that is first checked for depth: a 400 problem for too deep or malformed. */
export function parseBoundedJson(text: string): unknown {
  assertJsonDepth(text);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpProblem(400, 'Malformed JSON', 'The request body is not valid JSON');
  }
}

/**
 * Whether a parsed value nests deeper than `limit`, walked iteratively: for values that did not come
 * from a checked body (whatever a handler put in `req.body`), before anything recursive touches them.
 */
export function valueDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (item === null || typeof item !== 'object') continue;
    if (depth + 1 > limit) return true;
    const children = Array.isArray(item) ? item : Object.values(item as Record<string, unknown>);
    for (const child of children) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
