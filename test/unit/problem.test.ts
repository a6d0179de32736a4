import { z } from 'zod';
import { HttpProblem, jsonPath, parseOrThrow, validationProblem } from '../../api/problem';

describe('jsonPath', () => {
  test.each<[PropertyKey[], string]>([
    [[], '$'],
    [['type'], '$.type'],
    [['customer', 'phone'], '$.customer.phone'],
    [['items', 0, 'sku'], '$.items[0].sku'],
    [['items', 12, 'qty'], '$.items[12].qty'],
    [[0], '$[0]'],
    [['matrix', 1, 2], '$.matrix[1][2]'],
    [['evidence', 3, 'files', 0, 'url'], '$.evidence[3].files[0].url'],
  ])('%j → %s', (path, expected) => {
    expect(jsonPath(path)).toBe(expected);
  });
});

const caseBody = z.object({
  orderId: z.string().min(1),
  customer: z.object({ name: z.string().min(1), phone: z.string().regex(/^1\d{10}$/, 'must be a mainland mobile number') }),
  items: z.array(z.object({ sku: z.string().min(1), qty: z.number().int().positive() })),
});

function zodError(value: unknown): z.ZodError {
  const result = caseBody.safeParse(value);
  if (result.success) throw new Error('expected the value to be invalid');
  return result.error;
}

const INVALID = {
  orderId: '',
  customer: { name: '张三', phone: '12345' },
  items: [
    { sku: 'A', qty: 1 },
    { sku: '', qty: 0 },
  ],
};

describe('validationProblem', () => {
  test('is a 400 that lists every invalid field with its JSON path', () => {
    const problem = validationProblem(zodError(INVALID));
    expect(problem).toBeInstanceOf(HttpProblem);
    expect(problem.status).toBe(400);
    expect(problem.title).toBe('Invalid request');
    const errors = problem.extra.errors as { path: string; message: string }[];
    expect(errors.map((e) => e.path).sort()).toEqual(['$.customer.phone', '$.items[1].qty', '$.items[1].sku', '$.orderId']);
    expect(errors.find((e) => e.path === '$.customer.phone')?.message).toBe('must be a mainland mobile number');
    for (const error of errors) expect(error.message).not.toBe('');
    expect(problem.detail).toBe('The request body has 4 invalid field(s)');
  });

  test('names where the problem is', () => {
    const problem = validationProblem(zodError({ ...INVALID, customer: { name: '张三', phone: '13800000000' }, items: [] }), 'query string');
    expect(problem.detail).toBe('The query string has 1 invalid field(s)');
  });

  test('a missing nested object is reported at its own path', () => {
    const problem = validationProblem(zodError({ orderId: 'O1', items: [] }));
    expect(problem.extra.errors).toEqual([{ path: '$.customer', message: expect.any(String) }]);
    expect(problem.detail).toBe('The request body has 1 invalid field(s)');
  });
});

describe('parseOrThrow', () => {
  test('returns the parsed value when it is valid', () => {
    const value = { orderId: 'O1', customer: { name: '张三', phone: '13800000000' }, items: [{ sku: 'A', qty: 2 }] };
    expect(parseOrThrow(caseBody, value)).toEqual(value);
  });

  test('throws the 400 problem naming every invalid field', () => {
    let thrown: unknown;
    try {
      parseOrThrow(caseBody, INVALID, 'case');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HttpProblem);
    expect((thrown as HttpProblem).status).toBe(400);
    expect((thrown as HttpProblem).detail).toBe('The case has 4 invalid field(s)');
    expect(((thrown as HttpProblem).extra.errors as unknown[]).length).toBe(4);
  });
});
