import { incidentBody, incidentIdFor } from '../../api/routes/incidents';
import { redactLogLine, redactValue, REDACTED } from '../../api/log-redaction';
import { toCsv } from '../../api/reports/csv';
import { carrierOfAftershipSlug, mapAftershipTag } from '../../domain/aftership-tags';
import { carrierOfKuaidi100Com, mapKuaidi100State } from '../../domain/kuaidi100-states';

/** The low-severity findings of issue 18, item 8, each pinned. */

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

describe('provider lookups never read the prototype', () => {
  test.each(PROTOTYPE_KEYS)('AfterShip slug %s is carrier OTHER', (slug) => {
    expect(carrierOfAftershipSlug(slug)).toBe('OTHER');
  });
  test.each(PROTOTYPE_KEYS)('Kuaidi100 com %s is carrier OTHER', (com) => {
    expect(carrierOfKuaidi100Com(com)).toBe('OTHER');
  });
  test.each(PROTOTYPE_KEYS)('state or subtag %s maps to a plain canonical code', (key) => {
    expect(mapKuaidi100State(key)).toMatchObject({ status: 'Exception', subStatus: 'unknown' });
    expect(mapAftershipTag('InTransit', key)).toEqual({ status: 'InTransit', name: 'InTransit' });
    expect(mapAftershipTag(key, undefined)).toMatchObject({ status: 'Exception', subStatus: 'unknown' });
  });
  test('known codes still map', () => {
    expect(carrierOfAftershipSlug('SF-Express')).toBe('SF');
    expect(carrierOfKuaidi100Com('shunfeng')).toBe('SF');
  });
});

describe('logs', () => {
  test('a street address (detail) is redacted wherever an address holds it', () => {
    const out = redactValue({ body: { customer: { address: { city: '深圳', detail: '南山区科技园1号' } }, newAddress: { detail: '福田区2号' } } }) as {
      body: { customer: { address: Record<string, unknown> }; newAddress: Record<string, unknown> };
    };
    expect(out.body.customer.address).toEqual({ city: '深圳', detail: REDACTED });
    expect(out.body.newAddress.detail).toBe(REDACTED);
    // A problem's own `detail` (its explanation) is not an address.
    expect(redactValue({ detail: 'The request body has 1 invalid field(s)' })).toEqual({ detail: 'The request body has 1 invalid field(s)' });
  });

  test('the customer id in an erasure URL is redacted', () => {
    const line = redactLogLine(`${JSON.stringify({ req: { url: '/v1/customers/C-ZHANG-0042/erasure' } })}\n`);
    expect(line).not.toContain('C-ZHANG-0042');
    expect(line).toContain('/v1/customers/[Redacted]/erasure');
  });
});

test('CSV neutralises a leading tab and carriage return as well as = + - @', () => {
  const csv = toCsv([{ a: '\t=1+1', b: '\r=cmd', c: '=x', d: '-5', e: 'plain' }]);
  const [, row] = csv.split('\r\n');
  expect(row).toBe(`'\t=1+1,"'\r=cmd",'=x,-5,plain`);
});

describe('incidents', () => {
  const base = { cause: 'weather', regions: ['44'], startsAt: new Date().toISOString(), message: '台风' };
  test('expectedEndAt more than 30 days ahead is refused; within 30 days accepted', () => {
    const day = 86_400_000;
    expect(incidentBody.safeParse({ ...base, expectedEndAt: new Date(Date.now() + 29 * day).toISOString() }).success).toBe(true);
    const far = incidentBody.safeParse({ ...base, expectedEndAt: '9999-12-31T00:00:00Z' });
    expect(far.success).toBe(false);
    expect(far.error?.issues.map((issue) => issue.path.join('.'))).toContain('expectedEndAt');
    expect(incidentBody.safeParse({ ...base, expectedEndAt: new Date(Date.now() + 31 * day).toISOString() }).success).toBe(false);
  });
  test('an Idempotency-Key names an incident per principal', () => {
    expect(incidentIdFor('supervisor:a', 'key-12345678')).toBe(incidentIdFor('supervisor:a', 'key-12345678'));
    expect(incidentIdFor('supervisor:a', 'key-12345678')).not.toBe(incidentIdFor('supervisor:b', 'key-12345678'));
    expect(incidentIdFor('supervisor:a', 'key-12345678')).toMatch(/^INC-[0-9A-Z]{20}$/);
  });
});
