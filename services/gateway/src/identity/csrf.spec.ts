import { describe, expect, it } from 'vitest';
import { issueCsrfToken, verifyCsrfToken } from './csrf.js';

describe('CSRF double-submit token', () => {
  const secret = 'unit-test-secret';

  it('accepts its own token echoed back', () => {
    const token = issueCsrfToken(secret);
    expect(verifyCsrfToken(secret, token, token)).toBe(true);
    expect(issueCsrfToken(secret)).not.toBe(token);
  });

  it('refuses a missing or different echo, another secret, or a forged signature', () => {
    const token = issueCsrfToken(secret);
    const [nonce] = token.split('.');
    expect(verifyCsrfToken(secret, token, undefined)).toBe(false);
    expect(verifyCsrfToken(secret, undefined, token)).toBe(false);
    expect(verifyCsrfToken(secret, token, `${token}x`)).toBe(false);
    expect(verifyCsrfToken('other-secret', token, token)).toBe(false);
    expect(verifyCsrfToken(secret, `${nonce}.AAAA`, `${nonce}.AAAA`)).toBe(false);
    expect(verifyCsrfToken(secret, 'no-dot', 'no-dot')).toBe(false);
  });
});
