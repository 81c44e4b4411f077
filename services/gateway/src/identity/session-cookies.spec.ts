import { describe, expect, it } from 'vitest';
import { clearedSessionCookies, mergeSetCookie, sessionCookies, withoutSessionCookies } from './session-cookies.js';

describe('session cookies', () => {
  it('sets the three cookies with the attributes of interfaces.md §7', () => {
    const [access, refresh, csrf] = sessionCookies(
      { accessToken: 'a.b.c', refreshToken: 'r-1', expiresIn: 600, refreshExpiresIn: 3600 },
      'n.s',
      { secure: true, domain: 'polis.example' },
    );
    expect(access).toBe(
      'crm_access_token=a.b.c; Max-Age=600; Domain=polis.example; Path=/api; HttpOnly; Secure; SameSite=Lax',
    );
    expect(refresh).toBe(
      'crm_refresh_token=r-1; Max-Age=3600; Domain=polis.example; Path=/api/v1/auth; HttpOnly; Secure; SameSite=Strict',
    );
    expect(csrf).toBe('crm_csrf=n.s; Max-Age=3600; Domain=polis.example; Path=/; Secure; SameSite=Lax');
  });

  it('defaults the lifetimes to 900 s and 7 days, and clears with the same path', () => {
    const [access, refresh] = sessionCookies({ accessToken: 'a', refreshToken: 'r' }, 'c', { secure: false });
    expect(access).toContain('Max-Age=900');
    expect(refresh).toContain('Max-Age=604800');
    expect(access).not.toContain('Secure');
    const cleared = clearedSessionCookies({ secure: false });
    expect(cleared[1]).toMatch(
      /^crm_refresh_token=; Max-Age=0; Path=\/api\/v1\/auth; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict$/,
    );
  });

  it('keeps the session cookies away from services', () => {
    expect(withoutSessionCookies('crm_access_token=a; theme=dark; crm_csrf=x;crm_refresh_token=r; lang=ru')).toBe(
      'theme=dark; lang=ru',
    );
    expect(withoutSessionCookies('crm_access_token=a')).toBeUndefined();
    expect(withoutSessionCookies(undefined)).toBeUndefined();
  });

  it('appends to Set-Cookie values already on the response', () => {
    expect(mergeSetCookie('a=1', ['b=2'])).toEqual(['a=1', 'b=2']);
    expect(mergeSetCookie(['a=1'], ['b=2'])).toEqual(['a=1', 'b=2']);
    expect(mergeSetCookie(undefined, ['b=2'])).toEqual(['b=2']);
  });
});
