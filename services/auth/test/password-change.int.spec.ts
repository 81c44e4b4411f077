import { passwordChangeRequiredDetailsSchema, type TokenPair } from '@polis/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuthAdmin } from '../src/cli/auth-admin.command.js';
import { ensureBootstrapAdmin, RecoveryError, recoverAccount } from '../src/index.js';
import {
  ADMIN_EMAIL,
  ADMIN_INITIAL_PASSWORD,
  ADMIN_PASSWORD,
  type AuthHarness,
  type Json,
  startAuth,
  type TestUser,
  uniqueEmail,
} from './auth-harness.js';

interface Problem {
  status: number;
  code: string;
  details?: Record<string, unknown>;
}

describe('forced password change and account recovery', () => {
  let auth: AuthHarness;

  beforeAll(async () => {
    // The configured bootstrap admin keeps its pending change: the first test goes through it
    // (to ADMIN_PASSWORD, which the harness's admin helpers use from then on).
    auth = await startAuth({}, { completeAdminPasswordChange: false });
  });

  afterAll(async () => {
    await auth?.close();
  });

  const activate = (token: string, password: string) =>
    auth.request<TokenPair & Problem & Json>('POST', '/api/v1/auth/activate', { body: { token, password } });
  const refresh = (refreshToken: string) =>
    auth.request<TokenPair & Problem & Json>('POST', '/api/v1/auth/refresh', { body: { refreshToken } });

  /** Signs in where a change is due and answers the change token of the 403. */
  async function changeToken(email: string, password: string): Promise<string> {
    const response = await auth.login(email, password);
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: 'password_change_required' });
    return passwordChangeRequiredDetailsSchema.parse(response.body.details).changeToken;
  }

  async function userRow(id: string) {
    const [row] = await auth.backend.db.query<{
      must_change_password: boolean;
      temporary_password_expires_at: Date | null;
    }>('select must_change_password, temporary_password_expires_at from auth.users where id = $1', [id]);
    return row;
  }

  const recover = (email: string) =>
    recoverAccount({ db: auth.backend.db, config: auth.config, cache: auth.backend.cache }, email);

  describe('first sign-in of the bootstrap admin', () => {
    it('answers 403 password_change_required with a single-use change token instead of tokens', async () => {
      const wrong = await auth.login(ADMIN_EMAIL, 'not-the-password');
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ code: 'invalid_credentials' });
      expect(wrong.body).not.toHaveProperty('details');

      const required = await auth.login(ADMIN_EMAIL, ADMIN_INITIAL_PASSWORD);
      expect(required.status).toBe(403);
      expect(required.headers.get('content-type')).toContain('application/problem+json');
      expect(required.headers.get('cache-control')).toBe('no-store');
      expect(required.body).not.toHaveProperty('accessToken');
      expect(required.body).not.toHaveProperty('refreshToken');
      const details = passwordChangeRequiredDetailsSchema.parse(required.body.details);
      expect(details.expiresIn).toBe(900);

      const unchanged = await activate(details.changeToken, ADMIN_INITIAL_PASSWORD);
      expect(unchanged.status).toBe(400);
      expect(unchanged.body).toMatchObject({ code: 'password_unchanged', errors: [{ field: 'password' }] });
      const asEmail = await activate(details.changeToken, ADMIN_EMAIL);
      expect(asEmail.status).toBe(400);

      // The refused attempts did not spend the token.
      const changed = await activate(details.changeToken, ADMIN_PASSWORD);
      expect(changed.status).toBe(200);
      expect(changed.headers.get('cache-control')).toBe('no-store');
      expect(changed.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, refreshExpiresIn: 604800 });
      const me = await auth.request('GET', '/api/v1/auth/me', { token: changed.body.accessToken });
      expect(me.body).toMatchObject({ email: ADMIN_EMAIL, status: 'active' });

      const again = await activate(details.changeToken, 'Chosen-by-admin-2');
      expect(again.status).toBe(400);
      expect(again.body).toMatchObject({ code: 'invalid_activation_token' });

      expect((await auth.login(ADMIN_EMAIL, ADMIN_INITIAL_PASSWORD)).status).toBe(401);
      const normal = await auth.login(ADMIN_EMAIL, ADMIN_PASSWORD);
      expect(normal.status).toBe(200);
      expect(normal.body.accessToken).toEqual(expect.any(String));
    });

    it('creates the bootstrap admin with the change pending; demo-style users are not', async () => {
      const email = uniqueEmail('boot');
      await ensureBootstrapAdmin(
        { db: auth.backend.db, passwordHash: auth.config.passwordHash },
        { email, password: 'Initial-pass-1' },
      );
      const [row] = await auth.backend.db.query<{ id: string; must_change_password: boolean }>(
        'select id, must_change_password from auth.users where email = $1',
        [email],
      );
      expect(row?.must_change_password).toBe(true);
      const user = await auth.createUser();
      expect((await userRow(user.id))?.must_change_password).toBe(false);
    });

    it('a newer sign-in replaces the change token; the change clears the flag and audits it', async () => {
      const email = uniqueEmail('boot');
      await ensureBootstrapAdmin(
        { db: auth.backend.db, passwordHash: auth.config.passwordHash },
        { email, password: 'Initial-pass-1' },
      );
      const first = await changeToken(email, 'Initial-pass-1');
      const second = await changeToken(email, 'Initial-pass-1');
      expect((await activate(first, 'Another-pass-1')).body).toMatchObject({ code: 'invalid_activation_token' });
      const changed = await activate(second, 'Another-pass-1');
      expect(changed.status).toBe(200);

      const [row] = await auth.backend.db.query<{ id: string; must_change_password: boolean }>(
        'select id, must_change_password from auth.users where email = $1',
        [email],
      );
      expect(row?.must_change_password).toBe(false);
      const audited = await auth.backend.db.query<{ key: string; via: string | null }>(
        `select routing_key as key, event->'data'->'tags'->>'via' as via from auth.outbox
          where event->>'subject' = $1 and routing_key in ('auth.password.changed', 'auth.login.succeeded')
          order by routing_key`,
        [row?.id],
      );
      expect(audited).toEqual([
        { key: 'auth.login.succeeded', via: null },
        { key: 'auth.password.changed', via: 'required_change' },
      ]);
    });
  });

  describe('recovery', () => {
    let person: TestUser;

    beforeAll(async () => {
      person = await auth.createUser();
    });

    it('sets a 30-minute temporary password that only opens the change, and ends every session', async () => {
      const second = await auth.login(person.email, person.password);
      expect(second.status).toBe(200);

      const before = Date.now();
      const result = await recover(person.email.toUpperCase());
      expect(result).toMatchObject({
        userId: person.id,
        email: person.email,
        active: true,
        telegramLinked: false,
        sessionsRevoked: true,
      });
      expect(result.temporaryPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(result.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 30 * 60_000);
      expect(result.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 30 * 60_000);
      expect(await userRow(person.id)).toEqual({
        must_change_password: true,
        temporary_password_expires_at: result.expiresAt,
      });

      for (const refreshToken of [person.tokens.refreshToken, second.body.refreshToken]) {
        expect((await refresh(refreshToken)).status).toBe(401);
      }
      expect((await auth.login(person.email, person.password)).status).toBe(401);

      const token = await changeToken(person.email, result.temporaryPassword);
      const changed = await activate(token, 'After-recovery-1');
      expect(changed.status).toBe(200);
      expect(await userRow(person.id)).toEqual({ must_change_password: false, temporary_password_expires_at: null });

      // Used once: the temporary password is gone with the change.
      expect((await auth.login(person.email, result.temporaryPassword)).status).toBe(401);
      expect((await auth.login(person.email, 'After-recovery-1')).status).toBe(200);
      person.password = 'After-recovery-1';
    });

    it('refuses the temporary password once it has expired', async () => {
      const result = await recover(person.email);
      await auth.backend.db.query(
        `update auth.users set temporary_password_expires_at = now() - interval '1 second' where id = $1`,
        [person.id],
      );
      const late = await auth.login(person.email, result.temporaryPassword);
      expect(late.status).toBe(401);
      expect(late.body).toMatchObject({ code: 'temporary_password_expired' });
      // A wrong password still says nothing about the account.
      expect((await auth.login(person.email, 'wrong-password')).body).toMatchObject({ code: 'invalid_credentials' });
    });

    it('ends sessions the cache could not revoke at their next refresh, and the change ends the rest', async () => {
      const user = await auth.createUser();
      const other = await auth.login(user.email, user.password);
      // No cache: as when the cache was unreachable during the recovery.
      const result = await recoverAccount({ db: auth.backend.db, config: auth.config }, user.email);
      expect(result.sessionsRevoked).toBe(false);

      expect((await refresh(user.tokens.refreshToken)).status).toBe(401);
      const token = await changeToken(user.email, result.temporaryPassword);
      const changed = await activate(token, 'Fresh-password-1');
      expect(changed.status).toBe(200);
      // Not refreshed before the change: the change itself revoked it.
      expect((await refresh(other.body.refreshToken)).status).toBe(401);
      expect((await refresh(changed.body.refreshToken)).status).toBe(200);
    });

    it('keeps a disabled account disabled', async () => {
      const user = await auth.createUser();
      const admin = await auth.adminToken();
      await auth.request('PATCH', `/api/v1/users/${user.id}`, { token: admin, body: { enabled: false } });
      const result = await recover(user.email);
      expect(result.active).toBe(false);
      const login = await auth.login(user.email, result.temporaryPassword);
      expect(login.status).toBe(403);
      expect(login.body).toMatchObject({ code: 'user_disabled' });
    });

    it('refuses unknown, technical and never-activated accounts, writing nothing', async () => {
      const outbox = await auth.count('outbox');
      const admin = await auth.adminToken();
      const invited = await auth.request<{ id: string }>('POST', '/api/v1/users', {
        token: admin,
        body: { email: uniqueEmail('invited'), fullName: 'Not Yet', roles: [] },
      });
      const invitedEmail = (
        await auth.request<{ email: string }>('GET', `/api/v1/users/${invited.body.id}`, { token: admin })
      ).body.email;
      const before = await auth.count('outbox');
      const cases: Array<[string, string]> = [
        [uniqueEmail('nobody'), 'user_not_found'],
        ['system@crm.local', 'not_recoverable'],
        [invitedEmail, 'not_recoverable'],
        ['not-an-email', 'invalid_email'],
      ];
      for (const [email, code] of cases) {
        const error = await recover(email).catch((caught: unknown) => caught);
        expect(error, email).toBeInstanceOf(RecoveryError);
        expect((error as RecoveryError).code, email).toBe(code);
      }
      expect(await auth.count('outbox')).toBe(before);
      expect(before).toBeGreaterThan(outbox);
    });

    it('is audited as auth.user.recovered through the outbox', async () => {
      const user = await auth.createUser();
      await recoverAccount(
        { db: auth.backend.db, config: auth.config, cache: auth.backend.cache, operator: 'night-shift' },
        user.email,
      );
      const rows = await auth.backend.db.query<{ event: { type: string; data: Json } }>(
        `select event from auth.outbox where routing_key = 'auth.user.recovered' and event->>'subject' = $1`,
        [user.id],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]?.event.data).toMatchObject({
        actorType: 'system',
        action: 'user.recovered',
        entityId: user.id,
        tags: { email: user.email, operator: 'night-shift', delivery: 'printed' },
      });
    });
  });

  describe('auth-admin command', () => {
    /** Runs the command on this file's database and cache, collecting what it prints. */
    async function run(argv: string[], env: NodeJS.ProcessEnv = {}, useBackend = true) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runAuthAdmin(argv, {
        env,
        out: (line) => out.push(line),
        err: (line) => err.push(line),
        ...(useBackend
          ? {
              open: async () => ({
                db: auth.backend.db,
                cache: auth.backend.cache,
                description: 'test backend',
                close: async () => undefined,
              }),
            }
          : {}),
      });
      return { code, out: out.join('\n'), err: err.join('\n') };
    }

    it('recovers by email, printing the temporary password once, and exits 0', async () => {
      const user = await auth.createUser();
      const result = await run(['recover', '--email', user.email]);
      expect(result.code).toBe(0);
      const password = /Temporary password: (\S+)/.exec(result.out)?.[1] ?? '';
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(result.out).toContain('Every session of the user was ended.');
      expect((await refresh(user.tokens.refreshToken)).status).toBe(401);
      const token = await changeToken(user.email, password);
      expect((await activate(token, 'Recovered-by-cli-1')).status).toBe(200);
    });

    it('exits 1 for an unknown user or a usage error, 0 for --help', async () => {
      const unknown = await run(['recover', '--email', uniqueEmail('ghost')]);
      expect(unknown.code).toBe(1);
      expect(unknown.err).toContain('No user has the email');
      for (const argv of [[], ['recover'], ['reset', '--email', 'a@b.example'], ['recover', '--mail', 'a@b.example']]) {
        const usage = await run(argv);
        expect(usage.code, argv.join(' ')).toBe(1);
        expect(usage.err).toContain('Usage: auth-admin recover --email <email>');
      }
      const help = await run(['--help']);
      expect(help).toMatchObject({ code: 0, err: '' });
      expect(help.out).toContain('stop `npm start` first');
    });

    it('exits 2 when the configuration is refused or the database cannot be reached', async () => {
      const config = await run(['recover', '--email', 'a@b.example'], { AUTH_ACCESS_TOKEN_TTL: 'soon' });
      expect(config.code).toBe(2);
      expect(config.err).toContain('AUTH_ACCESS_TOKEN_TTL');
      const unreachable = await run(
        ['recover', '--email', 'a@b.example'],
        { DATABASE_URL: 'postgresql://polis@127.0.0.1:1/none' },
        false,
      );
      expect(unreachable.code).toBe(2);
      expect(unreachable.err).toContain('cannot connect');
      const noData = await run(
        ['recover', '--email', 'a@b.example'],
        { POLIS_DATA_DIR: `/nonexistent-${Date.now()}` },
        false,
      );
      expect(noData.code).toBe(2);
      expect(noData.err).toContain('no embedded database');
    });
  });
});
