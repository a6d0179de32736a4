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

/** Given the field's key (`name`, `phone`, `detail`) for transforms that treat them apart. */
type Transform = (text: string, key: string) => string;

/** Applies `transform` to the customer's name and phone and to every address's name, phone, detail. */
function mapPersonalFields<T>(value: T, transform: Transform, inCustomer = false): T {
  if (Array.isArray(value)) return value.map((item) => mapPersonalFields(item, transform)) as T;
  if (!isRecord(value)) return value;
  const address = isAddress(value);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const personal = (inCustomer && (key === 'name' || key === 'phone')) || (address && (key === 'name' || key === 'phone' || key === 'detail'));
    if (personal && typeof item === 'string') out[key] = transform(item, key);
    else out[key] = mapPersonalFields(item, transform, key === 'customer');
  }
  return out as T;
}

/**
 * The personal values a stored object names in its personal fields (the customer's name and
 * phone, every address's name, phone and detail), each with what stands for it in free text.
 */
function personalValues(value: unknown, replacementOf: Transform): Map<string, string> {
  const found = new Map<string, string>();
  mapPersonalFields(value, (text, key) => {
    // A value of one character (a name like 李) would starve every sentence of that character.
    if (Array.from(text).length >= 2 && text !== ERASED) found.set(text, replacementOf(text, key));
    return text;
  });
  return found;
}

/** Every string under `value` with each personal value replaced, longest first (a phone inside a longer number too). */
function replaceInStrings<T>(value: T, replacements: ReadonlyMap<string, string>): T {
  if (!replacements.size) return value;
  const ordered = [...replacements].sort(([a], [b]) => b.length - a.length);
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return ordered.reduce((text, [from, to]) => (text.includes(from) ? text.split(from).join(to) : text), item);
    if (Array.isArray(item)) return item.map(walk);
    if (!isRecord(item)) return item;
    return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, walk(inner)]));
  };
  return walk(value) as T;
}

/** What free text keeps at rest of a personal value: as maskPii keeps its field. */
function atRest(text: string, key: string): string {
  if (key === 'phone') return maskPhoneNumber(text);
  return key === 'name' ? maskName(text) : '[withheld]';
}

/**
 * A case's snapshot and trail events as they are stored: personal fields masked (maskPii), and the
 * same values masked wherever free text quotes them — a reply that greets the shop by name, a
 * call summary that notes the number reached — since the trail can never be rewritten.
 */
export function maskCaseWrite<S, E extends { data: Record<string, unknown> }>(snapshot: S, events: readonly E[]): { snapshot: S; events: E[] } {
  const replacements = personalValues([snapshot, ...events.map((event) => event.data)], atRest);
  return {
    snapshot: replaceInStrings(maskPii(snapshot), replacements),
    events: events.map((event) => ({ ...event, data: replaceInStrings(maskPii(event.data), replacements) })),
  };
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

/**
 * A start request or snapshot with the customer's personal fields, masked phones, and what free
 * text kept of those fields (their masked forms, ./maskCaseWrite), overwritten.
 */
export function erasePersonalFields<T>(value: T): T {
  const quoted = personalValues(value, () => ERASED);
  return eraseMaskedPhones(
    replaceInStrings(
      mapPersonalFields(value, () => ERASED),
      quoted,
    ),
  );
}

function eraseMaskedPhones<T>(value: T): T {
  if (typeof value === 'string') return (MASKED_PHONE.test(value) ? ERASED : value) as T;
  if (Array.isArray(value)) return value.map((item) => eraseMaskedPhones(item)) as T;
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, eraseMaskedPhones(item)])) as T;
}
