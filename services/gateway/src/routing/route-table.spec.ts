import { describe, expect, it } from 'vitest';
import { hasDotSegments, resolveRoute } from './route-table.js';

describe('resolveRoute', () => {
  it('finds the owner of each public prefix', () => {
    const owners = Object.fromEntries(
      [
        'auth/me',
        'users/1',
        'roles',
        'crm/deals',
        'tasks/1',
        'documents/1',
        'folders',
        'notifications',
        'templates/x',
        'reports/a',
        'audit/e',
        'backup/j',
      ].map((path) => [path, resolveRoute('GET', `/api/v1/${path}`)?.upstream]),
    );
    expect(owners).toEqual({
      'auth/me': 'auth',
      'users/1': 'auth',
      roles: 'auth',
      'crm/deals': 'crm',
      'tasks/1': 'tasks',
      'documents/1': 'documents',
      folders: 'documents',
      notifications: 'notifications',
      'templates/x': 'notifications',
      'reports/a': 'reports',
      'audit/e': 'audit',
      'backup/j': 'backup',
    });
  });

  it('has no owner for internal, unknown or look-alike prefixes', () => {
    for (const path of [
      '/api/v1/internal/v1/x',
      '/internal/v1/x',
      '/api/v1/crmx/deals',
      '/api/v1//crm',
      '/api/v2/crm',
      '/api/v1/telegram/webhook',
    ]) {
      expect(resolveRoute('GET', path), path).toBeUndefined();
    }
  });

  it('marks the public Auth routes and what the Gateway does around them', () => {
    expect(resolveRoute('POST', '/api/v1/auth/token')).toEqual({
      upstream: 'auth',
      access: 'public',
      upload: false,
      login: true,
      session: 'issue',
    });
    expect(resolveRoute('POST', '/api/v1/auth/activate')).toMatchObject({
      access: 'public',
      login: false,
      session: 'issue',
    });
    expect(resolveRoute('POST', '/api/v1/auth/refresh')).toMatchObject({ access: 'public', session: 'refresh' });
    expect(resolveRoute('POST', '/api/v1/auth/register')?.access).toBe('public');
    expect(resolveRoute('GET', '/api/v1/auth/jwks')?.access).toBe('public');
    expect(resolveRoute('POST', '/api/v1/auth/logout')).toMatchObject({ access: 'user', session: 'logout' });
    expect(resolveRoute('GET', '/api/v1/auth/token')?.access).toBe('user');
    expect(resolveRoute('GET', '/api/v1/auth/me')?.access).toBe('user');
  });

  it('pre-checks admins for audit and backup, and finds document uploads', () => {
    expect(resolveRoute('GET', '/api/v1/audit/events')?.access).toBe('admin');
    expect(resolveRoute('POST', '/api/v1/backup/jobs')?.access).toBe('admin');
    expect(resolveRoute('PUT', '/api/v1/documents/abc/content')?.upload).toBe(true);
    expect(resolveRoute('PATCH', '/api/v1/documents/abc')?.upload).toBe(false);
    expect(resolveRoute('PUT', '/api/v1/documents/abc/content/x')?.upload).toBe(false);
    expect(resolveRoute('POST', '/api/v1/crm/payments/import')?.upload).toBe(true);
    expect(resolveRoute('GET', '/api/v1/crm/payments/import')?.upload).toBe(false);
  });

  it('lets links that carry their own token through without a session, and only those', () => {
    expect(resolveRoute('GET', '/api/v1/documents/abc/content', true)?.access).toBe('public');
    expect(resolveRoute('PUT', '/api/v1/documents/abc/content', true)).toMatchObject({
      access: 'public',
      upload: true,
    });
    expect(resolveRoute('GET', '/api/v1/tasks/calendar.ics', true)?.access).toBe('public');
    expect(resolveRoute('GET', '/api/v1/documents/abc/content')?.access).toBe('user');
    expect(resolveRoute('GET', '/api/v1/tasks/calendar.ics')?.access).toBe('user');
    expect(resolveRoute('DELETE', '/api/v1/documents/abc/content', true)?.access).toBe('user');
    expect(resolveRoute('GET', '/api/v1/documents/abc', true)?.access).toBe('user');
    expect(resolveRoute('GET', '/api/v1/tasks/calendar.ics/x', true)?.access).toBe('user');
  });
});

describe('hasDotSegments', () => {
  it('catches plain and encoded climbs, and malformed escapes', () => {
    expect(hasDotSegments('/api/v1/crm/../internal/v1')).toBe(true);
    expect(hasDotSegments('/api/v1/crm/%2e%2e/internal')).toBe(true);
    expect(hasDotSegments('/api/v1/crm/%2E%2E%2Finternal')).toBe(true);
    expect(hasDotSegments('/api/v1/crm/./deals')).toBe(true);
    expect(hasDotSegments('/api/v1/crm/%E0%A4%A')).toBe(true);
    expect(hasDotSegments('/api/v1/crm/deals/a..b')).toBe(false);
    expect(hasDotSegments('/api/v1/documents/[...slug]')).toBe(false);
  });
});
