import type { Request } from 'express';
import { jsonTextDepth, parseBoundedJson } from '../../api/json-depth';
import { bodyToLog } from '../../api/logging';
import { jsonPath } from '../../api/field-errors';
import { findUnstorableText } from '../../api/storable-text';

/**
 * Values nested far deeper than any body the API accepts never overflow the call stack of what
 * reads them (issue 18, item 1): the text depth count, the storable-text check and the access
 * log's body are all iterative or bounded.
 */

/** [[[ … "x" … ]]] built without recursion. */
function deepArray(depth: number, leaf: unknown): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
}

test('the depth of JSON text is counted without recursion, brackets inside strings ignored', () => {
  expect(jsonTextDepth('{"a":[1,{"b":"[[[["}]}')).toBe(3);
  expect(jsonTextDepth('"\\"[["')).toBe(0);
  expect(jsonTextDepth('['.repeat(1_000_000))).toBe(1_000_000);
  expect(jsonTextDepth('['.repeat(1_000_000), 32)).toBe(33);
});

test('parseBoundedJson refuses text nested too deeply with a 400 problem', () => {
  expect(() => parseBoundedJson(`${'['.repeat(5_000)}${']'.repeat(5_000)}`)).toThrow(expect.objectContaining({ status: 400, title: 'JSON nested too deeply' }));
  expect(parseBoundedJson('{"a":[1]}')).toEqual({ a: [1] });
  expect(() => parseBoundedJson('{')).toThrow(expect.objectContaining({ status: 400, title: 'Malformed JSON' }));
});

test('findUnstorableText walks a value nested 100,000 deep and still names the bad field', () => {
  const found = findUnstorableText(deepArray(100_000, 'x\u0000'));
  expect(found).toHaveLength(1);
  expect(found[0]?.message).toMatch(/NUL/);
});

test('findUnstorableText reports in document order, bad keys once', () => {
  expect(findUnstorableText({ a: 'ok', b: ['x\u0000', { 'k\u0000': 'y\u0000' }], c: '\ud800' }).map((e) => e.path)).toEqual([
    '$.b[0]',
    jsonPath(['b', 1, 'k\u0000']),
    '$.c',
  ]);
});

test('the access log describes a body nested too deeply instead of throwing', () => {
  const req = { body: deepArray(100_000, 1) } as unknown as Request;
  expect(() => bodyToLog(req)).not.toThrow();
  expect(bodyToLog(req)).toMatchObject({ truncated: true });
  expect(bodyToLog({ body: { a: 1 } } as unknown as Request)).toEqual({ a: 1 });
});
