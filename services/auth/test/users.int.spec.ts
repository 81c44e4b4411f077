import type { InviteResponse, TokenPair } from '@polis/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBootstrapAdmin } from '../src/index.js';
import {
  ADMIN_EMAIL,
  type AuthHarness,
  activationTokenOf,
  type Json,
  startAuth,
  type TestUser,
  uniqueEmail,
} from './auth-harness.js';

describe('user and role administration', () => {
  let auth: AuthHarness;
  let admin: string;
  let seller: TestUser;

  beforeAll(async () => {
    auth = await startAuth();
    admin = await auth.adminToken();
    seller = await auth.createUser(['ROLE_SALES_AGENT'], 'Sergey Volkov');
  });

  afterAll(async () => {
    await auth?.close();
  });

  const invite = (body: unknown) =>
    auth.request<InviteResponse & Json>('POST', '/api/v1/users', { token: admin, body });
  const activate = (token: string, password: string) =>
    auth.request<TokenPair & Json>('POST', '/api/v1/auth/activate', { body: { token, password } });
  const roleNames = (user: Json) => (user.roles as Array<{ name: string }>).map((role) => role.name).sort();

  it('invite → activate → login', async () => {
    const email = uniqueEmail('elena.executor');
    const invited = await invite({
      email: email.toUpperCase(),
      fullName: 'Elena Morozova',
      phone: '+7 495 100-20-00',
      roles: ['executor'],
    });
    expect(invited.status).toBe(201);
    expect(invited.body.activationLink).toMatch(/^http:\/\/localhost:3000\/activate\?token=[A-Za-z0-9_-]{43}$/);

    const pending = await auth.request('GET', `/api/v1/users/${invited.body.id}`, { token: admin });
    expect(pending.body).toMatchObject({ email, enabled: false, status: 'invited', phone: '+7 495 100-20-00' });
    expect(roleNames(pending.body)).toEqual(['ROLE_EXECUTOR', 'ROLE_USER']);

    const activated = await activate(activationTokenOf(invited.body.activationLink), 'Elena-pass-1');
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const me = await auth.request('GET', '/api/v1/auth/me', { token: activated.body.accessToken });
    expect(me.body).toMatchObject({ email, enabled: true, status: 'active' });
    expect((await auth.login(email, 'Elena-pass-1')).status).toBe(200);
  });

  it('an activation token works once; reuse and unknown tokens → 400 invalid_activation_token', async () => {
    const invited = await invite({ email: uniqueEmail(), fullName: 'Once Only', roles: [] });
    const token = activationTokenOf(invited.body.activationLink);
    expect((await activate(token, 'First-pass-1')).status).toBe(200);
    const reuse = await activate(token, 'Second-pass-1');
    expect(reuse.status).toBe(400);
    expect(reuse.body).toMatchObject({ code: 'invalid_activation_token' });
    expect((await activate('A'.repeat(43), 'Some-pass-1')).body).toMatchObject({ code: 'invalid_activation_token' });
  });

  it('activation validates the password without using the token up', async () => {
    const email = uniqueEmail();
    const invited = await invite({ email, fullName: 'Careful', roles: [] });
    const token = activationTokenOf(invited.body.activationLink);
    expect((await activate(token, 'short')).status).toBe(400);
    expect((await activate(token, email)).status).toBe(400);
    expect((await activate(token, 'Proper-pass-1')).status).toBe(200);
  });

  it('re-inviting voids the previous link; an active user cannot be re-invited', async () => {
    const invited = await invite({ email: uniqueEmail(), fullName: 'Twice', roles: [] });
    const again = await auth.request<InviteResponse & Json>('POST', `/api/v1/users/${invited.body.id}/invite`, {
      token: admin,
    });
    expect(again.status).toBe(200);
    expect(again.body.activationLink).not.toBe(invited.body.activationLink);
    expect((await activate(activationTokenOf(invited.body.activationLink), 'Old-link-1')).body).toMatchObject({
      code: 'invalid_activation_token',
    });
    expect((await activate(activationTokenOf(again.body.activationLink), 'New-link-1')).status).toBe(200);
    const active = await auth.request('POST', `/api/v1/users/${invited.body.id}/invite`, { token: admin });
    expect(active.status).toBe(409);
    expect(active.body).toMatchObject({ code: 'user_already_active' });
  });

  it('inviting an existing email → 409 user_exists; unknown roles → 404 role_not_found; ROLE_SERVICE → 400', async () => {
    expect((await invite({ email: ADMIN_EMAIL, fullName: 'Dup', roles: [] })).body).toMatchObject({
      status: 409,
      code: 'user_exists',
    });
    expect((await invite({ email: uniqueEmail(), fullName: 'X', roles: ['ROLE_NOPE'] })).body).toMatchObject({
      status: 404,
      code: 'role_not_found',
    });
    expect((await invite({ email: uniqueEmail(), fullName: 'X', roles: ['service'] })).body).toMatchObject({
      status: 400,
      code: 'reserved_role',
    });
  });

  it('lists users with search, role and status filters and pagination', async () => {
    const tag = `zz${Date.now().toString(36)}`;
    const created: string[] = [];
    for (const [index, roles] of [['ROLE_EXECUTOR'], [], ['ROLE_EXECUTOR']].entries()) {
      const response = await invite({ email: uniqueEmail(`${tag}${index}`), fullName: `Person ${tag}`, roles });
      created.push(response.body.id);
    }
    const all = await auth.request('GET', `/api/v1/users?search=${tag}`, { token: admin });
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(3);
    expect((all.body.items as Json[]).map((user) => user.id)).toEqual(created);

    const executors = await auth.request('GET', `/api/v1/users?search=${tag}&role=executor&status=invited`, {
      token: admin,
    });
    expect(executors.body.total).toBe(2);
    const page = await auth.request('GET', `/api/v1/users?search=${tag}&limit=1&offset=1`, { token: admin });
    expect(page.body).toMatchObject({ total: 3, items: [{ id: created[1] }] });
    const none = await auth.request('GET', `/api/v1/users?search=${tag}&status=disabled`, { token: admin });
    expect(none.body).toEqual({ items: [], total: 0 });
    // LIKE wildcards in a search match themselves.
    expect((await auth.request('GET', '/api/v1/users?search=%25', { token: admin })).body.total).toBe(0);
  });

  it('GET /users/{id}: 404 user_not_found for an unknown id, 400 for a malformed one', async () => {
    const missing = await auth.request('GET', '/api/v1/users/6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f', { token: admin });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'user_not_found' });
    const malformed = await auth.request('GET', '/api/v1/users/not-a-uuid', { token: admin });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'validation_error' });
  });

  it('PATCH updates the profile; phone null clears it', async () => {
    const user = await auth.createUser();
    const patched = await auth.request('PATCH', `/api/v1/users/${user.id}`, {
      token: admin,
      body: { fullName: 'Dmitry Lebedev', phone: '+7 900 000-00-00' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ fullName: 'Dmitry Lebedev', phone: '+7 900 000-00-00' });
    const cleared = await auth.request('PATCH', `/api/v1/users/${user.id}`, { token: admin, body: { phone: null } });
    expect(cleared.body).toMatchObject({ phone: null });
  });

  it('adds and removes roles; names are normalised; ROLE_USER stays', async () => {
    const user = await auth.createUser();
    const added = await auth.request('POST', `/api/v1/users/${user.id}/roles`, {
      token: admin,
      body: { roleName: ' executor ' },
    });
    expect(added.status).toBe(200);
    expect(roleNames(added.body)).toEqual(['ROLE_EXECUTOR', 'ROLE_USER']);
    const twice = await auth.request('POST', `/api/v1/users/${user.id}/roles`, {
      token: admin,
      body: { roleName: 'ROLE_EXECUTOR' },
    });
    expect(roleNames(twice.body)).toEqual(['ROLE_EXECUTOR', 'ROLE_USER']);

    const removed = await auth.request('DELETE', `/api/v1/users/${user.id}/roles/executor`, { token: admin });
    expect(removed.status).toBe(200);
    expect(roleNames(removed.body)).toEqual(['ROLE_USER']);

    const keepUser = await auth.request('DELETE', `/api/v1/users/${user.id}/roles/role_user`, { token: admin });
    expect(keepUser.status).toBe(400);
    expect(keepUser.body).toMatchObject({ code: 'cannot_remove_default_role' });

    const unknownRole = await auth.request('POST', `/api/v1/users/${user.id}/roles`, {
      token: admin,
      body: { roleName: 'pilot' },
    });
    expect(unknownRole.body).toMatchObject({ status: 404, code: 'role_not_found' });
    const unknownUser = await auth.request('POST', '/api/v1/users/6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f/roles', {
      token: admin,
      body: { roleName: 'executor' },
    });
    expect(unknownUser.body).toMatchObject({ status: 404, code: 'user_not_found' });
    const service = await auth.request('POST', `/api/v1/users/${user.id}/roles`, {
      token: admin,
      body: { roleName: 'service' },
    });
    expect(service.body).toMatchObject({ status: 400, code: 'reserved_role' });
  });

  it('role names: empty or longer than 64 → 400', async () => {
    const user = await auth.createUser();
    for (const roleName of ['', '   ', 'x'.repeat(65), 'ROLE_'.padEnd(65, 'X'), 'bad/role']) {
      const response = await auth.request('POST', `/api/v1/users/${user.id}/roles`, {
        token: admin,
        body: { roleName },
      });
      expect(response.status, roleName).toBe(400);
    }
  });

  it('GET /roles lists the seeded roles for any user; POST /roles creates (admin) and refuses duplicates', async () => {
    const listed = await auth.request<Array<{ id: string; name: string }>>('GET', '/api/v1/roles', {
      token: seller.tokens.accessToken,
    });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: '11111111-1111-1111-1111-111111111111', name: 'ROLE_USER' }),
        expect.objectContaining({ id: '22222222-2222-2222-2222-222222222222', name: 'ROLE_ADMIN' }),
        expect.objectContaining({ id: '33333333-3333-3333-3333-333333333333', name: 'ROLE_SALES_AGENT' }),
        expect.objectContaining({ id: '44444444-4444-4444-4444-444444444444', name: 'ROLE_EXECUTOR' }),
        expect.objectContaining({ name: 'ROLE_SERVICE' }),
      ]),
    );
    const name = `auditor_${Date.now().toString(36)}`;
    const created = await auth.request('POST', '/api/v1/roles', {
      token: admin,
      body: { name, description: 'Reads the log' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: `ROLE_${name.toUpperCase()}`, description: 'Reads the log' });
    const duplicate = await auth.request('POST', '/api/v1/roles', {
      token: admin,
      body: { name: `ROLE_${name.toUpperCase()}` },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ code: 'role_exists' });
  });

  it('GET /users/directory lists enabled people for any signed-in user', async () => {
    const directory = await auth.request<Array<Json>>('GET', '/api/v1/users/directory', {
      token: seller.tokens.accessToken,
    });
    expect(directory.status).toBe(200);
    expect(directory.body).toEqual(
      expect.arrayContaining([
        { id: seller.id, fullName: 'Sergey Volkov', email: seller.email, roles: ['ROLE_SALES_AGENT', 'ROLE_USER'] },
      ]),
    );
    const emails = directory.body.map((entry) => entry.email);
    expect(emails).not.toContain('system@crm.local');
    expect(directory.body.every((entry) => Object.keys(entry).sort().join() === 'email,fullName,id,roles')).toBe(true);
  });

  it('registration is off by default: 404 whatever the body', async () => {
    for (const body of [{ email: uniqueEmail(), password: 'Good-pass-1' }, { nonsense: true }]) {
      const response = await auth.request('POST', '/api/v1/auth/register', { body });
      expect(response.status).toBe(404);
    }
  });

  describe('authorization', () => {
    const someId = '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
    const adminRoutes: Array<[string, string, unknown?]> = [
      ['GET', '/api/v1/users'],
      ['POST', '/api/v1/users', { email: 'a@example.com', fullName: 'A', roles: [] }],
      ['GET', `/api/v1/users/${someId}`],
      ['PATCH', `/api/v1/users/${someId}`, { fullName: 'B' }],
      ['POST', `/api/v1/users/${someId}/invite`],
      ['POST', `/api/v1/users/${someId}/roles`, { roleName: 'executor' }],
      ['DELETE', `/api/v1/users/${someId}/roles/executor`],
      ['POST', '/api/v1/roles', { name: 'hacker' }],
      ['POST', '/internal/v1/auth/keys/rotate'],
      ['POST', '/internal/v1/auth/keys/retire'],
    ];
    const userRoutes: Array<[string, string]> = [
      ['GET', '/api/v1/auth/me'],
      ['POST', '/api/v1/auth/logout'],
      ['POST', '/api/v1/auth/password'],
      ['GET', '/api/v1/users/directory'],
      ['GET', '/api/v1/roles'],
      ['POST', '/api/v1/auth/telegram/link-code'],
      ['DELETE', '/api/v1/auth/telegram/link'],
      ['GET', '/api/v1/auth/telegram/status'],
    ];

    it('anonymous callers get 401 on every protected route', async () => {
      for (const [method, path, body] of [...adminRoutes, ...userRoutes] as Array<[string, string, unknown?]>) {
        const response = await auth.request(method, path, body === undefined ? {} : { body });
        expect(response.status, `${method} ${path}`).toBe(401);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
      }
    });

    it('a seller gets 403 on every admin route', async () => {
      for (const [method, path, body] of adminRoutes) {
        const response = await auth.request(method, path, {
          token: seller.tokens.accessToken,
          ...(body ? { body } : {}),
        });
        expect(response.status, `${method} ${path}`).toBe(403);
        expect(response.body).toMatchObject({ code: 'forbidden' });
      }
    });

    it('a garbage or foreign token is 401 invalid_token', async () => {
      const response = await auth.request('GET', '/api/v1/auth/me', { token: 'eyJhbGciOiJIUzI1NiJ9.e30.x' });
      expect(response.body).toMatchObject({ status: 401, code: 'invalid_token' });
    });

    it('a service token is not a user: /auth/me → 403', async () => {
      const response = await auth.request('GET', '/api/v1/auth/me', { token: await auth.serviceToken() });
      expect(response.status).toBe(403);
    });
  });

  describe('bad input changes nothing', () => {
    it('every admin route answers 400 problem+json to malformed input, and no row changes', async () => {
      const target = await auth.createUser();
      const before = {
        users: await auth.count('users'),
        roles: await auth.count('roles'),
        links: await auth.count('user_roles'),
      };
      const big = 'x'.repeat(10_000);
      const cases: Array<[string, string, { body?: unknown; rawBody?: string }]> = [
        ['POST', '/api/v1/users', { body: { email: 'no-at-sign', fullName: 'A', roles: [] } }],
        ['POST', '/api/v1/users', { body: { email: uniqueEmail(), fullName: big, roles: [] } }],
        ['POST', '/api/v1/users', { body: { email: uniqueEmail(), fullName: 'A', roles: 'ROLE_ADMIN' } }],
        ['POST', '/api/v1/users', { body: { email: uniqueEmail(), fullName: 'A', roles: [], isAdmin: true } }],
        ['POST', '/api/v1/users', { body: { email: uniqueEmail(), fullName: 'A', phone: 'call me', roles: [] } }],
        ['POST', '/api/v1/users', { rawBody: '{not json' }],
        ['POST', '/api/v1/users', {}],
        ['PATCH', `/api/v1/users/${target.id}`, { body: {} }],
        ['PATCH', `/api/v1/users/${target.id}`, { body: { enabled: 'no' } }],
        ['PATCH', `/api/v1/users/${target.id}`, { body: { email: 'new@example.com' } }],
        ['PATCH', `/api/v1/users/${target.id}`, { body: { fullName: big } }],
        ['PATCH', '/api/v1/users/1234', { body: { fullName: 'A' } }],
        ['POST', `/api/v1/users/${target.id}/roles`, { body: {} }],
        ['POST', `/api/v1/users/${target.id}/roles`, { body: { roleName: big } }],
        ['POST', `/api/v1/users/${target.id}/roles`, { body: { roleName: ['ROLE_ADMIN'] } }],
        ['POST', '/api/v1/users/not-a-uuid/roles', { body: { roleName: 'executor' } }],
        ['POST', '/api/v1/users/not-a-uuid/invite', {}],
        ['DELETE', `/api/v1/users/${target.id}/roles/${'x'.repeat(100)}`, {}],
        ['DELETE', '/api/v1/users/not-a-uuid/roles/executor', {}],
        ['POST', '/api/v1/roles', { body: { name: '' } }],
        ['POST', '/api/v1/roles', { body: { name: 'ok', description: big } }],
        ['POST', '/api/v1/roles', { body: { name: 'ok', id: '11111111-1111-1111-1111-111111111111' } }],
        ['GET', '/api/v1/users?limit=0', {}],
        ['GET', '/api/v1/users?limit=201', {}],
        ['GET', '/api/v1/users?offset=-1', {}],
        ['GET', '/api/v1/users?status=sleeping', {}],
        ['GET', '/api/v1/users?sort=email', {}],
        ['GET', `/api/v1/users?search=${big}`, {}],
      ];
      for (const [method, path, options] of cases) {
        const response = await auth.request(method, path, { token: admin, ...options });
        expect(response.status, `${method} ${path} ${JSON.stringify(options).slice(0, 80)}`).toBe(400);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(response.body).toMatchObject({ status: 400, code: 'validation_error' });
      }
      const after = {
        users: await auth.count('users'),
        roles: await auth.count('roles'),
        links: await auth.count('user_roles'),
      };
      expect(after).toEqual(before);
      const unchanged = await auth.request('GET', `/api/v1/users/${target.id}`, { token: admin });
      expect(unchanged.body).toMatchObject({ fullName: 'Test Person', enabled: true, email: target.email });
    });

    it('public routes answer 400 to malformed input too', async () => {
      const cases: Array<[string, unknown]> = [
        ['/api/v1/auth/activate', { token: 'x' }],
        ['/api/v1/auth/activate', { token: 'x'.repeat(10_000), password: 'Good-pass-1' }],
        ['/api/v1/auth/activate', { token: 'x', password: 'Good-pass-1', admin: true }],
        ['/internal/v1/auth/service-token', { clientId: 'gateway' }],
        ['/internal/v1/auth/service-token', { clientId: 'x'.repeat(10_000), clientSecret: 'y' }],
      ];
      for (const [path, body] of cases) {
        const response = await auth.request('POST', path, { body });
        expect(response.status, `${path} ${JSON.stringify(body).slice(0, 60)}`).toBe(400);
        expect(response.body).toMatchObject({ code: 'validation_error' });
      }
    });
  });

  describe('ensureBootstrapAdmin', () => {
    it('creates the admin once, generating a strong password when none is given', async () => {
      const email = uniqueEmail('Boot.Admin');
      const first = await ensureBootstrapAdmin(
        { db: auth.backend.db, passwordHash: auth.config.passwordHash },
        { email },
      );
      expect(first).toMatchObject({ created: true, email: email.toLowerCase() });
      expect(first.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      const second = await ensureBootstrapAdmin({ db: auth.backend.db }, { email, password: 'Other-pass-1' });
      expect(second).toEqual({ created: false, email: email.toLowerCase() });

      const tokens = await auth.loginWithChange(email, first.password ?? '', 'Admin-chosen-pass-1');
      const claims = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1] ?? '', 'base64url').toString());
      expect(claims.roles.sort()).toEqual(['ROLE_ADMIN', 'ROLE_USER']);
      const events = await auth.backend.db.query<{ n: number }>(
        `select count(*)::int as n from auth.outbox where routing_key = 'auth.bootstrap.admin_created' and event->>'subject' = $1`,
        [claims.sub],
      );
      expect(events[0]?.n).toBe(1);
    });

    it('refuses a placeholder password in production', async () => {
      await expect(
        ensureBootstrapAdmin(
          { db: auth.backend.db },
          { email: uniqueEmail(), password: 'change_me', production: true },
        ),
      ).rejects.toThrow(/placeholder/);
    });

    it('ran from config at start: the configured admin exists with ROLE_ADMIN', async () => {
      const users = await auth.request<{ items: Json[] }>(
        'GET',
        `/api/v1/users?search=${encodeURIComponent(ADMIN_EMAIL)}`,
        {
          token: admin,
        },
      );
      expect(users.body.items).toHaveLength(1);
      expect(roleNames(users.body.items[0] ?? {})).toEqual(['ROLE_ADMIN', 'ROLE_USER']);
    });
  });
});
