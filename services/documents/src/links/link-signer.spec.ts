import { describe, expect, it } from 'vitest';
import { LinkSigner } from './link-signer.js';

const keys = new Map([
  ['k2', 'secret-number-two-0123'],
  ['k1', 'secret-number-one-0123'],
]);
const claims = { method: 'PUT' as const, documentId: 'doc', maxBytes: 100, userId: 'u' };
const query = (text: string) => Object.fromEntries(new URLSearchParams(text));

describe('LinkSigner', () => {
  it('verifies its own links, including those of an older key still configured', () => {
    const now = new Date('2025-01-01T00:00:00Z');
    const signer = new LinkSigner(keys, 'k2', () => now);
    const { query: signed } = signer.sign(claims, 60);
    expect(signer.verify('PUT', 'doc', query(signed))).toMatchObject({ ...claims, expires: now.getTime() / 1000 + 60 });
    const older = new LinkSigner(keys, 'k1', () => now).sign(claims, 60).query;
    expect(signer.verify('PUT', 'doc', query(older)).userId).toBe('u');
  });

  it('refuses another method, document, user, cap, kid or an expired link', () => {
    let now = new Date('2025-01-01T00:00:00Z');
    const signer = new LinkSigner(keys, 'k2', () => now);
    const signed = query(signer.sign(claims, 60).query);
    expect(() => signer.verify('GET', 'doc', signed)).toThrow(/not valid/);
    expect(() => signer.verify('PUT', 'other', signed)).toThrow(/not valid/);
    expect(() => signer.verify('PUT', 'doc', { ...signed, uid: 'v' })).toThrow(/not valid/);
    expect(() => signer.verify('PUT', 'doc', { ...signed, max: '1000' })).toThrow(/not valid/);
    expect(() => signer.verify('PUT', 'doc', { ...signed, kid: 'k1' })).toThrow(/not valid/);
    expect(() => signer.verify('PUT', 'doc', { ...signed, token: undefined })).toThrow(/not valid/);
    now = new Date('2025-01-01T00:01:00Z');
    expect(() => signer.verify('PUT', 'doc', signed)).toThrow(/expired/);
  });

  it('issues a different link each time (single-use nonces)', () => {
    const signer = new LinkSigner(keys, 'k2');
    expect(signer.sign(claims, 60).query).not.toBe(signer.sign(claims, 60).query);
  });
});
