import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signature checks for inbound pushes, each as its sender signs. All comparisons are constant
 * time; all work on the raw body bytes, never on re-serialised JSON.
 */

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Generic push: `X-Signature: sha256=<hex HMAC-SHA256(raw body, secret)>`. */
export function verifyGenericSignature(rawBody: Buffer, header: string | undefined, secret: string): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest('hex');
  return safeEqual(header.slice('sha256='.length).toLowerCase(), expected);
}

export function signGeneric(rawBody: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** Kuaidi100 push: form field `sign` = upper(MD5(param + salt)). */
export function verifyKuaidi100Signature(param: string, sign: string | undefined, salt: string): boolean {
  if (!sign) return false;
  const expected = createHash('md5')
    .update(param + salt)
    .digest('hex')
    .toUpperCase();
  return safeEqual(sign, expected);
}

/** AfterShip webhook: `aftership-hmac-sha256: base64(HMAC-SHA256(raw body, secret))`. */
export function verifyAftershipSignature(rawBody: Buffer, header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest('base64');
  return safeEqual(header, expected);
}

/**
 * Supplier reply: `X-Signature: sha256=<hex HMAC-SHA256(supplier's own secret, "<supplierId>." + raw body)>`.
 * The supplier id is inside the signed bytes, so a signature made for one supplier's URL does not
 * verify on another's, even if two suppliers were ever given the same secret.
 */
export function signSupplierReply(supplierId: string, rawBody: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${supplierId}.`).update(rawBody).digest('hex')}`;
}

export function verifySupplierSignature(supplierId: string, rawBody: Buffer, header: string | undefined, secret: string | undefined): boolean {
  if (!secret || !header?.startsWith('sha256=')) return false;
  return safeEqual(header.toLowerCase(), signSupplierReply(supplierId, rawBody, secret));
}
