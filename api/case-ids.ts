import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U

/** `CASE-20261123-7K3QH9XW`: sortable by day, readable over the phone, unguessable. */
export function newCaseId(now: Date = new Date()): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  const bytes = randomBytes(8);
  const suffix = Array.from(bytes, (byte) => ALPHABET[byte % 32]).join('');
  return `CASE-${day}-${suffix}`;
}

export const CASE_ID_PATTERN = /^CASE-\d{8}-[0-9A-Z]{8}$/;
