import { createHash } from 'node:crypto';
import { type ChainedEvent, GENESIS_HASH, canonicalJson, hashEvent, verifyChain } from '../../store/audit-hash';
import type { AuditEvent } from '../../domain/case-view';

const CASE_ID = 'CASE-20261123-0001';

const EVENTS: AuditEvent[] = [
  {
    seq: 1,
    at: '2026-11-23T08:00:00.000Z',
    actor: { kind: 'user', id: 'agent:abcdef', role: 'agent' },
    kind: 'case.opened',
    data: { type: 'DELAYED', waybillNo: 'SF1' },
  },
  {
    seq: 2,
    at: '2026-11-23T08:00:01.000Z',
    actor: { kind: 'workflow', id: 'case-workflow' },
    kind: 'notification.sent',
    data: { channel: 'sms', template: 'case.acknowledged' },
  },
  { seq: 3, at: '2026-11-23T09:00:00.000Z', actor: { kind: 'carrier', id: 'SF' }, kind: 'carrier.urged', data: { attempt: 1, accepted: true } },
  {
    seq: 4,
    at: '2026-11-24T10:30:00.000Z',
    actor: { kind: 'carrier', id: 'SF' },
    kind: 'tracking.delivered',
    data: { location: '上海', items: [{ sku: 'A', qty: 2 }] },
  },
];

