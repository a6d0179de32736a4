import { z } from 'zod';
import { HttpProblem, jsonPath, parseOrThrow, problemErrorHandler, validationProblem } from '../../api/problem';

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

describe('problemErrorHandler', () => {
  /** The part of an express Response the handler writes to. */
  function response() {
    const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
    const res = {
      status(code: number) {
        sent.status = code;
        return res;
      },
      setHeader(name: string, value: string) {
        sent.headers[name.toLowerCase()] = value;
        return res;
      },
      type() {
        return res;
      },
      json(body: unknown) {
        sent.body = body;
        return res;
      },
      send(body: unknown) {
        sent.body = typeof body === 'string' ? JSON.parse(body) : body;
        return res;
      },
    };
    return { res, sent };
  }
  const handle = (error: unknown) => {
    const { res, sent } = response();
    const logged: string[] = [];
    problemErrorHandler((message) => logged.push(message))(error, {} as never, res as never, () => undefined);
    return { sent, logged };
  };

  test.each([
    ['an administrator shutdown (57P01)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a connection failure (class 08)', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['the socket closing under a query', new Error('Connection terminated unexpectedly')],
  ])('PostgreSQL going away (%s) is a 503 to retry, with no internal text', (_, error) => {
    const { sent, logged } = handle(error);
    expect(sent.status).toBe(503);
    expect(sent.headers['retry-after']).toBe('2');
    expect(JSON.stringify(sent.body)).not.toMatch(/terminat|ECONN|5432|08006/);
    expect(logged).toEqual(['the store is unavailable']);
  });

  test('any other error stays a 500 that says nothing of itself', () => {
    const { sent } = handle(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }));
    expect(sent.status).toBe(500);
    expect(JSON.stringify(sent.body)).not.toMatch(/duplicate/);
  });
});
