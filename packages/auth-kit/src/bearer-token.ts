/** The cookie the Gateway sets for browsers (ARCHITECTURE.md §7, cookie mode). */
export const ACCESS_TOKEN_COOKIE = 'crm_access_token';

type HeaderValue = string | string[] | undefined;

function first(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Reads one cookie from a `Cookie` header; undefined when absent or not decodable. */
export function readCookie(cookieHeader: HeaderValue, name: string): string | undefined {
  const header = Array.isArray(cookieHeader) ? cookieHeader.join('; ') : cookieHeader;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    let value = part.slice(separator + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The caller's token: `Authorization: Bearer <jwt>` first, else the access-token cookie. */
export function extractAccessToken(headers: Record<string, HeaderValue>): string | undefined {
  const authorization = first(headers.authorization);
  if (authorization) {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
    return match?.[1];
  }
  const fromCookie = readCookie(headers.cookie, ACCESS_TOKEN_COOKIE);
  return fromCookie ? fromCookie : undefined;
}
