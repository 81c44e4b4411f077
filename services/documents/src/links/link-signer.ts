import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Forbidden } from '@polis/platform';

export type LinkMethod = 'PUT' | 'GET';

export interface LinkClaims {
  method: LinkMethod;
  documentId: string;
  /** Epoch seconds. */
  expires: number;
  /** The upload cap the link was issued with (0 for downloads). */
  maxBytes: number;
  /** Who the link was issued to (`sub`); audits name them. */
  userId: string;
  /** Random per link: two links issued in the same second differ, so each upload link is single-use on its own. */
  nonce: string;
}

/** The query a signed link carries. */
export interface LinkQuery {
  token?: unknown;
  expires?: unknown;
  kid?: unknown;
  uid?: unknown;
  max?: unknown;
  n?: unknown;
}

const BASE64URL = /^[A-Za-z0-9_-]{43}$/;
const NONCE = /^[A-Za-z0-9_-]{22}$/;
const DIGITS = /^\d{1,12}$/;

/**
 * Signed, short-lived links (platform.md §3.4): `token = base64url(HMAC-SHA256(key[kid],
 * method|documentId|expires|maxBytes|userId))`. Verification checks the kid, the expiry (no grace)
 * and the signature in constant time; every failure is a 403.
 */
export class LinkSigner {
  constructor(
    private readonly keys: ReadonlyMap<string, string>,
    private readonly signingKid: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private mac(secret: string, claims: LinkClaims): Buffer {
    const payload = [
      claims.method,
      claims.documentId,
      claims.expires,
      claims.maxBytes,
      claims.userId,
      claims.nonce,
    ].join('|');
    return createHmac('sha256', secret).update(payload, 'utf8').digest();
  }

  /** The query string (without `?`) of a link valid for `ttlSeconds`. */
  sign(claims: Omit<LinkClaims, 'expires' | 'nonce'>, ttlSeconds: number): { query: string; expires: number } {
    const expires = Math.floor(this.now().getTime() / 1000) + ttlSeconds;
    const secret = this.keys.get(this.signingKid) as string;
    const nonce = randomBytes(16).toString('base64url');
    const token = this.mac(secret, { ...claims, expires, nonce }).toString('base64url');
    const query = new URLSearchParams({
      token,
      expires: String(expires),
      kid: this.signingKid,
      uid: claims.userId,
      max: String(claims.maxBytes),
      n: nonce,
    });
    return { query: query.toString(), expires };
  }

  /** The claims of a valid link for this method and document; 403 otherwise. */
  verify(method: LinkMethod, documentId: string, query: LinkQuery): LinkClaims {
    const code = method === 'PUT' ? 'invalid_upload_token' : 'invalid_signature';
    const refuse = () => new Forbidden('The link is not valid.', code);
    const { token, expires, kid, uid, max, n } = query;
    if (typeof token !== 'string' || !BASE64URL.test(token)) throw refuse();
    if (typeof expires !== 'string' || !DIGITS.test(expires)) throw refuse();
    if (typeof kid !== 'string' || typeof uid !== 'string' || uid.length === 0 || uid.length > 64) throw refuse();
    if (typeof max !== 'string' || !DIGITS.test(max)) throw refuse();
    if (typeof n !== 'string' || !NONCE.test(n)) throw refuse();
    const secret = this.keys.get(kid);
    if (secret === undefined) throw refuse();
    const claims: LinkClaims = {
      method,
      documentId,
      expires: Number(expires),
      maxBytes: Number(max),
      userId: uid,
      nonce: n,
    };
    const expected = this.mac(secret, claims);
    const given = Buffer.from(token, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refuse();
    // Checked after the signature, so an altered expiry is a bad signature, not an expired link.
    if (claims.expires <= Math.floor(this.now().getTime() / 1000)) {
      throw new Forbidden('The link has expired; ask for a new one.', 'link_expired');
    }
    return claims;
  }
}
