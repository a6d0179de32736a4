import { decodeCursor, encodeCursor } from '../../store/read-model';

const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('list cursors', () => {
  test.each([
    { openedAt: '2026-11-23T08:00:00.000Z', caseId: 'CASE-20261123-0001' },
    { openedAt: '2026-11-23T08:00:00.123Z', caseId: 'CASE-20261123-9999' },
    { openedAt: '2026-01-01T00:00:00.000Z', caseId: '案件/with?odd&chars=' },
  ])('round-trips %j', (cursor) => {
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  test('is safe to put in a query string as is', () => {
    const text = encodeCursor({ openedAt: '2026-11-23T08:00:00.000Z', caseId: '案件>>>???~~~' });
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  test('different positions give different cursors', () => {
    const a = encodeCursor({ openedAt: '2026-11-23T08:00:00.000Z', caseId: 'CASE-1' });
    const b = encodeCursor({ openedAt: '2026-11-23T08:00:00.000Z', caseId: 'CASE-2' });
    expect(a).not.toBe(b);
  });

  test('decoding keeps only the two position fields', () => {
    const text = b64url(JSON.stringify({ openedAt: '2026-11-23T08:00:00.000Z', caseId: 'C1', limit: 1000 }));
    expect(decodeCursor(text)).toEqual({ openedAt: '2026-11-23T08:00:00.000Z', caseId: 'C1' });
  });

  test.each<[string, string]>([
    ['an empty string', ''],
    ['plain text', 'not-a-cursor'],
    ['random bytes', Buffer.from([0xff, 0x00, 0x13, 0x37, 0xde, 0xad]).toString('base64url')],
    ['base64 of non-JSON', b64url('openedAt=2026&caseId=C1')],
    ['JSON null', b64url('null')],
    ['a JSON number', b64url('42')],
    ['a JSON string', b64url('"CASE-1"')],
    ['a JSON array', b64url('["2026-11-23T08:00:00.000Z","C1"]')],
    ['a missing caseId', b64url('{"openedAt":"2026-11-23T08:00:00.000Z"}')],
    ['a missing openedAt', b64url('{"caseId":"C1"}')],
    ['a numeric caseId', b64url('{"openedAt":"2026-11-23T08:00:00.000Z","caseId":1}')],
    ['a date that is not a date', b64url('{"openedAt":"yesterday-ish","caseId":"C1"}')],
    ['a numeric openedAt', b64url('{"openedAt":1700000000000,"caseId":"C1"}')],
  ])('decodes %s to undefined', (_label, text) => {
    expect(decodeCursor(text)).toBeUndefined();
  });
});
