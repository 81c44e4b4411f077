import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGatewayService } from '../src/index.js';
import { APP_ORIGIN, type GatewayHarness, startHarness, type TestUser } from './support/gateway-harness.js';
import { type ReceivedRequest, TestUpstream } from './support/test-upstream.js';

interface SetCookie {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
}

function parseSetCookies(response: Response): Map<string, SetCookie> {
  const cookies = new Map<string, SetCookie>();
  for (const header of response.headers.getSetCookie()) {
    const [pair = '', ...parts] = header.split(';').map((part) => part.trim());
    const separator = pair.indexOf('=');
    const attributes: Record<string, string | true> = {};
    for (const part of parts) {
      const equals = part.indexOf('=');
      if (equals < 0) attributes[part.toLowerCase()] = true;
      else attributes[part.slice(0, equals).toLowerCase()] = part.slice(equals + 1);
    }
    const name = pair.slice(0, separator);
    cookies.set(name, { name, value: decodeURIComponent(pair.slice(separator + 1)), attributes });
  }
  return cookies;
}

function cookieHeader(cookies: Map<string, SetCookie>, names = [...cookies.keys()]): string {
  return names.map((name) => `${name}=${encodeURIComponent(cookies.get(name)?.value ?? '')}`).join('; ');
}

function uniqueIp(): string {
  return `198.51.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

describe('sessions through the Gateway: cookie mode, CSRF, refresh, logout, cut-off, rate limits', () => {
  const crm = new TestUpstream('crm');
  let h: GatewayHarness;

  beforeAll(async () => {
    await crm.start();
    h = await startHarness({ upstreams: { crm: { baseUrl: crm.url } } });
  });

  afterAll(async () => {
    await h?.close();
    await crm.close();
  });

  const login = (user: TestUser, headers: Record<string, string> = {}) =>
    fetch(`${h.url}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });

  async function cookieLogin(): Promise<{ user: TestUser; cookies: Map<string, SetCookie> }> {
    const user = await h.createUser();
    const response = await login(user, { 'x-session-mode': 'cookie' });
    expect(response.status).toBe(200);
    return { user, cookies: parseSetCookies(response) };
  }

  it('cookie mode: login sets the three cookies with their attributes and keeps tokens out of the body', async () => {
    const user = await h.createUser();
    const response = await login(user, { 'x-session-mode': 'cookie', origin: APP_ORIGIN });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ tokenType: 'Bearer', expiresIn: 900, refreshExpiresIn: 604800 });
    expect(response.headers.get('cache-control')).toBe('no-store');

    const cookies = parseSetCookies(response);
    expect([...cookies.keys()].sort()).toEqual(['crm_access_token', 'crm_csrf', 'crm_refresh_token']);
    expect(cookies.get('crm_access_token')?.attributes).toEqual({
      'max-age': '900',
      path: '/api',
      httponly: true,
      samesite: 'Lax',
    });
    expect(cookies.get('crm_refresh_token')?.attributes).toEqual({
      'max-age': '604800',
      path: '/api/v1/auth',
      httponly: true,
      samesite: 'Strict',
    });
    const csrf = cookies.get('crm_csrf');
    expect(csrf?.attributes).toEqual({ 'max-age': '604800', path: '/', samesite: 'Lax' });
    expect(csrf?.value).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(cookies.get('crm_access_token')?.value.split('.')).toHaveLength(3);
  });

  it('Bearer mode: login answers the token pair in the body and sets no cookie', async () => {
    const user = await h.createUser();
    const response = await login(user);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      tokenType: 'Bearer',
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('passes a failed login through unchanged, without cookies', async () => {
    const user = await h.createUser();
    const response = await fetch(`${h.url}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-session-mode': 'cookie' },
      body: JSON.stringify({ email: user.email, password: 'wrong-password' }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'invalid_credentials' });
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('turns the access cookie into Authorization: Bearer and keeps the session cookies from the service', async () => {
    const { cookies } = await cookieLogin();
    const response = await fetch(`${h.url}/api/v1/crm/deals`, {
      headers: { cookie: `${cookieHeader(cookies)}; theme=dark` },
    });
    expect(response.status).toBe(200);
    const echo = (await response.json()) as ReceivedRequest;
    expect(echo.headers.authorization).toBe(`Bearer ${cookies.get('crm_access_token')?.value}`);
    expect(echo.headers.cookie).toBe('theme=dark');

    const me = await fetch(`${h.url}/api/v1/auth/me`, {
      headers: { cookie: cookieHeader(cookies, ['crm_access_token']) },
    });
    expect(me.status).toBe(200);
  });

  it('CSRF: a cookie POST without, or with a wrong, X-CSRF-Token is refused; with the right one it passes', async () => {
    const { cookies } = await cookieLogin();
    const cookie = cookieHeader(cookies);
    const post = (headers: Record<string, string>) =>
      fetch(`${h.url}/api/v1/crm/deals`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', ...headers },
        body: '{"title":"x"}',
      });

    const missing = await post({});
    expect(missing.status).toBe(403);
    expect(await missing.json()).toMatchObject({ code: 'csrf_failed' });

    // An empty Authorization header does not turn a cookie-authenticated request into a Bearer one.
    const emptyAuthorization = await post({ authorization: '' });
    expect(emptyAuthorization.status).toBe(403);
    expect(await emptyAuthorization.json()).toMatchObject({ code: 'csrf_failed' });

    const csrf = cookies.get('crm_csrf')?.value ?? '';
    const [nonce = ''] = csrf.split('.');
    const wrong = await post({ 'x-csrf-token': `${nonce}.forged-signature` });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ code: 'csrf_failed' });

    // A cookie planted by someone else, echoed correctly, still lacks this Gateway's signature.
    const planted = await fetch(`${h.url}/api/v1/crm/deals`, {
      method: 'POST',
      headers: {
        cookie: `${cookieHeader(cookies, ['crm_access_token'])}; crm_csrf=${nonce}.forged`,
        'x-csrf-token': `${nonce}.forged`,
      },
    });
    expect(planted.status).toBe(403);

    const right = await post({ 'x-csrf-token': csrf, origin: APP_ORIGIN });
    expect(right.status).toBe(200);
    const echo = (await right.json()) as ReceivedRequest;
    expect(echo.headers['x-csrf-token']).toBeUndefined();

    const foreignOrigin = await post({ 'x-csrf-token': csrf, origin: 'https://evil.example' });
    expect(foreignOrigin.status).toBe(403);
    expect(await foreignOrigin.json()).toMatchObject({ code: 'csrf_failed' });
  });

  it('Bearer-authenticated writes need no CSRF token', async () => {
    const user = await h.createUser();
    const response = await fetch(`${h.url}/api/v1/crm/deals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.tokens.accessToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(200);
  });

  it('refresh reads the refresh token from its cookie, rotates it and answers with new cookies', async () => {
    const { cookies } = await cookieLogin();
    const response = await fetch(`${h.url}/api/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'x-session-mode': 'cookie', cookie: cookieHeader(cookies, ['crm_refresh_token']), origin: APP_ORIGIN },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ tokenType: 'Bearer', expiresIn: 900, refreshExpiresIn: 604800 });
    const renewed = parseSetCookies(response);
    expect(renewed.get('crm_refresh_token')?.value).not.toBe(cookies.get('crm_refresh_token')?.value);
    expect(renewed.get('crm_access_token')?.value).toBeTruthy();

    const me = await fetch(`${h.url}/api/v1/auth/me`, {
      headers: { cookie: cookieHeader(renewed, ['crm_access_token']) },
    });
    expect(me.status).toBe(200);
  });

  it('a refresh cookie that Auth refuses is cleared', async () => {
    const response = await fetch(`${h.url}/api/v1/auth/refresh`, {
      method: 'POST',
      headers: { cookie: 'crm_refresh_token=00000000-0000-4000-8000-000000000000' },
    });
    expect(response.status).toBe(401);
    const cleared = parseSetCookies(response);
    expect(cleared.get('crm_refresh_token')?.attributes['max-age']).toBe('0');
    expect(cleared.get('crm_refresh_token')?.value).toBe('');
  });

  it('logout clears the three cookies and revokes the refresh token held in the cookie', async () => {
    const { cookies } = await cookieLogin();
    const response = await fetch(`${h.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { cookie: cookieHeader(cookies), 'x-csrf-token': cookies.get('crm_csrf')?.value ?? '' },
    });
    expect(response.status).toBe(204);
    const cleared = parseSetCookies(response);
    for (const name of ['crm_access_token', 'crm_refresh_token', 'crm_csrf']) {
      expect(cleared.get(name)?.value, name).toBe('');
      expect(cleared.get(name)?.attributes['max-age'], name).toBe('0');
    }
    expect(cleared.get('crm_refresh_token')?.attributes.path).toBe('/api/v1/auth');

    const reuse = await fetch(`${h.url}/api/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: cookies.get('crm_refresh_token')?.value }),
    });
    expect(reuse.status).toBe(401);
  });

  it("refuses a disabled user's still-valid token at once with 403 user_disabled", async () => {
    const { user, cookies } = await cookieLogin();
    const bearer = { authorization: `Bearer ${user.tokens.accessToken}` };
    expect((await fetch(`${h.url}/api/v1/crm/deals`, { headers: bearer })).status).toBe(200);

    const disable = await fetch(`${h.url}/api/v1/users/${user.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${await h.adminToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: false }),
    });
    expect(disable.status).toBe(200);

    const before = crm.requests.length;
    const refused = await fetch(`${h.url}/api/v1/crm/deals`, { headers: bearer });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'user_disabled' });
    const viaCookie = await fetch(`${h.url}/api/v1/crm/deals`, { headers: { cookie: cookieHeader(cookies) } });
    expect(viaCookie.status).toBe(403);
    expect(crm.requests.length).toBe(before);
  });

  describe('rate limits', () => {
    let limited: RunningGatewayService;

    beforeAll(async () => {
      limited = await h.startGateway(
        { GATEWAY_RATE_LIMIT_PER_MINUTE: '3', GATEWAY_LOGIN_RATE_LIMIT_PER_MINUTE: '2', GATEWAY_TRUST_PROXY: 'true' },
        { crm: { baseUrl: crm.url } },
      );
    });

    it('per user: the request over the limit gets 429 rate_limited with Retry-After', async () => {
      const user = await h.createUser();
      const headers = { authorization: `Bearer ${user.tokens.accessToken}` };
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${limited.url}/api/v1/crm/deals`, { headers })).status);
      expect(statuses).toEqual([200, 200, 200]);
      const over = await fetch(`${limited.url}/api/v1/crm/deals`, { headers });
      expect(over.status).toBe(429);
      expect(await over.json()).toMatchObject({ code: 'rate_limited' });
      const retryAfter = Number(over.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);

      // Another user is not affected.
      const other = await h.createUser();
      const fine = await fetch(`${limited.url}/api/v1/crm/deals`, {
        headers: { authorization: `Bearer ${other.tokens.accessToken}` },
      });
      expect(fine.status).toBe(200);
      expect(await (await fetch(`${limited.url}/metrics`)).text()).toMatch(
        /gateway_rate_limited_total\{[^}]*scope="api-user"[^}]*\} [1-9]/,
      );
    });

    it('login per IP', async () => {
      const user = await h.createUser();
      const ip = uniqueIp();
      const attempt = () =>
        fetch(`${limited.url}/api/v1/auth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
          body: JSON.stringify({ email: user.email, password: user.password }),
        });
      expect((await attempt()).status).toBe(200);
      expect((await attempt()).status).toBe(200);
      const over = await attempt();
      expect(over.status).toBe(429);
      expect(over.headers.get('retry-after')).toBeTruthy();

      const elsewhere = await fetch(`${limited.url}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': uniqueIp() },
        body: JSON.stringify({ email: user.email, password: user.password }),
      });
      expect(elsewhere.status).toBe(200);
    });
  });
});
