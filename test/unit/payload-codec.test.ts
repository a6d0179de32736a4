import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, METADATA_KEY_ID, PayloadDecryptionError } from '../../codec/payload-codec';
import { DEV_PAYLOAD_CODEC_KEYS, parsePayloadKeyRing } from '../../config/payload-keys';
import { ConfigError, loadConfig } from '../../config';
import { failureConverter } from '../../codec/failure-converter';

const key = () => randomBytes(32).toString('base64');
const customer = { id: 'C-1001', name: '张三汽修', phone: '13800138000' };
const toPayload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const text = (payload: Payload) =>
  Buffer.from(payload.data ?? []).toString('latin1') +
  Object.values(payload.metadata ?? {})
    .map((v) => Buffer.from(v).toString('latin1'))
    .join('');

describe('payload codec (AES-256-GCM, key id in the metadata)', () => {
  const ring = parsePayloadKeyRing(`k1:${key()}`);
  const codec = new AesGcmPayloadCodec(ring);

  test('an encoded payload holds no trace of the clear value and names its key', async () => {
    const [encoded] = (await codec.encode([toPayload({ customer })])) as [Payload];
    expect(Buffer.from(encoded.metadata?.encoding ?? []).toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(encoded.metadata?.[METADATA_KEY_ID] ?? []).toString()).toBe('k1');
    expect(text(encoded)).not.toContain('13800138000');
    expect(Buffer.from(encoded.data ?? []).toString('utf8')).not.toContain('张三');
    expect(text(encoded)).not.toContain('json/plain');
  });

  test('decode gives back the original payload, metadata and all', async () => {
    const original = toPayload({ customer, at: '2026-11-24T10:00:00Z' });
    const [decoded] = (await codec.decode(await codec.encode([original]))) as [Payload];
    expect(defaultPayloadConverter.fromPayload(decoded)).toEqual({ customer, at: '2026-11-24T10:00:00Z' });
    expect(Buffer.from(decoded.metadata?.encoding ?? []).toString()).toBe('json/plain');
  });

  test('the same value encrypts differently each time (a fresh nonce per payload)', async () => {
    const [a, b] = (await codec.encode([toPayload('13800138000'), toPayload('13800138000')])) as [Payload, Payload];
    expect(Buffer.from(a.data ?? []).equals(Buffer.from(b.data ?? []))).toBe(false);
  });

  test('payloads written before the codec (no binary/encrypted) pass through decode unchanged', async () => {
    const plain = toPayload({ customer });
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  test('an altered ciphertext is refused, not decoded into garbage', async () => {
    const [encoded] = (await codec.encode([toPayload('x')])) as [Payload];
    const data = Buffer.from(encoded.data ?? []);
    data[20] = (data[20] as number) ^ 1;
    await expect(codec.decode([{ ...encoded, data }])).rejects.toThrow(/key "k1" does not decrypt/);
  });

  test('a payload whose key id is unknown fails with an error naming the key id', async () => {
    const other = new AesGcmPayloadCodec(parsePayloadKeyRing(`k9:${key()}`));
    const encoded = await other.encode([toPayload('x')]);
    const error = await codec.decode(encoded).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadDecryptionError);
    expect((error as PayloadDecryptionError).keyId).toBe('k9');
    expect((error as Error).message).toContain('"k9"');
    expect((error as Error).message).toContain('PAYLOAD_CODEC_KEYS');
  });

  test('a key under the right id but with other bytes is told apart from an unknown key', async () => {
    const impostor = new AesGcmPayloadCodec(parsePayloadKeyRing(`k1:${key()}`));
    await expect(impostor.decode(await codec.encode([toPayload('x')]))).rejects.toThrow(
      /"k1" does not decrypt: the key configured under that id is a different key/,
    );
  });
});

describe('key rotation', () => {
  const oldKey = key();
  const newKey = key();

  test('after rotation the new key encrypts and the old one still decrypts what it wrote', async () => {
    const before = new AesGcmPayloadCodec(parsePayloadKeyRing(`2026-10:${oldKey}`));
    const written = await before.encode([toPayload({ customer })]);

    const after = new AesGcmPayloadCodec(parsePayloadKeyRing(`2026-10:${oldKey},2026-11:${newKey}`, '2026-11'));
    const [fresh] = (await after.encode([toPayload('new')])) as [Payload];
    expect(Buffer.from(fresh.metadata?.[METADATA_KEY_ID] ?? []).toString()).toBe('2026-11');
    const [old] = (await after.decode(written)) as [Payload];
    expect(defaultPayloadConverter.fromPayload(old)).toEqual({ customer });
  });

  test('dropping the old key too early makes its payloads fail loudly, naming it', async () => {
    const written = await new AesGcmPayloadCodec(parsePayloadKeyRing(`2026-10:${oldKey}`)).encode([toPayload('x')]);
    const onlyNew = new AesGcmPayloadCodec(parsePayloadKeyRing(`2026-11:${newKey}`));
    await expect(onlyNew.decode(written)).rejects.toThrow(/"2026-10", which is not in PAYLOAD_CODEC_KEYS/);
  });
});

describe('PAYLOAD_CODEC_KEYS / PAYLOAD_CODEC_KEY_ID', () => {
  const configError = (run: () => unknown): ConfigError => {
    try {
      run();
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  test('one key needs no active id; several do', () => {
    expect(parsePayloadKeyRing(`a:${key()}`).activeKeyId).toBe('a');
    expect(configError(() => parsePayloadKeyRing(`a:${key()},b:${key()}`)).message).toMatch(
      /PAYLOAD_CODEC_KEY_ID: .*must name the key that encrypts \(one of a, b\)/,
    );
    expect(parsePayloadKeyRing(`a:${key()},b:${key()}`, 'b').activeKeyId).toBe('b');
  });

  test.each([
    [
      'a key that is not 32 bytes',
      `a:${Buffer.alloc(16).toString('base64')}`,
      undefined,
      /PAYLOAD_CODEC_KEYS\.0: key "a" must be 32 bytes in base64 \(AES-256\), got 16 bytes/,
    ],
    ['a key that is not base64', 'a:not base64!', undefined, /key "a" must be 32 bytes/],
    ['an entry without id', key(), undefined, /PAYLOAD_CODEC_KEYS\.0: .*not id:base64key/],
    ['an active id that is not in the ring', `a:${key()}`, 'b', /PAYLOAD_CODEC_KEY_ID: PAYLOAD_CODEC_KEY_ID "b" is not a key of PAYLOAD_CODEC_KEYS \(a\)/],
    ['an id given twice', `a:${key()},a:${key()}`, 'a', /key id "a" is given twice/],
    ['nothing', ' , ', undefined, /no id:base64key entry given/],
  ])('refuses %s with a message naming the variable', (_what, keys, active, pattern) => {
    expect(configError(() => parsePayloadKeyRing(keys, active)).message).toMatch(pattern);
  });

  test('the dev profile runs on the documented dev key; production requires its own and refuses the dev one', () => {
    expect(loadConfig({ APP_PROFILE: 'dev' }).payloadCodec.activeKeyId).toBe(parsePayloadKeyRing(DEV_PAYLOAD_CODEC_KEYS).activeKeyId);
    const production = {
      APP_PROFILE: 'production',
      API_TOKENS: 'agent:9f8e7d6c5b4a-agent',
      WEBHOOK_SECRET_GENERIC: 'generic-real-secret-1',
      WEBHOOK_SECRET_KUAIDI100: 'kuaidi100-real-salt-2',
      WEBHOOK_SECRET_AFTERSHIP: 'aftership-real-secret-3',
      WEBHOOK_SECRET_SUPPLIER: 'supplier-real-secret-4',
      PAYLOAD_ENCRYPTION_KEY: 'k'.repeat(48),
    };
    expect(configError(() => loadConfig(production)).message).toContain('PAYLOAD_CODEC_KEYS must be set in the production profile');
    const devKeyRenamed = DEV_PAYLOAD_CODEC_KEYS.replace(/^[^:]+/, 'prod-1');
    expect(configError(() => loadConfig({ ...production, PAYLOAD_CODEC_KEYS: devKeyRenamed })).message).toContain('documented dev key');
    const real = loadConfig({ ...production, PAYLOAD_CODEC_KEYS: `prod-1:${key()},prod-2:${key()}`, PAYLOAD_CODEC_KEY_ID: 'prod-2' });
    expect(real.payloadCodec.activeKeyId).toBe('prod-2');
    expect(real.payloadCodec.keys.map((k) => k.id)).toEqual(['prod-1', 'prod-2']);
  });
});

describe('failure messages', () => {
  test('a failure quoting a customer leaves only "Encoded failure" in clear; the receiver gets the message back', async () => {
    const codec = new AesGcmPayloadCodec(parsePayloadKeyRing(`k1:${key()}`));
    const failure = failureConverter.errorToFailure(new Error(`SMS to ${customer.phone} for ${customer.name} refused`), defaultPayloadConverter);
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    const [sealed] = (await codec.encode([failure.encodedAttributes as Payload])) as [Payload];
    expect(text(sealed)).not.toContain(customer.phone);
    const [opened] = (await codec.decode([sealed])) as [Payload];
    const error = failureConverter.failureToError({ ...failure, encodedAttributes: opened }, defaultPayloadConverter);
    expect(error.message).toBe(`SMS to ${customer.phone} for ${customer.name} refused`);
  });
});
