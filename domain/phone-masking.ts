import type { Role } from './types';

/**
 * Who sees a customer's phone number in full, and how everyone else sees it. Agents, supervisors
 * and experts work cases and call customers back; auditors check what was done and integrations
 * (the `system` role) act on cases they already know, so neither needs the number: they see it
 * masked, as the read model and the audit trail keep it at rest (`138****5678`).
 */

const ROLES_SEEING_PHONES: readonly Role[] = ['agent', 'supervisor', 'expert'];

export function seesPhoneNumbers(role: Role): boolean {
  return ROLES_SEEING_PHONES.includes(role);
}

/**
 * The first three and last four digits, the middle starred: enough to tell two customers apart on
 * a call-back list, not enough to call. Seven characters or fewer are starred entirely (masking
 * would leave most of the number). A value already masked (or erased) stays as it is.
 */
export function maskPhoneNumber(phone: string): string {
  if (phone.includes('*') || phone.startsWith('[')) return phone;
  return phone.length > 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

/** A copy with every string under a `phone` key masked, however deep (customer, addresses, redirects). */
export function maskPhoneNumbers<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => maskPhoneNumbers(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, key === 'phone' && typeof item === 'string' ? maskPhoneNumber(item) : maskPhoneNumbers(item)]),
  ) as T;
}

/** What a principal of `role` is shown of a case view (or anything holding phones). */
export function phonesForRole<T>(value: T, role: Role): T {
  return seesPhoneNumbers(role) ? value : maskPhoneNumbers(value);
}
