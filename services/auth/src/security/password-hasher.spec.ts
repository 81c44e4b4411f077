import { describe, expect, it } from 'vitest';
import { PasswordHasher } from './password-hasher.js';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher({ memoryKib: 1024, iterations: 1 });

  it('hashes with argon2id and verifies', async () => {
    const hash = await hasher.hash('Correct-horse-1');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await hasher.verify(hash, 'Correct-horse-1')).toBe(true);
    expect(await hasher.verify(hash, 'Correct-horse-2')).toBe(false);
  });

  it('answers false for accounts without a password and for garbage hashes', async () => {
    expect(await hasher.verify(null, 'anything')).toBe(false);
    expect(await hasher.verify('not-a-hash', 'anything')).toBe(false);
  });
});
