import { Writable } from 'node:stream';
import { createLogger } from '../../api/logging';
import { REDACTED, redactLogLine, redactValue } from '../../api/log-redaction';

/** What a log line may never carry: credentials, phone numbers, people's names. */

function capture(): { lines: Array<Record<string, unknown>>; stream: Writable; text: () => string } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      raw.push(String(chunk));
      done();
    },
  });
  return {
    stream,
    get lines() {
      return raw
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    text: () => raw.join(''),
  };
}

describe('log redaction', () => {
  it('redacts the Authorization header, cookies and signatures, whatever their case', () => {
    const out = redactValue({ headers: { Authorization: 'Bearer secret-token-123', cookie: 'sid=1', 'x-signature': 'sha256=ab', host: 'api' } });
    expect(out).toEqual({ headers: { Authorization: REDACTED, cookie: REDACTED, 'x-signature': REDACTED, host: 'api' } });
  });

  it('redacts a customer’s name and phone and an address’s name and phone at any depth', () => {
    const body = {
      type: 'ADDRESS_CHANGE',
      customer: { id: 'C-1', name: '张三汽修', phone: '13800138000' },
      newAddress: { name: '李四', phone: '0755-12345678', city: '深圳' },
      items: [{ sku: 'BRK-1', qty: 2 }],
      nested: { deeper: { customer: { name: 'Wang Wu', phone: 13900139000 } } },
    };
    const out = redactValue(body) as typeof body;
    expect(out.customer).toEqual({ id: 'C-1', name: REDACTED, phone: REDACTED });
    expect(out.newAddress).toEqual({ name: REDACTED, phone: REDACTED, city: '深圳' });
    expect(out.nested.deeper.customer).toEqual({ name: REDACTED, phone: REDACTED });
    // What identifies the case, not the person, stays.
    expect(out.items).toEqual(body.items);
    expect(out.type).toBe('ADDRESS_CHANGE');
  });

  it('masks phone numbers and bearer tokens inside free text but leaves waybills and ids alone', () => {
    const text = 'customer 13800138000 (+86 13912345678) called about SF1234567890123 and CASE-20261123-7K3QH9XW; Bearer abc.def';
    const out = redactValue({ description: text }) as { description: string };
    expect(out.description).not.toMatch(/13800138000|13912345678|abc\.def/);
    expect(out.description).toContain('SF1234567890123');
    expect(out.description).toContain('CASE-20261123-7K3QH9XW');
  });

  it('leaves a name that is not a person’s (an error’s, a route’s) as it is', () => {
    expect(redactValue({ err: { name: 'TypeError' }, route: { name: 'cases' } })).toEqual({ err: { name: 'TypeError' }, route: { name: 'cases' } });
  });

  it('applies to every line a logger writes, including the message and child bindings', () => {
    const sink = capture();
    const logger = createLogger({ level: 'info', destination: sink.stream }).child({ customer: { name: '张三', phone: '13800138000' } });
    logger.info({ req: { headers: { authorization: 'Bearer dev-agent-token' } } }, 'called back 13800138000');
    const text = sink.text();
    expect(text).not.toContain('13800138000');
    expect(text).not.toContain('张三');
    expect(text).not.toContain('dev-agent-token');
    const [line] = sink.lines;
    expect(line).toMatchObject({ level: 'info', msg: 'called back [phone]', customer: { name: REDACTED, phone: REDACTED } });
  });

  it('keeps a line that is not JSON, redacted as text', () => {
    expect(redactLogLine('plain 13800138000 line\n')).toBe('plain [phone] line\n');
  });
});

describe('the codec UI secret (issue 18, item 3)', () => {
  it('is redacted from any path, whatever field holds it', () => {
    const line = JSON.stringify({
      req: { url: '/codec/ui/s3cr3t-path-segment-0123456789abcdef/decode?x=1' },
      msg: 'POST /codec/ui/another_secret_value_0123456789/encode failed',
    });
    const out = redactLogLine(`${line}\n`);
    expect(out).not.toContain('s3cr3t-path-segment-0123456789abcdef');
    expect(out).not.toContain('another_secret_value_0123456789');
    expect(out).toContain('/codec/ui/[Redacted]/decode');
  });
});

describe('a case search term', () => {
  it('is redacted from the logged URL and query: agents look customers up by name', () => {
    const line = JSON.stringify({
      req: { method: 'GET', url: '/v1/cases?status=OPEN&q=%E6%AC%A7%E9%98%B3%E6%B1%BD%E4%BF%AE&limit=5', query: { status: 'OPEN', q: '欧阳汽修', limit: '5' } },
      msg: 'request completed',
    });
    const out = JSON.parse(redactLogLine(`${line}\n`)) as { req: { url: string; query: Record<string, string> } };
    expect(out.req.url).toBe('/v1/cases?status=OPEN&q=[Redacted]&limit=5');
    expect(out.req.query).toEqual({ status: 'OPEN', q: REDACTED, limit: '5' });
  });
});
