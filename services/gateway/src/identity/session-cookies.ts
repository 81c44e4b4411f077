import { parseCookie, type SerializeOptions, stringifySetCookie } from 'cookie';

/** interfaces.md §7 cookie mode. */
export const ACCESS_COOKIE = 'crm_access_token';
export const REFRESH_COOKIE = 'crm_refresh_token';
export const CSRF_COOKIE = 'crm_csrf';
export const SESSION_COOKIES = [ACCESS_COOKIE, REFRESH_COOKIE, CSRF_COOKIE] as const;

export const DEFAULT_ACCESS_MAX_AGE = 900;
export const DEFAULT_REFRESH_MAX_AGE = 604_800;

export interface CookieSettings {
  secure: boolean;
  domain?: string;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn?: number;
  refreshExpiresIn?: number;
}

function attributes(
  settings: CookieSettings,
  cookie: Pick<SerializeOptions, 'httpOnly' | 'sameSite' | 'path'>,
  maxAge: number,
): SerializeOptions {
  const options: SerializeOptions = { ...cookie, secure: settings.secure, maxAge };
  if (settings.domain !== undefined) options.domain = settings.domain;
  return options;
}

const ACCESS_ATTRIBUTES = { httpOnly: true, sameSite: 'lax', path: '/api' } as const;
const REFRESH_ATTRIBUTES = { httpOnly: true, sameSite: 'strict', path: '/api/v1/auth' } as const;
// Readable by the web app, which echoes it in X-CSRF-Token.
const CSRF_ATTRIBUTES = { httpOnly: false, sameSite: 'lax', path: '/' } as const;

/** The three Set-Cookie values of a session: access, refresh and the CSRF double-submit token. */
export function sessionCookies(tokens: IssuedTokens, csrfToken: string, settings: CookieSettings): string[] {
  const accessMaxAge = tokens.expiresIn ?? DEFAULT_ACCESS_MAX_AGE;
  const refreshMaxAge = tokens.refreshExpiresIn ?? DEFAULT_REFRESH_MAX_AGE;
  return [
    stringifySetCookie(ACCESS_COOKIE, tokens.accessToken, attributes(settings, ACCESS_ATTRIBUTES, accessMaxAge)),
    stringifySetCookie(REFRESH_COOKIE, tokens.refreshToken, attributes(settings, REFRESH_ATTRIBUTES, refreshMaxAge)),
    // The CSRF token lives as long as the session it protects, so a refresh can still present it.
    stringifySetCookie(CSRF_COOKIE, csrfToken, attributes(settings, CSRF_ATTRIBUTES, refreshMaxAge)),
  ];
}

/** Set-Cookie values that delete the three session cookies (same path and domain, expired). */
export function clearedSessionCookies(settings: CookieSettings): string[] {
  const expired = (cookie: Pick<SerializeOptions, 'httpOnly' | 'sameSite' | 'path'>): SerializeOptions => ({
    ...attributes(settings, cookie, 0),
    expires: new Date(0),
  });
  return [
    stringifySetCookie(ACCESS_COOKIE, '', expired(ACCESS_ATTRIBUTES)),
    stringifySetCookie(REFRESH_COOKIE, '', expired(REFRESH_ATTRIBUTES)),
    stringifySetCookie(CSRF_COOKIE, '', expired(CSRF_ATTRIBUTES)),
  ];
}

export function readCookies(header: string | string[] | undefined): Record<string, string | undefined> {
  if (header === undefined) return {};
  return parseCookie(Array.isArray(header) ? header.join('; ') : header);
}

/**
 * The Cookie header without the session cookies: the Gateway turns the access cookie into a Bearer
 * token and hands the refresh token over in the body, so no service ever needs to see them.
 */
export function withoutSessionCookies(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const kept = (Array.isArray(header) ? header.join('; ') : header)
    .split(';')
    .map((part) => part.trim())
    .filter((part) => {
      if (part === '') return false;
      const separator = part.indexOf('=');
      const name = (separator < 0 ? part : part.slice(0, separator)).trim();
      return !(SESSION_COOKIES as readonly string[]).includes(name);
    });
  return kept.length > 0 ? kept.join('; ') : undefined;
}

/** Appends Set-Cookie values to those already on a response (an upstream's own cookies stay). */
export function mergeSetCookie(existing: unknown, added: string[]): string[] {
  if (Array.isArray(existing)) return [...existing.map(String), ...added];
  if (typeof existing === 'string') return [existing, ...added];
  return added;
}
