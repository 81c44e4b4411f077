import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Double-submit CSRF token: `<nonce>.<HMAC-SHA256(SESSION_SECRET, nonce)>`, both base64url. The
 * signature stops a sibling subdomain that can plant cookies from choosing a value it also sends.
 */
export function issueCsrfToken(secret: string): string {
  const nonce = randomBytes(24).toString('base64url');
  return `${nonce}.${sign(secret, nonce)}`;
}

function sign(secret: string, nonce: string): string {
  return createHmac('sha256', secret).update(nonce).digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** True when the header echoes the cookie exactly and the cookie carries this Gateway's signature. */
export function verifyCsrfToken(secret: string, cookie: string | undefined, header: string | undefined): boolean {
  if (!cookie || !header || !sameText(cookie, header)) return false;
  const separator = cookie.indexOf('.');
  if (separator <= 0) return false;
  return sameText(cookie.slice(separator + 1), sign(secret, cookie.slice(0, separator)));
}
