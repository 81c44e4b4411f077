import { randomInt } from 'node:crypto';
import type { AccessTokenResponse, TelegramLinkCodeResponse } from '@polis/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthHarness, type Json, SERVICE_CLIENTS, startAuth, type TestUser } from './auth-harness.js';

describe('service tokens and Telegram linking', () => {
  let auth: AuthHarness;
  let bot: string;

  beforeAll(async () => {
    auth = await startAuth();
    bot = await auth.serviceToken('bot');
  });

  afterAll(async () => {
    await auth?.close();
  });

  const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
  const telegramId = () => randomInt(1_000_000, 9_000_000_000);
  const linkCode = async (user: TestUser) =>
    auth.request<TelegramLinkCodeResponse & Json>('POST', '/api/v1/auth/telegram/link-code', {
      token: user.tokens.accessToken,
    });
  const link = (body: Json, token = bot) => auth.request('POST', '/api/v1/auth/telegram/link', { token, body });
  const linkUser = async (user: TestUser, id = telegramId()) => {
    const code = await linkCode(user);
    const response = await link({ confirmationCode: code.body.code, telegramId: id, chatId: id, username: 'tg_user' });
    expect(response.status).toBe(200);
    return id;
  };

  describe('service tokens (client credentials)', () => {
    it('issues a 300 s ROLE_SERVICE token for a configured client', async () => {
      const [clientId, clientSecret] = SERVICE_CLIENTS.gateway;
      const response = await auth.request<AccessTokenResponse & Json>('POST', '/internal/v1/auth/service-token', {
        body: { clientId, clientSecret },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 300 });
      expect(claimsOf(response.body.accessToken)).toMatchObject({
        sub: 'svc:gateway',
        roles: ['ROLE_SERVICE'],
        typ: 'service',
        amr: ['client_credentials'],
      });
    });

    it('refuses a wrong secret and an unknown client alike: 401 invalid_client', async () => {
      for (const body of [
        { clientId: 'gateway', clientSecret: 'wrong' },
        { clientId: 'nobody', clientSecret: 'gw-secret-1' },
        { clientId: 'constructor', clientSecret: 'x' },
      ]) {
        const response = await auth.request('POST', '/internal/v1/auth/service-token', { body });
        expect(response.status).toBe(401);
        expect(response.body).toMatchObject({ code: 'invalid_client' });
      }
    });
  });

  describe('linking', () => {
    it('link-code → the bot confirms → status, me and the internal look-ups see the binding', async () => {
      const user = await auth.createUser(['ROLE_EXECUTOR']);
      const code = await linkCode(user);
      expect(code.status).toBe(201);
      expect(code.body.code).toMatch(/^\d{6}$/);
      expect(code.body).toMatchObject({
        expiresIn: 300,
        deepLink: `https://t.me/polis_crm_bot?start=${code.body.code}`,
      });

      const id = telegramId();
      const linked = await link({ confirmationCode: code.body.code, telegramId: id, chatId: id, username: 'elena' });
      expect(linked.status).toBe(200);
      expect(linked.body).toEqual({ linked: true, userId: user.id });

      const status = await auth.request('GET', '/api/v1/auth/telegram/status', { token: user.tokens.accessToken });
      expect(status.body).toMatchObject({ linked: true, telegramId: id, linkedAt: expect.any(String) });
      const me = await auth.request('GET', '/api/v1/auth/me', { token: user.tokens.accessToken });
      expect(me.body).toMatchObject({ telegramLinked: true });

      const byTelegram = await auth.request('GET', `/internal/v1/telegram/users/${id}`, { token: bot });
      expect(byTelegram.status).toBe(200);
      expect(byTelegram.body).toEqual({
        userId: user.id,
        telegramId: id,
        chatId: id,
        username: 'elena',
        roles: ['ROLE_EXECUTOR', 'ROLE_USER'],
        active: true,
      });
      const byUser = await auth.request('GET', `/internal/v1/telegram/bindings/${user.id}`, { token: bot });
      expect(byUser.body).toEqual(byTelegram.body);
    });

    it('a code is single-use: reuse → 400 invalid_code', async () => {
      const user = await auth.createUser();
      const code = await linkCode(user);
      expect((await link({ confirmationCode: code.body.code, telegramId: telegramId() })).status).toBe(200);
      const reuse = await link({ confirmationCode: code.body.code, telegramId: telegramId() });
      expect(reuse.status).toBe(400);
      expect(reuse.body).toMatchObject({ code: 'invalid_code' });
    });

    it('a new code voids the previous one; a code for someone else (userId given) is invalid', async () => {
      const user = await auth.createUser();
      const other = await auth.createUser();
      const first = await linkCode(user);
      const second = await linkCode(user);
      expect((await link({ confirmationCode: first.body.code, telegramId: telegramId() })).body).toMatchObject({
        code: 'invalid_code',
      });
      const mismatch = await link({ confirmationCode: second.body.code, telegramId: telegramId(), userId: other.id });
      expect(mismatch.body).toMatchObject({ status: 400, code: 'invalid_code' });
    });

    it('one Telegram id per user and vice versa: 409 telegram_id_in_use / telegram_already_linked', async () => {
      const first = await auth.createUser();
      const second = await auth.createUser();
      const id = await linkUser(first);

      const code = await linkCode(second);
      const taken = await link({ confirmationCode: code.body.code, telegramId: id });
      expect(taken.status).toBe(409);
      expect(taken.body).toMatchObject({ code: 'telegram_id_in_use' });

      const again = await linkCode(first);
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'telegram_already_linked' });
    });

    it('the bot takes a 5-minute user token (amr telegram) that other routes accept', async () => {
      const user = await auth.createUser(['ROLE_SALES_AGENT']);
      const id = await linkUser(user);
      const response = await auth.request<AccessTokenResponse & Json>('POST', '/internal/v1/auth/telegram/token', {
        token: bot,
        body: { telegramId: id },
      });
      expect(response.status).toBe(200);
      expect(response.body.expiresIn).toBe(300);
      expect(claimsOf(response.body.accessToken)).toMatchObject({
        sub: user.id,
        typ: 'access',
        amr: ['telegram'],
        roles: ['ROLE_SALES_AGENT', 'ROLE_USER'],
      });
      const me = await auth.request('GET', '/api/v1/auth/me', { token: response.body.accessToken });
      expect(me.body).toMatchObject({ id: user.id });

      const unknown = await auth.request('POST', '/internal/v1/auth/telegram/token', {
        token: bot,
        body: { telegramId: 1 },
      });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ code: 'telegram_user_not_found' });
    });

    it('a disabled user: look-up says inactive, no bot token (403 user_disabled)', async () => {
      const user = await auth.createUser();
      const id = await linkUser(user);
      await auth.request('PATCH', `/api/v1/users/${user.id}`, {
        token: await auth.adminToken(),
        body: { enabled: false },
      });
      const lookup = await auth.request('GET', `/internal/v1/telegram/users/${id}`, { token: bot });
      expect(lookup.body).toMatchObject({ active: false });
      const token = await auth.request('POST', '/internal/v1/auth/telegram/token', {
        token: bot,
        body: { telegramId: id },
      });
      expect(token.status).toBe(403);
      expect(token.body).toMatchObject({ code: 'user_disabled' });
    });

    it('a user with a pending password change gets no bot token (403 password_change_required)', async () => {
      const user = await auth.createUser();
      const id = await linkUser(user);
      await auth.backend.db.query('update auth.users set must_change_password = true where id = $1', [user.id]);
      const token = await auth.request('POST', '/internal/v1/auth/telegram/token', {
        token: bot,
        body: { telegramId: id },
      });
      expect(token.status).toBe(403);
      expect(token.body).toMatchObject({ code: 'password_change_required' });
    });

    it('unlink: 204, then nothing is linked (404 on repeat and on look-ups); the id can be linked again', async () => {
      const user = await auth.createUser();
      const id = await linkUser(user);
      const unlinked = await auth.request('DELETE', '/api/v1/auth/telegram/link', { token: user.tokens.accessToken });
      expect(unlinked.status).toBe(204);
      const status = await auth.request('GET', '/api/v1/auth/telegram/status', { token: user.tokens.accessToken });
      expect(status.body).toEqual({ linked: false, telegramId: null, linkedAt: null });
      const again = await auth.request('DELETE', '/api/v1/auth/telegram/link', { token: user.tokens.accessToken });
      expect(again.status).toBe(404);
      expect(again.body).toMatchObject({ code: 'telegram_binding_not_found' });
      const lookup = await auth.request('GET', `/internal/v1/telegram/users/${id}`, { token: bot });
      expect(lookup.body).toMatchObject({ status: 404, code: 'telegram_user_not_found' });
      const binding = await auth.request('GET', `/internal/v1/telegram/bindings/${user.id}`, { token: bot });
      expect(binding.body).toMatchObject({ status: 404, code: 'telegram_binding_not_found' });

      const other = await auth.createUser();
      await linkUser(other, id);
    });

    it('admins may unlink someone else; other users may not', async () => {
      const owner = await auth.createUser();
      const stranger = await auth.createUser();
      await linkUser(owner);
      const refused = await auth.request('DELETE', `/api/v1/auth/telegram/link?userId=${owner.id}`, {
        token: stranger.tokens.accessToken,
      });
      expect(refused.status).toBe(403);
      const done = await auth.request('DELETE', `/api/v1/auth/telegram/link?userId=${owner.id}`, {
        token: await auth.adminToken(),
      });
      expect(done.status).toBe(204);
    });

    it('only services may confirm links and use the internal routes', async () => {
      const user = await auth.createUser();
      const code = await linkCode(user);
      const asUser = await link(
        { confirmationCode: code.body.code, telegramId: telegramId() },
        user.tokens.accessToken,
      );
      expect(asUser.status).toBe(403);
      for (const [method, path] of [
        ['GET', '/internal/v1/telegram/users/12345'],
        ['GET', `/internal/v1/telegram/bindings/${user.id}`],
        ['POST', '/internal/v1/auth/telegram/token'],
      ] as const) {
        const body = method === 'POST' ? { body: { telegramId: 12345 } } : {};
        const response = await auth.request(method, path, { token: user.tokens.accessToken, ...body });
        expect(response.status, path).toBe(403);
        expect((await auth.request(method, path, body)).status, path).toBe(401);
      }
      // A service is not a user: it has no link code of its own.
      expect((await auth.request('POST', '/api/v1/auth/telegram/link-code', { token: bot })).status).toBe(403);
    });

    it('malformed link input → 400 and no binding changes', async () => {
      const user = await auth.createUser();
      const code = await linkCode(user);
      const before = await auth.count('telegram_bindings');
      for (const body of [
        { confirmationCode: '12345', telegramId: 1 },
        { confirmationCode: code.body.code, telegramId: '12345' },
        { confirmationCode: code.body.code, telegramId: -5 },
        { confirmationCode: code.body.code, telegramId: 1.5 },
        { confirmationCode: code.body.code, telegramId: 1, role: 'ROLE_ADMIN' },
        { confirmationCode: code.body.code, telegramId: 1, username: 'u'.repeat(10_000) },
        { confirmationCode: code.body.code, telegramId: 1, userId: 'not-a-uuid' },
      ]) {
        const response = await link(body);
        expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect(response.body).toMatchObject({ code: 'validation_error' });
      }
      for (const path of [
        '/internal/v1/telegram/users/abc',
        '/internal/v1/telegram/users/0',
        '/internal/v1/telegram/bindings/nope',
      ]) {
        expect((await auth.request('GET', path, { token: bot })).status, path).toBe(400);
      }
      expect(
        (await auth.request('DELETE', '/api/v1/auth/telegram/link?userId=x', { token: user.tokens.accessToken }))
          .status,
      ).toBe(400);
      expect(
        (await auth.request('POST', '/internal/v1/auth/telegram/token', { token: bot, body: { telegramId: 'x' } }))
          .status,
      ).toBe(400);
      expect(await auth.count('telegram_bindings')).toBe(before);
      // The code survived the bad attempts.
      expect((await link({ confirmationCode: code.body.code, telegramId: telegramId() })).status).toBe(200);
    });
  });
});
