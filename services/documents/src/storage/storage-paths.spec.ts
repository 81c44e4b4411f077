import { describe, expect, it } from 'vitest';
import {
  assertClientPath,
  documentFileName,
  renderFolderName,
  resolveInside,
  sanitizeName,
  withCollisionSuffix,
} from './storage-paths.js';

describe('storage paths', () => {
  it('sanitises names as platform.md §3.1 says', () => {
    expect(sanitizeName('a\\b/c:d*e?f"g<h>i|j')).toBe('a-b-c-d-e-f-g-h-i-j');
    expect(sanitizeName('  много   пробелов \t ')).toBe('много пробелов');
    expect(sanitizeName('...')).toBe('untitled');
    expect(sanitizeName('..')).toBe('untitled');
    expect(sanitizeName('')).toBe('untitled');
    expect(sanitizeName('a\u0000b')).toBe('a b');
    expect(Buffer.byteLength(sanitizeName('я'.repeat(300)))).toBeLessThanOrEqual(200);
  });

  it('renders templates and file names', () => {
    expect(renderFolderName('Client {ownerId}', { title: 'x', ownerId: 'abc', ownerType: 'client' })).toBe(
      'Client abc',
    );
    expect(renderFolderName('{title}', { title: '../../etc', ownerId: 'abc', ownerType: 'client' })).toBe('..-..-etc');
    expect(documentFileName('policy', '2025-03-01', 'ОСАГО: 123', 'pdf')).toBe('Policy_20250301_ОСАГО-_123.pdf');
    expect(withCollisionSuffix('a.pdf', 2)).toBe('a-2.pdf');
    expect(withCollisionSuffix('a', 3)).toBe('a-3');
  });

  it('refuses traversal in client paths and outside the root', () => {
    for (const bad of [
      '..',
      '../x',
      'a/../../b',
      '/etc',
      'C:/x',
      'a\\b',
      'a\u0000',
      '%2e%2e/x',
      '%252e%252e',
      'a//b',
      './a',
    ]) {
      expect(() => assertClientPath(bad, 'parentPath'), bad).toThrow();
    }
    expect(assertClientPath('Client 1/Deal 2/', 'parentPath')).toBe('Client 1/Deal 2');
    expect(() => resolveInside('/srv/root', '../x')).toThrow();
    expect(() => resolveInside('/srv/root', '/etc/passwd')).toThrow();
    expect(resolveInside('/srv/root', 'a/b')).toBe('/srv/root/a/b');
  });
});
