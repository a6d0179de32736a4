import { createHash, createHmac } from 'node:crypto';

export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

export function md5Base64(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('base64');
}

export function hmacSha256(secret: string, body: string, encoding: 'hex' | 'base64'): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest(encoding);
}
