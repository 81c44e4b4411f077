import type { CloudEvent } from '@polis/bus';
import { AUTH_AUDIT_KEYS, authAuditDataSchema, type TokenPair } from '@polis/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoverAccount } from '../src/index.js';
import { ADMIN_EMAIL, type AuthHarness, eventually, type Json, startAuth, uniqueEmail } from './auth-harness.js';

describe('audit events on audit.events, through the outbox', () => {
  let auth: AuthHarness;
  const received: CloudEvent[] = [];

  beforeAll(async () => {
    auth = await startAuth(
      { AUTH_REFRESH_REUSE_GRACE: 'PT0.1S' },
      {
        beforeStart: async (backend) => {
          await backend.bus.subscribe({
            queue: 'test.audit.all',
            exchange: 'audit.events',
            bindings: ['#'],
            handler: async (event) => {
              received.push(event);
            },
          });
        },
      },
    );
  });

  afterAll(async () => {
    await auth?.close();
  });

  const ofType = (type: string) => received.filter((event) => event.type === type);

  it('delivers every Auth audit key, each a CloudEvent from auth.service with camelCase audit data', async () => {
    const admin = await auth.adminToken();
    const headers = { 'user-agent': 'events-test/1.0' };
    await auth.login(ADMIN_EMAIL, 'wrong-password');

    const user = await auth.createUser();
    await auth.request('PATCH', `/api/v1/users/${user.id}`, { token: admin, body: { fullName: 'Renamed Person' } });
    await auth.request('POST', `/api/v1/users/${user.id}/roles`, { token: admin, body: { roleName: 'executor' } });
    await auth.request('DELETE', `/api/v1/users/${user.id}/roles/executor`, { token: admin });
    await auth.request('POST', '/api/v1/roles', { token: admin, body: { name: `events_${Date.now().toString(36)}` } });

    const rotated = await auth.request<TokenPair & Json>('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: user.tokens.refreshToken },
    });
    expect(rotated.status).toBe(200);
    await eventually(async () => {
      const replay = await auth.request('POST', '/api/v1/auth/refresh', {
        body: { refreshToken: user.tokens.refreshToken },
      });
      return replay.status === 401 ? replay : undefined;
    });

    await auth.request('POST', '/api/v1/auth/password', {
      token: user.tokens.accessToken,
      body: { currentPassword: user.password, newPassword: 'Changed-pass-1' },
      headers,
      ip: '10.9.8.7',
    });
    const code = await auth.request('POST', '/api/v1/auth/telegram/link-code', { token: user.tokens.accessToken });
    await auth.request('POST', '/api/v1/auth/telegram/link', {
      token: await auth.serviceToken('bot'),
      body: { confirmationCode: code.body.code, telegramId: 424242 },
    });
    await auth.request('DELETE', '/api/v1/auth/telegram/link', { token: user.tokens.accessToken });
    await auth.request('PATCH', `/api/v1/users/${user.id}`, { token: admin, body: { enabled: false } });
    await auth.request('PATCH', `/api/v1/users/${user.id}`, { token: admin, body: { enabled: true } });
    await recoverAccount({ db: auth.backend.db, config: auth.config, operator: 'ops-person' }, user.email);
    auth.service.relay.notify();

    await eventually(async () => (AUTH_AUDIT_KEYS.every((key) => ofType(key).length > 0) ? true : undefined));
    for (const event of received) {
      expect(event).toMatchObject({ specversion: '1.0', source: 'auth.service', datacontenttype: 'application/json' });
      expect(AUTH_AUDIT_KEYS).toContain(event.type);
      expect(event.subject).toEqual(expect.any(String));
      authAuditDataSchema.parse(event.data);
    }

    const changed = ofType('auth.password.changed').find((event) => event.subject === user.id);
    expect(changed?.data).toEqual({
      actorId: user.id,
      actorType: 'user',
      action: 'password.changed',
      entityType: 'user',
      entityId: user.id,
      outcome: 'success',
      ip: '10.9.8.7',
      userAgent: 'events-test/1.0',
      tags: {},
    });
    expect(ofType('auth.login.failed')[0]?.data).toMatchObject({
      outcome: 'failure',
      tags: { email: ADMIN_EMAIL, reason: 'invalid_credentials' },
    });
    expect(ofType('auth.telegram.linked')[0]?.data).toMatchObject({
      actorId: 'svc:telegram-bot',
      actorType: 'service',
    });
    expect(ofType('auth.bootstrap.admin_created')[0]?.data).toMatchObject({ actorType: 'system', actorId: null });
    expect(ofType('auth.user.recovered')[0]).toMatchObject({
      subject: user.id,
      data: {
        actorType: 'system',
        actorId: null,
        entityId: user.id,
        tags: { email: user.email, via: 'auth-admin', operator: 'ops-person', delivery: 'printed' },
      },
    });
  });

  it('marks every outbox row published', async () => {
    await eventually(async () => {
      const [row] = await auth.backend.db.query<{ n: number }>(
        'select count(*)::int as n from auth.outbox where published_at is null',
      );
      return row?.n === 0 ? true : undefined;
    });
  });

  it('writes nothing for a request that failed validation', async () => {
    const [before] = await auth.backend.db.query<{ n: number }>('select count(*)::int as n from auth.outbox');
    const admin = await auth.adminToken();
    const response = await auth.request('POST', '/api/v1/users', {
      token: admin,
      body: { email: uniqueEmail(), fullName: '', roles: [] },
    });
    expect(response.status).toBe(400);
    const [after] = await auth.backend.db.query<{ n: number }>('select count(*)::int as n from auth.outbox');
    expect(after?.n).toBe(before?.n);
  });
});
