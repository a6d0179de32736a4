import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { maskPhoneNumber } from '../domain/phone-masking';

/**
 * Personal data in PostgreSQL. The read model (cases.snapshot) and the audit trail (case_events)
 * keep phone numbers masked, and delivery addresses without their street detail: both are read
 * widely (lists, auditors, exports) and the trail can never be rewritten (its hash chain). The
 * workflow start request (cases.start_request), needed in full to restart an interrupted open,
 * keeps the customer's name and phone and any address's name, phone and detail sealed with
 * AES-256-GCM under PAYLOAD_ENCRYPTION_KEY. Erasing a customer then means overwriting the
 * snapshot's and start request's fields, never touching the trail (see README, "Erasure").
 */

const SEALED = 'enc:v1:';
const ERASED = '[erased]';

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** An address-like object: a delivery address (name, phone, province…, detail). */
function isAddress(value: Record<string, unknown>): boolean {
  return typeof value.phone === 'string' && typeof value.detail === 'string';
}

/** A person's name shortened to its first character: enough to recognise, not to identify. */
function maskName(name: string): string {
  if (name === ERASED || name.endsWith('**')) return name;
  return `${Array.from(name)[0] ?? ''}**`;
}

/**
 * A copy with every `phone` masked, the customer's and every address's `name` shortened and every
 * address's `detail` withheld, however deep. Already masked values stay as they are, so masking
 * is idempotent (a retried write hashes the same).
 */
export function maskPii<T>(value: T, inCustomer = false): T {
  if (Array.isArray(value)) return value.map((item) => maskPii(item)) as T;
  if (!isRecord(value)) return value;
  const address = isAddress(value);
  const masked: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'phone' && typeof item === 'string') masked[key] = item.includes('*') || item === ERASED ? item : maskPhoneNumber(item);
    else if ((address || inCustomer) && key === 'name' && typeof item === 'string') masked[key] = maskName(item);
    else if (address && key === 'detail' && typeof item === 'string') masked[key] = '[withheld]';
    else masked[key] = maskPii(item, key === 'customer');
  }
  return masked as T;
}

function keyOf(secret: string): Buffer {
  return createHash('sha256').update(`case-orchestrator:pii:${secret}`).digest();
}

function sealText(text: string, secret: string): string {
  if (text.startsWith(SEALED)) return text;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secret), iv);
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return `${SEALED}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
}

/** A sealed text (`enc:v1:…`) opened again; any other text as it is. */
function openText(text: string, secret: string): string {
  if (!text.startsWith(SEALED)) return text; // written before sealing existed, or erased
  const raw = Buffer.from(text.slice(SEALED.length), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', keyOf(secret), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

type Transform = (text: string) => string;

/** Applies `transform` to the customer's name and phone and to every address's name, phone, detail. */
function mapPersonalFields<T>(value: T, transform: Transform, inCustomer = false): T {
  if (Array.isArray(value)) return value.map((item) => mapPersonalFields(item, transform)) as T;
  if (!isRecord(value)) return value;
  const address = isAddress(value);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const personal = (inCustomer && (key === 'name' || key === 'phone')) || (address && (key === 'name' || key === 'phone' || key === 'detail'));
    if (personal && typeof item === 'string') out[key] = transform(item);
    else out[key] = mapPersonalFields(item, transform, key === 'customer');
  }
  return out as T;
}

/** A start request (or any stored copy of a case view) with its personal fields sealed. */
export function sealStartRequest<T>(request: T, secret: string): T {
  return mapPersonalFields(request, (text) => sealText(text, secret));
}

/** The stored copy with its personal fields opened again. */
export function openStartRequest<T>(stored: T, secret: string): T {
  return mapPersonalFields(stored, (text) => openText(text, secret));
}

export { sealStartRequest as sealPersonalFields, openStartRequest as openPersonalFields, openText as openSealedText };

/** A masked phone as the notification records keep it (`139****5678`). */
const MASKED_PHONE = /^\d{3}\*{4}\d{4}$/;

/** A start request or snapshot with the customer's personal fields, and masked phones, overwritten. */
export function erasePersonalFields<T>(value: T): T {
  return eraseMaskedPhones(mapPersonalFields(value, () => ERASED));
}

function eraseMaskedPhones<T>(value: T): T {
  if (typeof value === 'string') return (MASKED_PHONE.test(value) ? ERASED : value) as T;
  if (Array.isArray(value)) return value.map((item) => eraseMaskedPhones(item)) as T;
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, eraseMaskedPhones(item)])) as T;
}
