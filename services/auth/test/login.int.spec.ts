import { createJwtVerifier } from '@polis/auth-kit';
import type { TokenPair } from '@polis/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type AuthHarness, startAuth, uniqueEmail, uniqueIp } from './auth-harness.js';

describe('login, registration and the account-state oracle', () => {
  let auth: AuthHarness;

  beforeAll(async () => {
    auth = await startAuth({ AUTH_REGISTRATION_ENABLED: 'true', AUTH_LOGIN_MAX_PER_MINUTE: '30' });
  });

  afterAll(async () => {
    await auth?.close();
  });

  const register = (email: string, password: string, ip = uniqueIp()) =>
    auth.request('POST', '/api/v1/auth/register', { body: { email, password, fullName: 'Reg User' }, ip });

  it('signs the bootstrap admin in with a TokenPair whose JWT carries the documented claims', async () => {
    const response = await auth.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const pair: TokenPair = response.body;
    expect(pair).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, refreshExpiresIn: 604800 });
    expect(pair.refreshToken.length).toBeGreaterThanOrEqual(43);

    const [header] = pair.accessToken.split('.');
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toMatchObject({ alg: 'EdDSA', typ: 'JWT' });
    const verifier = createJwtVerifier({
      jwksUrl: `${auth.url}/.well-known/jwks.json`,
      issuer: auth.config.jwt.issuer,
      audience: 'crm-clients',
    });
    const principal = await verifier.verify(pair.accessToken);
    expect(principal).toMatchObject({
      email: ADMIN_EMAIL,
      type: 'access',
      amr: ['pwd'],
      roles: expect.arrayContaining(['ROLE_ADMIN', 'ROLE_USER']),
    });
    expect(principal.expiresAt - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(900);
    expect(principal.sessionId).toEqual(expect.any(String));
  });

  it('accepts the email in any case and with surrounding spaces', async () => {
    const response = await auth.login(`  ${ADMIN_EMAIL.toUpperCase()} `, ADMIN_PASSWORD);
    expect(response.status).toBe(200);
  });

  it('stores a registered mixed-case email lower-cased; a second registration is 409 user_exists', async () => {
    const email = uniqueEmail('Mixed.Case');
    const first = await register(email.toUpperCase(), 'Str0ng-password');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      email: email.toLowerCase(),
      enabled: true,
      status: 'active',
      roles: [{ name: 'ROLE_USER', id: '11111111-1111-1111-1111-111111111111' }],
    });
    const again = await register(email.toLowerCase(), 'Other-password1');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'user_exists' });
    expect((await auth.login(email, 'Str0ng-password')).status).toBe(200);
  });

  it('refuses passwords of 7 or 73 characters, and one equal to the email, with 400', async () => {
    const users = await auth.count('users');
    for (const password of ['x'.repeat(7), 'x'.repeat(73)]) {
      const response = await register(uniqueEmail(), password);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body).toMatchObject({ code: 'validation_error', errors: [{ field: 'password' }] });
    }
    const email = uniqueEmail();
    expect((await register(email, email)).status).toBe(400);
    expect(await auth.count('users')).toBe(users);
  });

  it('answers the same 401 invalid_credentials for an unknown email and a wrong password', async () => {
    const unknown = await auth.login(uniqueEmail('ghost'), 'whatever-pass');
    const wrong = await auth.login(ADMIN_EMAIL, 'wrong-password');
    for (const response of [unknown, wrong]) {
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ status: 401, code: 'invalid_credentials' });
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect(unknown.body.detail).toBe(wrong.body.detail);
  });

  it('a short wrong password at login is invalid_credentials, not a validation error', async () => {
    expect((await auth.login(ADMIN_EMAIL, 'x')).body).toMatchObject({ code: 'invalid_credentials' });
  });

  it('disabled account: wrong password → 401, right password → 403 user_disabled', async () => {
    const user = await auth.createUser();
    const admin = await auth.adminToken();
    const disabled = await auth.request('PATCH', `/api/v1/users/${user.id}`, {
      token: admin,
      body: { enabled: false },
    });
    expect(disabled.status).toBe(200);

    const wrong = await auth.login(user.email, 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 'invalid_credentials' });
    const right = await auth.login(user.email, user.password);
    expect(right.status).toBe(403);
    expect(right.body).toMatchObject({ code: 'user_disabled' });
  });

  it('an invited (not yet activated) account cannot sign in, and says nothing about its state', async () => {
    const admin = await auth.adminToken();
    const email = uniqueEmail('invitee');
    await auth.request('POST', '/api/v1/users', { token: admin, body: { email, fullName: 'Invitee', roles: [] } });
    const response = await auth.login(email, 'anything-at-all');
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'invalid_credentials' });
  });

  it('technical users have no interactive login', async () => {
    for (const email of ['system@crm.local', 'telegram-bot@crm.local']) {
      expect((await auth.login(email, 'anything-at-all')).body).toMatchObject({ code: 'invalid_credentials' });
    }
  });

  it('after 5 failures in 15 minutes the 6th attempt is 429 with Retry-After, even with the right password', async () => {
    const user = await auth.createUser();
    const ip = uniqueIp();
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await auth.login(user.email, 'wrong-password', ip)).status).toBe(401);
    }
    const blocked = await auth.login(user.email, user.password, ip);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ code: 'rate_limited' });
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);

    // The lock is per email and address: the same person from elsewhere still gets in.
    expect((await auth.login(user.email, user.password, uniqueIp())).status).toBe(200);
  });

  it('concurrent wrong guesses cannot pass the lock together: at most 5 are checked, the rest are 429', async () => {
    const user = await auth.createUser();
    const ip = uniqueIp();
    const statuses = (
      await Promise.all(Array.from({ length: 12 }, () => auth.login(user.email, 'wrong-password', ip)))
    ).map((response) => response.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(7);
    expect((await auth.login(user.email, user.password, ip)).status).toBe(429);
  });

  it('a successful login clears the failure count', async () => {
    const user = await auth.createUser();
    const ip = uniqueIp();
    for (let attempt = 0; attempt < 4; attempt += 1) await auth.login(user.email, 'wrong-password', ip);
    expect((await auth.login(user.email, user.password, ip)).status).toBe(200);
    for (let attempt = 0; attempt < 4; attempt += 1) await auth.login(user.email, 'wrong-password', ip);
    expect((await auth.login(user.email, user.password, ip)).status).toBe(200);
  });

  it('limits logins per address to 30 a minute', async () => {
    const ip = uniqueIp();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 31; attempt += 1) {
      statuses.push((await auth.login(uniqueEmail('spray'), 'some-password', ip)).status);
    }
    expect(statuses.slice(0, 30).every((status) => status === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
  });

  it('counts logins by outcome and rate-limited requests on /metrics', async () => {
    const text = await (await fetch(`${auth.url}/metrics`)).text();
    expect(text).toMatch(/auth_logins_total\{[^}]*outcome="success"[^}]*\} [1-9]/);
    expect(text).toMatch(/auth_logins_total\{[^}]*outcome="invalid_credentials"[^}]*\} [1-9]/);
    expect(text).toMatch(/auth_logins_total\{[^}]*outcome="user_disabled"[^}]*\} [1-9]/);
    expect(text).toMatch(/auth_rate_limited_total\{[^}]*scope="login-fail"[^}]*\} [1-9]/);
    expect(text).toContain('auth_refresh_reuse_total');
  });

  it('rejects malformed login bodies with 400 problem+json', async () => {
    const cases: Array<{ body?: unknown; rawBody?: string }> = [
      { body: { email: ADMIN_EMAIL } },
      { body: { email: 'not-an-email', password: 'x' } },
      { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, extra: true } },
      { body: { email: ADMIN_EMAIL, password: 12345678 } },
      { body: { email: `${'a'.repeat(10_000)}@example.com`, password: ADMIN_PASSWORD } },
      { body: { email: ADMIN_EMAIL, password: 'p'.repeat(10_000) } },
      { body: [] },
      { rawBody: '{"email": ' },
      {},
    ];
    for (const options of cases) {
      const response = await auth.request('POST', '/api/v1/auth/token', options);
      expect(response.status, JSON.stringify(options)).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body).toMatchObject({ status: 400, code: 'validation_error' });
    }
  });
});
