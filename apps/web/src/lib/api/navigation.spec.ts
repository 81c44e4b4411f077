import { describe, expect, it } from 'vitest';
import { loginUrl, safeNextPath } from './navigation';

describe('safeNextPath', () => {
  it('keeps paths of this site', () => {
    expect(safeNextPath('/admin/users?status=invited')).toBe('/admin/users?status=invited');
  });

  it('refuses other sites and protocol-relative tricks', () => {
    for (const value of ['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '']) {
      expect(safeNextPath(value)).toBe('/');
    }
  });

  it('does not send a signed-in user back to the sign-in pages', () => {
    expect(safeNextPath('/login?next=/x')).toBe('/');
    expect(safeNextPath('/activate?token=t')).toBe('/');
  });
});

describe('loginUrl', () => {
  it('carries where to return and why the session ended', () => {
    expect(loginUrl('/admin/users', 'expired')).toBe('/login?next=%2Fadmin%2Fusers&reason=expired');
    expect(loginUrl('/', 'disabled')).toBe('/login?reason=disabled');
    expect(loginUrl('/')).toBe('/login');
  });
});