/** Builds the chain the way the store does: each hash covers the previous one. */
function chain(events: readonly AuditEvent[], caseId = CASE_ID): ChainedEvent[] {
  let prevHash = GENESIS_HASH;
  return events.map((event) => {
    const hash = hashEvent(caseId, prevHash, event);
    const chained = { ...event, prevHash, hash };
    prevHash = hash;
    return chained;
  });
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('canonicalJson', () => {
  test('is independent of key order, at every depth', () => {
    const a = { b: 1, a: { y: [1, { d: 2, c: 3 }], x: null }, c: 'z' };
    const b = { c: 'z', a: { x: null, y: [1, { c: 3, d: 2 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"x":null,"y":[1,{"c":3,"d":2}]},"b":1,"c":"z"}');
  });

  test('drops object properties whose value is undefined', () => {
    expect(canonicalJson({ a: 1, b: undefined, c: { d: undefined } })).toBe('{"a":1,"c":{}}');
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });

  test('keeps array order and writes undefined array items as null, like JSON', () => {
    expect(canonicalJson([3, 1, 2])).not.toBe(canonicalJson([1, 2, 3]));
    expect(canonicalJson([1, undefined, 2])).toBe('[1,null,2]');
  });

  test.each<[unknown, string]>([
    [null, 'null'],
    [undefined, 'null'],
    ['案件', '"案件"'],
    ['quote " and \\', '"quote \\" and \\\\"'],
    [42, '42'],
    [true, 'true'],
  ])('writes %p as %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  test('is valid JSON that parses back to the same value', () => {
    const value = { z: [1, 'two', { three: 3 }], a: { 'key with "quotes"': '值' }, n: null };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });

  test('gives the same text after a JSON round trip (as data read back from JSONB)', () => {
    const data = EVENTS[3]?.data;
    expect(canonicalJson(JSON.parse(JSON.stringify(data)))).toBe(canonicalJson(data));
  });
});

describe('hashEvent', () => {
  const event = EVENTS[0] as AuditEvent;

  test('is SHA-256 over the previous hash, a newline and the canonical event', () => {
    const body = canonicalJson({ caseId: CASE_ID, seq: event.seq, at: event.at, actor: event.actor, kind: event.kind, data: event.data });
    const expected = createHash('sha256').update(`${GENESIS_HASH}\n${body}`).digest('hex');
    expect(hashEvent(CASE_ID, GENESIS_HASH, event)).toBe(expected);
  });

  test('does not depend on the key order of the event data', () => {
    const reordered: AuditEvent = { ...event, data: { waybillNo: 'SF1', type: 'DELAYED' } };
    expect(hashEvent(CASE_ID, GENESIS_HASH, reordered)).toBe(hashEvent(CASE_ID, GENESIS_HASH, event));
  });

  test('hashes the instant, not how the timestamp is written', () => {
    const sameInstant: AuditEvent = { ...event, at: '2026-11-23T16:00:00+08:00' };
    expect(hashEvent(CASE_ID, GENESIS_HASH, sameInstant)).toBe(hashEvent(CASE_ID, GENESIS_HASH, event));
  });

  test.each<[string, (e: AuditEvent) => AuditEvent]>([
    ['seq', (e) => ({ ...e, seq: 2 })],
    ['at', (e) => ({ ...e, at: '2026-11-23T08:00:00.001Z' })],
    ['actor', (e) => ({ ...e, actor: { ...e.actor, id: 'agent:zzzzzz' } })],
    ['kind', (e) => ({ ...e, kind: 'case.cancelled' })],
    ['data', (e) => ({ ...e, data: { ...e.data, waybillNo: 'SF2' } })],
  ])('changes when %s changes', (_field, change) => {
    expect(hashEvent(CASE_ID, GENESIS_HASH, change(event))).not.toBe(hashEvent(CASE_ID, GENESIS_HASH, event));
  });

  test('changes with the case id and with the previous hash', () => {
    const base = hashEvent(CASE_ID, GENESIS_HASH, event);
    expect(hashEvent('CASE-20261123-0002', GENESIS_HASH, event)).not.toBe(base);
    expect(hashEvent(CASE_ID, 'f'.repeat(64), event)).not.toBe(base);
  });
});

describe('verifyChain', () => {
  test('a chain built with hashEvent verifies', () => {
    const events = chain(EVENTS);
    expect(events[0]?.prevHash).toBe(GENESIS_HASH);
    expect(verifyChain(CASE_ID, events)).toBeUndefined();
  });

  test('a chain read back through JSON (as from the database) still verifies', () => {
    expect(verifyChain(CASE_ID, clone(chain(EVENTS)))).toBeUndefined();
  });

  test('an empty trail verifies', () => {
    expect(verifyChain(CASE_ID, [])).toBeUndefined();
  });

  test('a chain of another case does not verify under this case id', () => {
    expect(verifyChain('CASE-20261123-0002', chain(EVENTS))).toBe(1);
  });

  test.each<[string, (events: ChainedEvent[]) => ChainedEvent[], number]>([
    ['changed data', (es) => es.map((e) => (e.seq === 2 ? { ...e, data: { ...e.data, channel: 'wecom' } } : e)), 2],
    ['changed nested data', (es) => es.map((e) => (e.seq === 4 ? { ...e, data: { ...e.data, items: [{ sku: 'A', qty: 1 }] } } : e)), 4],
    ['changed kind', (es) => es.map((e) => (e.seq === 3 ? { ...e, kind: 'carrier.refused' } : e)), 3],
    ['changed actor', (es) => es.map((e) => (e.seq === 1 ? { ...e, actor: { kind: 'system' as const, id: 'x' } } : e)), 1],
    ['changed time', (es) => es.map((e) => (e.seq === 3 ? { ...e, at: '2026-11-23T08:30:00.000Z' } : e)), 3],
    ['removed event', (es) => es.filter((e) => e.seq !== 2), 3],
    ['removed first event', (es) => es.slice(1), 2],
    ['reordered events', (es) => [es[0], es[2], es[1], es[3]] as ChainedEvent[], 3],
    ['changed prevHash', (es) => es.map((e) => (e.seq === 2 ? { ...e, prevHash: 'a'.repeat(64) } : e)), 2],
    ['changed hash', (es) => es.map((e) => (e.seq === 4 ? { ...e, hash: 'b'.repeat(64) } : e)), 4],
  ])('points at the first broken event after %s', (_label, tamper, expectedSeq) => {
    expect(verifyChain(CASE_ID, tamper(chain(EVENTS)))).toBe(expectedSeq);
  });

  test('a tampered event whose own hash was recomputed is caught at the next event', () => {
    const events = chain(EVENTS);
    const forged = { ...(events[1] as ChainedEvent), data: { channel: 'inapp', template: 'case.acknowledged' } };
    forged.hash = hashEvent(CASE_ID, forged.prevHash, forged);
    events[1] = forged;
    expect(verifyChain(CASE_ID, events)).toBe(3);
  });

  test('reports only the first break when several events are tampered with', () => {
    const events = chain(EVENTS).map((e) => (e.seq >= 2 ? { ...e, kind: `${e.kind}.x` } : e));
    expect(verifyChain(CASE_ID, events)).toBe(2);
  });
});
