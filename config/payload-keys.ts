import { z } from 'zod';
import { ConfigError, formatZodIssues } from './errors';

/**
 * The keys of the Temporal payload codec (codec/payload-codec.ts): every key that may still have
 * to decrypt a payload somewhere in a history, and the one that encrypts new payloads. Rotation
 * adds a key, makes it the active one, and keeps the old ones until every history written under
 * them has passed the namespace's retention (README, "Payload encryption").
 *
 * PAYLOAD_CODEC_KEYS  `id:base64key,id:base64key` — each key exactly 32 bytes (AES-256)
 * PAYLOAD_CODEC_KEY_ID the id of the key that encrypts; may be left out when there is one key
 */

interface PayloadKey {
  /** Travels in clear in each payload's `encryption-key-id` metadata: a name, never key material. */
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

export interface PayloadKeyRing {
  /** The key new payloads are encrypted with. */
  activeKeyId: string;
  keys: readonly PayloadKey[];
}

/**
 * Dev-only key ring: the dev stack and the tests run on it without any setting. Its key is in this
 * file, so anything it encrypts is readable by anyone with the source; the production profile
 * refuses it (config/index.ts).
 */
const DEV_PAYLOAD_CODEC_KEY_ID = 'dev-only-1';
export const DEV_PAYLOAD_CODEC_KEYS = `${DEV_PAYLOAD_CODEC_KEY_ID}:${Buffer.from('dev-only-payload-codec-key-32by!').toString('base64')}`;

const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

const entrySchema = z.string().transform((pair, ctx) => {
  const separator = pair.indexOf(':');
  const id = separator > 0 ? pair.slice(0, separator) : '';
  const encoded = pair.slice(separator + 1);
  if (!KEY_ID.test(id)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${id.slice(0, 20) || pair.slice(0, 8)}…" is not id:base64key; a key id is 1–64 letters, digits, ".", "_" or "-"`,
    });
    return z.NEVER;
  }
  const key = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) {
    ctx.addIssue({
      code: 'custom',
      message: `key "${id}" must be 32 bytes in base64 (AES-256), got ${key.length} bytes; make one with: openssl rand -base64 32`,
    });
    return z.NEVER;
  }
  return { id, key };
});

const ringSchema = z
  .object({
    keys: z.array(entrySchema).min(1, 'no id:base64key entry given'),
    activeKeyId: z.string().optional(),
  })
  .superRefine((ring, ctx) => {
    const ids = ring.keys.map((entry) => entry.id);
    const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
    if (repeated) ctx.addIssue({ code: 'custom', path: ['keys'], message: `key id "${repeated}" is given twice` });
    if (ring.activeKeyId === undefined && ring.keys.length > 1) {
      ctx.addIssue({ code: 'custom', path: ['activeKeyId'], message: `PAYLOAD_CODEC_KEY_ID must name the key that encrypts (one of ${ids.join(', ')})` });
    }
    if (ring.activeKeyId !== undefined && !ids.includes(ring.activeKeyId)) {
      ctx.addIssue({
        code: 'custom',
        path: ['activeKeyId'],
        message: `PAYLOAD_CODEC_KEY_ID "${ring.activeKeyId}" is not a key of PAYLOAD_CODEC_KEYS (${ids.join(', ')})`,
      });
    }
  });

/** Parses PAYLOAD_CODEC_KEYS (and PAYLOAD_CODEC_KEY_ID); a bad value stops start-up naming the variable. */
export function parsePayloadKeyRing(keysText: string, activeKeyId?: string): PayloadKeyRing {
  const parsed = ringSchema.safeParse({
    keys: keysText
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
    ...(activeKeyId !== undefined ? { activeKeyId } : {}),
  });
  if (!parsed.success) {
    const lines = formatZodIssues(parsed.error)
      .replace(/ {2}- keys(\.\d+)?:/g, '  - PAYLOAD_CODEC_KEYS$1:')
      .replace(/ {2}- activeKeyId:/g, '  - PAYLOAD_CODEC_KEY_ID:');
    throw new ConfigError(`Invalid payload codec keys:\n${lines}`);
  }
  const { keys } = parsed.data;
  return { activeKeyId: parsed.data.activeKeyId ?? (keys[0] as PayloadKey).id, keys };
}

/** True when the ring holds the documented dev key (by its bytes, whatever id it is given). */
export function holdsDevPayloadKey(ring: PayloadKeyRing): boolean {
  const dev = parsePayloadKeyRing(DEV_PAYLOAD_CODEC_KEYS).keys[0] as PayloadKey;
  return ring.keys.some((entry) => entry.key.equals(dev.key));
}
