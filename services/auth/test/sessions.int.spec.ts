import { disabledUserKey } from '@polis/auth-kit';
import type { TokenPair } from '@polis/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthHarness, type Json, startAuth, uniqueIp } from './auth-harness.js';

describe('sessions: refresh rotation, reuse, logout, password change, cut-off', () => {
  let auth: AuthHarness;

  beforeAll(async () => {
    auth = await startAuth({ AUTH_REFRESH_MAX_PER_MINUTE: '5' });
  });

  afterAll(async () => {
    await auth?.close();
  });

  const refresh = (refreshToken: string, ip?: string) =>
    auth.request<TokenPair & Json>('POST', '/api/v1/auth/refresh', { body: { refreshToken }, ip });
  const me = (token: string) => auth.request('GET', '/api/v1/auth/me', { token });

  it('rotates: a refresh answers a new pair and the old refresh token is used up', async () => {
    const user = await auth.createUser();
    const first = await refresh(user.tokens.refreshToken);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, refreshExpiresIn: 604800 });
    expect(first.body.refreshToken).not.toBe(user.tokens.refreshToken);
    expect(first.body.accessToken).not.toBe(user.tokens.accessToken);
    expect((await me(first.body.accessToken)).body).toMatchObject({ id: user.id, email: user.email });

    const second = await refresh(first.body.refreshToken);
    expect(second.status).toBe(200);
  });

  it('a replayed refresh token → 401, its family dies (newest token included), other logins survive', async () => {
    const user = await auth.createUser();
    const otherLogin = await auth.login(user.email, user.password);
    const stolen = user.tokens.refreshToken;
    const legit = await refresh(stolen);
    expect(legit.status).toBe(200);
    const newer = await refresh(legit.body.refreshToken);
    expect(newer.status).toBe(200);

    // Within the grace window a second use counts as a browser race, not as theft.
    await waitPastGrace(auth);
    const replay = await refresh(stolen);
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ code: 'invalid_refresh_token' });

    const newest = await refresh(newer.body.refreshToken);
    expect(newest.status).toBe(401);
    expect(newest.body).toMatchObject({ code: 'invalid_refresh_token' });
    expect((await refresh(otherLogin.body.refreshToken)).status).toBe(200);

    const rows = await auth.backend.db.query<{ n: number }>(
      `select count(*)::int as n from auth.outbox where routing_key = 'auth.token.reuse_detected' and event->'data'->'tags'->>'userId' = $1`,
      [user.id],
    );
    expect(rows[0]?.n).toBe(1);
    const metrics = await (await fetch(`${auth.url}/metrics`)).text();
    expect(metrics).toMatch(/auth_refresh_reuse_total\{[^}]*\} [1-9]/);
  });

  it('two refreshes of one token within the grace window return the same new pair', async () => {
    const user = await auth.createUser();
    const [a, b] = await Promise.all([refresh(user.tokens.refreshToken), refresh(user.tokens.refreshToken)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.refreshToken).toBe(b.body.refreshToken);
    expect(a.body.accessToken).toBe(b.body.accessToken);

    const late = await refresh(user.tokens.refreshToken);
    expect(late.status).toBe(200);
    expect(late.body.refreshToken).toBe(a.body.refreshToken);
    // The shared pair is a normal pair: it keeps working.
    expect((await refresh(a.body.refreshToken)).status).toBe(200);
  });

  it('reads the refresh token from the crm_refresh_token cookie when the body has none', async () => {
    const user = await auth.createUser();
    const response = await auth.request('POST', '/api/v1/auth/refresh', {
      headers: { cookie: `crm_refresh_token=${encodeURIComponent(user.tokens.refreshToken)}` },
    });
    expect(response.status).toBe(200);
  });

  it('unknown, malformed and expired refresh tokens are refused with the right code', async () => {
    expect((await refresh('not-a-token')).body).toMatchObject({ status: 401, code: 'invalid_refresh_token' });
    const expiredShape = `${'A'.repeat(43)}.${Math.floor(Date.now() / 1000 - 60).toString(36)}`;
    expect((await refresh(expiredShape)).body).toMatchObject({ status: 401, code: 'refresh_token_expired' });
    const missing = await auth.request('POST', '/api/v1/auth/refresh', { body: {} });
    expect(missing.body).toMatchObject({ status: 401, code: 'invalid_refresh_token' });
    for (const body of [{ refreshToken: 5 }, { refreshToken: 'x'.repeat(10_000) }, { refreshToken: 'x', more: 1 }]) {
      expect((await auth.request('POST', '/api/v1/auth/refresh', { body })).status).toBe(400);
    }
  });

  it('a refresh re-reads the roles', async () => {
    const user = await auth.createUser();
    const admin = await auth.adminToken();
    await auth.request('POST', `/api/v1/users/${user.id}/roles`, { token: admin, body: { roleName: 'executor' } });
    const refreshed = await refresh(user.tokens.refreshToken);
    const claims = JSON.parse(Buffer.from(refreshed.body.accessToken.split('.')[1] ?? '', 'base64url').toString());
    expect(claims.roles).toEqual(expect.arrayContaining(['ROLE_EXECUTOR', 'ROLE_USER']));
  });

  it('limits refreshes per user (5 a minute in this file)', async () => {
    const user = await auth.createUser();
    let token = user.tokens.refreshToken;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const response = await refresh(token);
      expect(response.status).toBe(200);
      token = response.body.refreshToken;
    }
    const limited = await refresh(token);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'rate_limited' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('logout ends the presented session only; logout {all:true} ends every session', async () => {
    const user = await auth.createUser();
    const second = await auth.login(user.email, user.password);
    const third = await auth.login(user.email, user.password);

    const out = await auth.request('POST', '/api/v1/auth/logout', {
      token: user.tokens.accessToken,
      body: { refreshToken: user.tokens.refreshToken },
    });
    expect(out.status).toBe(204);
    expect((await refresh(user.tokens.refreshToken)).status).toBe(401);
    expect((await refresh(second.body.refreshToken)).status).toBe(200);

    const all = await auth.request('POST', '/api/v1/auth/logout', {
      token: third.body.accessToken,
      body: { all: true },
    });
    expect(all.status).toBe(204);
    expect((await refresh(third.body.refreshToken)).status).toBe(401);
  });

  it('logout without a body ends the session the access token belongs to', async () => {
    const user = await auth.createUser();
    const other = await auth.login(user.email, user.password);
    expect((await auth.request('POST', '/api/v1/auth/logout', { token: user.tokens.accessToken })).status).toBe(204);
    expect((await refresh(user.tokens.refreshToken)).status).toBe(401);
    expect((await refresh(other.body.refreshToken)).status).toBe(200);
  });

  it('logout cannot end someone else’s session', async () => {
    const victim = await auth.createUser();
    const attacker = await auth.createUser();
    await auth.request('POST', '/api/v1/auth/logout', {
      token: attacker.tokens.accessToken,
      body: { refreshToken: victim.tokens.refreshToken },
    });
    expect((await refresh(victim.tokens.refreshToken)).status).toBe(200);
  });

  it('GET /auth/me answers the caller; anonymous is 401', async () => {
    const user = await auth.createUser(['ROLE_SALES_AGENT'], 'Olga Kuznetsova');
    const response = await me(user.tokens.accessToken);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: user.id,
      email: user.email,
      fullName: 'Olga Kuznetsova',
      enabled: true,
      status: 'active',
      telegramLinked: false,
    });
    expect((response.body.roles as Array<{ name: string }>).map((role) => role.name).sort()).toEqual([
      'ROLE_SALES_AGENT',
      'ROLE_USER',
    ]);
    expect((await auth.request('GET', '/api/v1/auth/me')).status).toBe(401);
  });

  it('changing the password keeps this session, ends the others and needs the current password', async () => {
    const user = await auth.createUser();
    const other = await auth.login(user.email, user.password);
    const wrong = await auth.request('POST', '/api/v1/auth/password', {
      token: user.tokens.accessToken,
      body: { currentPassword: 'wrong-one', newPassword: 'Brand-new-pass1' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ code: 'invalid_current_password' });

    const tooShort = await auth.request('POST', '/api/v1/auth/password', {
      token: user.tokens.accessToken,
      body: { currentPassword: user.password, newPassword: 'short' },
    });
    expect(tooShort.status).toBe(400);

    const changed = await auth.request('POST', '/api/v1/auth/password', {
      token: user.tokens.accessToken,
      body: { currentPassword: user.password, newPassword: 'Brand-new-pass1' },
    });
    expect(changed.status).toBe(204);
    expect((await refresh(other.body.refreshToken)).status).toBe(401);
    expect((await refresh(user.tokens.refreshToken)).status).toBe(200);
    expect((await auth.login(user.email, user.password)).status).toBe(401);
    expect((await auth.login(user.email, 'Brand-new-pass1')).status).toBe(200);
  });

  it('disabling cuts every session off: refresh → 403, access tokens → 403, re-enabling restores login', async () => {
    const user = await auth.createUser();
    const other = await auth.login(user.email, user.password);
    const rotated = await refresh(other.body.refreshToken);
    const admin = await auth.adminToken();

    const patch = await auth.request('PATCH', `/api/v1/users/${user.id}`, { token: admin, body: { enabled: false } });
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({ enabled: false, status: 'disabled' });

    for (const token of [user.tokens.refreshToken, rotated.body.refreshToken]) {
      const response = await refresh(token);
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ code: 'user_disabled' });
    }
    expect(await auth.backend.cache.get(disabledUserKey(user.id))).not.toBeNull();
    const ttl = await auth.backend.cache.ttlMs(disabledUserKey(user.id));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(auth.config.ttl.accessMs + 60_000);
    const stillValidAccess = await me(user.tokens.accessToken);
    expect(stillValidAccess.status).toBe(403);
    expect(stillValidAccess.body).toMatchObject({ code: 'user_disabled' });

    const enabled = await auth.request('PATCH', `/api/v1/users/${user.id}`, { token: admin, body: { enabled: true } });
    expect(enabled.body).toMatchObject({ enabled: true, status: 'active' });
    expect(await auth.backend.cache.get(disabledUserKey(user.id))).toBeNull();
    const again = await auth.login(user.email, user.password);
    expect(again.status).toBe(200);
    // Sessions from before the disable stay dead.
    expect((await refresh(rotated.body.refreshToken)).status).toBe(401);
  });

  it('an admin cannot disable their own account', async () => {
    const admin = await auth.createUser(['ROLE_ADMIN']);
    const response = await auth.request('PATCH', `/api/v1/users/${admin.id}`, {
      token: admin.tokens.accessToken,
      body: { enabled: false },
      ip: uniqueIp(),
    });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ code: 'cannot_disable_self' });
  });
});

/** Replays within the grace window are treated as a browser race; these tests need a real replay. */
async function waitPastGrace(auth: AuthHarness): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, auth.config.ttl.refreshReuseGraceMs + 50));
}
