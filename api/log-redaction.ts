/**
 * What never reaches a log line: credentials (bearer tokens, cookies, secrets, signatures),
 * phone numbers and people's names. Applied to every finished line (api/logging.ts), so it holds
 * for whatever a caller logs — a request body, a header, an error's message, a Temporal workflow's
 * log attributes — not only for the fields someone remembered to list.
 */

export const REDACTED = '[Redacted]';

/** Keys whose value is a credential, whatever its shape (a Temporal task token completes an activity: one too). */
const SECRET_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-signature|aftership-hmac-sha256|sign|signature|.*tokens?|secret|.*_secret|password|passwd|checkword|payload_?encryption_?key)$/i;
/** Keys whose value is a phone number. */
const PHONE_KEY = /^(phone|mobile|tel|telephone|phone_?number|recipient_?phone|contact_?phone)$/i;
/** Keys whose value is a person's name wherever they appear. */
const PERSON_NAME_KEY = /^(customer_?name|contact_?name|recipient_?name|receiver_?name|consignee_?name|sender_?name|full_?name)$/i;
/** Objects describing a person or an address: their `name` is a person's name. */
const PERSON_CONTAINER = /^(customer|new_?address|address|recipient|receiver|consignee|sender|contact|delivery_?address)$/i;

/** Inside an address (or a person): the street address, which with a city points at one door. */
const STREET_KEY = /^(detail|street|street_?address|address_?line_?\d?|line_?\d)$/i;
/** A customer id in a path (`/v1/customers/<id>/erasure`): who asked to be forgotten. */
const CUSTOMER_IN_PATH = /(\/customers\/)[^/?#\s"]+/gi;

/** A mainland mobile number inside free text (not part of a longer number such as a waybill). */
const MOBILE_IN_TEXT = /(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9]{9}(?![0-9])/g;
/** A landline with its area code (010-12345678, 0755 1234 5678). */
const LANDLINE_IN_TEXT = /(?<![0-9])0[1-9][0-9]{1,2}[- ][0-9]{7,8}(?![0-9])/g;
const BEARER_IN_TEXT = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
/** A free-text search (`?q=`): agents look customers up by name or phone, so the term is theirs. */
const SEARCH_IN_URL = /([?&]q=)[^&#\s"]*/gi;
/** The codec's UI path carries its secret (api/codec-server.ts): whoever reads it can decode every payload. */
const CODEC_UI_SECRET_IN_PATH = /(\/codec\/ui\/)[^/?#\s"]+/gi;

function redactText(text: string): string {
  return text
    .replace(CODEC_UI_SECRET_IN_PATH, `$1${REDACTED}`)
    .replace(CUSTOMER_IN_PATH, `$1${REDACTED}`)
    .replace(SEARCH_IN_URL, `$1${REDACTED}`)
    .replace(BEARER_IN_TEXT, `$1 ${REDACTED}`)
    .replace(MOBILE_IN_TEXT, '[phone]')
    .replace(LANDLINE_IN_TEXT, '[phone]');
}

const MAX_DEPTH = 12;

/** A copy of `value` with credentials, phones and names redacted, however deep. */
export function redactValue(value: unknown, key = '', parentKey = '', depth = 0): unknown {
  if (typeof value === 'string') {
    if (SECRET_KEY.test(key) || PERSON_NAME_KEY.test(key)) return REDACTED;
    if (PHONE_KEY.test(key)) return REDACTED;
    if (key === 'q' && parentKey === 'query') return REDACTED;
    if (key === 'name' && PERSON_CONTAINER.test(parentKey)) return REDACTED;
    // A street address: the part of an address that points at one door.
    if (STREET_KEY.test(key) && PERSON_CONTAINER.test(parentKey)) return REDACTED;
    return redactText(value);
  }
  if (value === null || typeof value !== 'object') {
    // A number-typed phone (13800138000) is still a phone.
    return typeof value === 'number' && (PHONE_KEY.test(key) || SECRET_KEY.test(key)) ? REDACTED : value;
  }
  if (depth >= MAX_DEPTH) return '[Truncated]';
  if (SECRET_KEY.test(key)) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, key, parentKey, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [childKey, child] of Object.entries(value as Record<string, unknown>)) {
    out[childKey] = redactValue(child, childKey, key, depth + 1);
  }
  return out;
}

/** Cheap test before parsing a line: anything that could need redacting. */
const SUSPECT =
  /authorization|cookie|token|secret|sign|password|checkword|phone|mobile|tel|name"|Bearer|Basic|[0-9]{7}|\/codec\/ui\/|\/customers\/|[?&]q=|detail|street|line/i;

/** One serialised JSON log line in, the same line redacted out (newline kept). */
export function redactLogLine(line: string): string {
  if (!SUSPECT.test(line)) return line;
  const trimmed = line.endsWith('\n') ? line.slice(0, -1) : line;
  try {
    return `${JSON.stringify(redactValue(JSON.parse(trimmed)))}\n`;
  } catch {
    // Not JSON (never from pino, but a hook must not lose a line): redact it as text.
    return `${redactText(trimmed)}\n`;
  }
}
