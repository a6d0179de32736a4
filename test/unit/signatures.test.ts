import { createHash, createHmac } from 'node:crypto';
import { signGeneric, verifyAftershipSignature, verifyGenericSignature, verifyKuaidi100Signature } from '../../api/webhooks/signatures';

const SECRET = 'generic-webhook-secret';
// Raw bytes exactly as they came over the wire: odd spacing and non-ASCII on purpose.
const RAW = Buffer.from('{"waybillNo": "SF1234567890","status":"DELIVERED",  "location":"上海市浦东新区"}', 'utf8');

// Expected values computed here with node:crypto, independently of the module under test.
const hmacHex = (body: Buffer | string, secret: string) => createHmac('sha256', secret).update(body).digest('hex');
const hmacBase64 = (body: Buffer | string, secret: string) => createHmac('sha256', secret).update(body).digest('base64');
const md5Upper = (text: string) => createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();

describe('generic push (X-Signature: sha256=<hex>)', () => {
  const good = `sha256=${hmacHex(RAW, SECRET)}`;

  test('accepts the HMAC-SHA256 of the exact raw bytes', () => {
    expect(verifyGenericSignature(RAW, good, SECRET)).toBe(true);
  });

  test('accepts the hex digest in upper case', () => {
    expect(verifyGenericSignature(RAW, `sha256=${hmacHex(RAW, SECRET).toUpperCase()}`, SECRET)).toBe(true);
  });

  test('signGeneric produces the header the sender is expected to send', () => {
    expect(signGeneric(RAW, SECRET)).toBe(good);
    expect(signGeneric(RAW.toString('utf8'), SECRET)).toBe(good);
  });

  test.each<[string, Buffer, string | undefined, string]>([
    ['a changed body', Buffer.from(RAW.toString().replace('DELIVERED', 'LOST')), good, SECRET],
    ['the same JSON re-serialised', Buffer.from(JSON.stringify(JSON.parse(RAW.toString()))), good, SECRET],
    ['one extra trailing byte', Buffer.concat([RAW, Buffer.from('\n')]), good, SECRET],
    ['a wrong secret', RAW, good, 'another-secret'],
    ['a missing header', RAW, undefined, SECRET],
    ['an empty header', RAW, '', SECRET],
    ['a header without the sha256= prefix', RAW, hmacHex(RAW, SECRET), SECRET],
    ['an upper-case prefix', RAW, `SHA256=${hmacHex(RAW, SECRET)}`, SECRET],
    ['a different algorithm prefix', RAW, `sha1=${hmacHex(RAW, SECRET)}`, SECRET],
    ['a truncated digest', RAW, good.slice(0, -2), SECRET],
    ['a digest with extra characters', RAW, `${good}00`, SECRET],
    ['a base64 digest', RAW, `sha256=${hmacBase64(RAW, SECRET)}`, SECRET],
    ['just the prefix', RAW, 'sha256=', SECRET],
    ['non-ASCII garbage', RAW, `sha256=${'签'.repeat(64)}`, SECRET],
  ])('rejects %s', (_label, body, header, secret) => {
    expect(verifyGenericSignature(body, header, secret)).toBe(false);
  });
});

describe('Kuaidi100 push (sign = upper(MD5(param + salt)))', () => {
  const SALT = 'kuaidi100-salt';
  const PARAM = JSON.stringify({ status: 'polling', lastResult: { nu: 'YT123', state: '3', data: [{ context: '已签收' }] } });

  test('accepts upper(MD5(param + salt))', () => {
    expect(verifyKuaidi100Signature(PARAM, md5Upper(PARAM + SALT), SALT)).toBe(true);
  });

  test.each<[string, string, string | undefined, string]>([
    ['a changed param', PARAM.replace('已签收', '派件中'), md5Upper(PARAM + SALT), SALT],
    ['a wrong salt', PARAM, md5Upper(PARAM + SALT), 'other-salt'],
    ['salt before param', PARAM, md5Upper(SALT + PARAM), SALT],
    ['the MD5 of the param alone', PARAM, md5Upper(PARAM), SALT],
    ['a missing sign', PARAM, undefined, SALT],
    ['an empty sign', PARAM, '', SALT],
    ['a truncated sign', PARAM, md5Upper(PARAM + SALT).slice(1), SALT],
  ])('rejects %s', (_label, param, sign, salt) => {
    expect(verifyKuaidi100Signature(param, sign, salt)).toBe(false);
  });
});

describe('AfterShip webhook (aftership-hmac-sha256: base64)', () => {
  const SECRET_AS = 'aftership-secret';

  test('accepts the base64 HMAC-SHA256 of the raw body', () => {
    expect(verifyAftershipSignature(RAW, hmacBase64(RAW, SECRET_AS), SECRET_AS)).toBe(true);
  });

  test.each<[string, Buffer, string | undefined, string]>([
    ['a changed body', Buffer.from(RAW.toString().replace('上海', '北京')), hmacBase64(RAW, SECRET_AS), SECRET_AS],
    ['a wrong secret', RAW, hmacBase64(RAW, SECRET_AS), 'other'],
    ['a hex digest', RAW, hmacHex(RAW, SECRET_AS), SECRET_AS],
    ['a sha256= prefixed digest', RAW, `sha256=${hmacBase64(RAW, SECRET_AS)}`, SECRET_AS],
    ['a missing header', RAW, undefined, SECRET_AS],
    ['an empty header', RAW, '', SECRET_AS],
  ])('rejects %s', (_label, body, header, secret) => {
    expect(verifyAftershipSignature(body, header, secret)).toBe(false);
  });
});
