import { disabledUserKey, extractAccessToken, type JwtVerifier, type Principal } from '@polis/auth-kit';
import type { Cache } from '@polis/cache';
import { Forbidden, type Logger, Unauthorized } from '@polis/platform';
import { verifyCsrfToken } from './csrf.js';
import { CSRF_COOKIE, readCookies } from './session-cookies.js';

type Headers = Record<string, string | string[] | undefined>;

export interface Identity {
  principal: Principal;
  /** Authenticated by the access cookie (no Authorization header): unsafe methods need the CSRF token. */
  viaCookie: boolean;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method);
}

export interface AuthenticatorOptions {
  /** auth-kit's verifier; it remembers recently verified tokens, so repeated calls stay cheap. */
  verifier: JwtVerifier;
  /** Auth's cache, where `auth:disabled:<userId>` cuts a user off before their token expires. */
  authCache: Cache;
  logger: Logger;
}

/**
 * Verifies the caller's access token as auth-kit's guard does (same verifier, same disabled-user
 * rule), for requests the Gateway proxies rather than handles in Nest.
 */
export class Authenticator {
  constructor(private readonly options: AuthenticatorOptions) {}

  /**
   * `alongside` runs concurrently with the disabled-user look-up (the per-user rate limit), so
   * the two cache round trips overlap; a disabled account wins over its error.
   */
  async authenticate(headers: Headers, alongside?: (principal: Principal) => Promise<void>): Promise<Identity> {
    // Decided exactly as extractAccessToken decides: an empty Authorization header counts as absent,
    // so a token taken from the cookie is always treated as cookie-borne (CSRF and Origin checks).
    const authorization = Array.isArray(headers.authorization) ? headers.authorization[0] : headers.authorization;
    const hasAuthorization = Boolean(authorization);
    const token = extractAccessToken(headers);
    if (!token) {
      throw hasAuthorization
        ? new Unauthorized('The Authorization header is not a Bearer token.', 'invalid_token')
        : new Unauthorized('Authentication is required.', 'unauthorized');
    }
    const principal = await this.options.verifier.verify(token);
    const [disabled, other] = await Promise.allSettled([
      principal.type === 'access' ? this.isDisabled(principal.userId) : Promise.resolve(false),
      alongside?.(principal),
    ]);
    if (disabled.status === 'fulfilled' && disabled.value) {
      throw new Forbidden('This account is disabled.', 'user_disabled');
    }
    if (other.status === 'rejected') throw other.reason;
    return { principal, viaCookie: !hasAuthorization };
  }

  async isDisabled(userId: string): Promise<boolean> {
    try {
      return (await this.options.authCache.get(disabledUserKey(userId))) !== null;
    } catch (error) {
      // Every service checks again; refusing everyone while Redis is down would be an outage.
      this.options.logger.warn({ err: error }, 'disabled-user check failed; letting the request through');
      return false;
    }
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Cookie-authenticated unsafe requests must come from an allowed Origin (when the browser names one)
 * and, when `requireToken`, echo the signed `crm_csrf` cookie in `X-CSRF-Token`.
 */
export function assertCookieRequestAllowed(options: {
  method: string;
  headers: Headers;
  corsOrigins: readonly string[];
  sessionSecret: string;
  requireToken: boolean;
}): void {
  if (!isUnsafeMethod(options.method)) return;
  const origin = first(options.headers.origin);
  if (origin !== undefined && !options.corsOrigins.includes(origin)) {
    throw new Forbidden(`Requests from ${origin} may not use the session cookie.`, 'csrf_failed');
  }
  if (!options.requireToken) return;
  const cookie = readCookies(options.headers.cookie)[CSRF_COOKIE];
  const header = first(options.headers['x-csrf-token']);
  if (!verifyCsrfToken(options.sessionSecret, cookie, header)) {
    throw new Forbidden('The X-CSRF-Token header does not match the session.', 'csrf_failed');
  }
}
