import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, PayloadConverterError, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { PayloadKeyRing } from '../config/payload-keys';

/**
 * The payload codec that keeps customer data out of Temporal in clear: every payload the client or
 * the worker sends (workflow and activity inputs and results, signals, updates, queries, memo,
 * user metadata, failure attributes) is replaced by an AES-256-GCM ciphertext of the whole
 * original payload (metadata and data, as the protobuf `Payload`). The new payload's metadata says
 * `encoding: binary/encrypted` and which key encrypted it (`encryption-key-id`), so a ring of keys
 * can decrypt history written before a rotation while the active key encrypts.
 *
 * The layout (12-byte nonce ‖ ciphertext ‖ 16-byte tag over the delimited protobuf Payload) is the
 * one Temporal's encryption samples use, so their codec servers can read ours given the key.
 *
 * Payloads without `binary/encrypted` pass through decode unchanged: histories recorded before
 * the codec existed (test/histories/, a dev server's old cases) still replay and read.
 */

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
const METADATA_CIPHER = 'encryption-cipher';
const CIPHER = 'AES/GCM/NoPadding';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A payload this codec cannot decrypt: names the key id so an operator knows which key is missing. */
export class PayloadDecryptionError extends PayloadConverterError {
  override name = 'PayloadDecryptionError';
  constructor(
    message: string,
    readonly keyId?: string,
  ) {
    super(message);
  }
}

const utf8 = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? []).toString('utf8');

function isEncryptedPayload(payload: Payload): boolean {
  return utf8(payload.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING;
}

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly activeKeyId: string;
  private readonly activeKey: Buffer;

  constructor(ring: PayloadKeyRing) {
    this.keys = new Map(ring.keys.map((entry) => [entry.id, Buffer.from(entry.key)]));
    const active = this.keys.get(ring.activeKeyId);
    if (!active || active.length !== 32) throw new Error(`payload codec: active key "${ring.activeKeyId}" is not a 32-byte key of the ring`);
    this.activeKeyId = ring.activeKeyId;
    this.activeKey = active;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  private encrypt(payload: Payload): Payload {
    const plain = temporal.api.common.v1.Payload.encodeDelimited(payload).finish();
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.activeKey, nonce);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
        [METADATA_KEY_ID]: Buffer.from(this.activeKeyId),
        [METADATA_CIPHER]: Buffer.from(CIPHER),
      },
      data: Buffer.concat([nonce, body, cipher.getAuthTag()]),
    };
  }

  private decrypt(payload: Payload): Payload {
    if (!isEncryptedPayload(payload)) return payload;
    const keyIdBytes = payload.metadata?.[METADATA_KEY_ID];
    if (!keyIdBytes) throw new PayloadDecryptionError(`an encrypted payload carries no ${METADATA_KEY_ID}: cannot tell which key to use`);
    const keyId = utf8(keyIdBytes);
    const key = this.keys.get(keyId);
    if (!key) {
      throw new PayloadDecryptionError(
        `payload encrypted with key "${keyId}", which is not in PAYLOAD_CODEC_KEYS (known: ${[...this.keys.keys()].join(', ')}); ` +
          'add that key back to decrypt it',
        keyId,
      );
    }
    const data = Buffer.from(payload.data ?? []);
    if (data.length < NONCE_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`payload encrypted with key "${keyId}" is truncated`, keyId);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, NONCE_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      const decoded = temporal.api.common.v1.Payload.decodeDelimited(plain);
      return { metadata: decoded.metadata, data: decoded.data };
    } catch {
      // GCM's tag check: the key under this id is not the one that encrypted it, or the bytes changed.
      throw new PayloadDecryptionError(
        `payload encrypted with key "${keyId}" does not decrypt: the key configured under that id is a different key, or the payload was altered`,
        keyId,
      );
    }
  }
}
