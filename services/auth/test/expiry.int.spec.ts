import type { InviteResponse } from '@polis/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  type AuthHarness,
  activationTokenOf,
  eventually,
  type Json,
  startAuth,
  uniqueEmail,
  uniqueIp,
} from './auth-harness.js';

describe('short-lived tokens and codes (lifetimes shortened for this file)', () => {
  let auth: AuthHarness;

  beforeAll(async () => {
    auth = await startAuth({
      AUTH_ACTIVATION_TOKEN_TTL: 'PT0.5S',
      AUTH_REFRESH_TOKEN_TTL: 'PT1S',
      AUTH_TELEGRAM_LINK_CODE_TTL: 'PT0.5S',
      AUTH_CODE_MAX_ATTEMPTS: '3',
    });
  });

  afterAll(async () => {
    await auth?.close();
  });

  it('an expired activation link → 410 activation_token_expired, and the user stays invited', async () => {
    const admin = await auth.adminToken();
    const email = uniqueEmail();
    const invited = await auth.request<InviteResponse & Json>('POST', '/api/v1/users', {
      token: admin,
      body: { email, fullName: 'Late Comer', roles: [] },
    });
    const token = activationTokenOf(invited.body.activationLink);
    // A password equal to the email is refused after the token is looked up and before it is used,
    // so probing with it shows when the token expires without consuming it.
    const expired = await eventually(async () => {
      const response = await auth.request('POST', '/api/v1/auth/activate', {
        body: { token, password: email },
        ip: uniqueIp(),
      });
      return response.status === 410 ? response : undefined;
    });
    expect(expired.body).toMatchObject({ code: 'activation_token_expired' });
    const user = await auth.request('GET', `/api/v1/users/${invited.body.id}`, { token: admin });
    expect(user.body).toMatchObject({ status: 'invited', enabled: false });
  });

  it('activation attempts are limited per address (3 in this file)', async () => {
    const ip = uniqueIp();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const response = await auth.request('POST', '/api/v1/auth/activate', {
        body: { token: `guess-${attempt}`, password: 'Guessing-1' },
        ip,
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([400, 400, 400, 429]);
  });

  it('link-code guesses are limited per Telegram account (3 in this file), whichever address they come from', async () => {
    const bot = await auth.serviceToken('bot');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const response = await auth.request('POST', '/api/v1/auth/telegram/link', {
        token: bot,
        body: { confirmationCode: String(100000 + attempt), telegramId: 777_000_333 },
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([400, 400, 400, 429]);
  });

  it('an expired refresh token → 401 refresh_token_expired', async () => {
    const login = await auth.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    const refreshToken = login.body.refreshToken;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const response = await auth.request('POST', '/api/v1/auth/refresh', { body: { refreshToken } });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'refresh_token_expired' });
  });

  it('an expired Telegram link code → 400 invalid_code', async () => {
    const admin = await auth.adminToken();
    const code = await auth.request('POST', '/api/v1/auth/telegram/link-code', { token: admin });
    expect(code.status).toBe(201);
    const bot = await auth.serviceToken('bot');
    await new Promise((resolve) => setTimeout(resolve, 600));
    const response = await auth.request('POST', '/api/v1/auth/telegram/link', {
      token: bot,
      body: { confirmationCode: code.body.code, telegramId: 555_000_111 },
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'invalid_code' });
  });
});
