import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';
import { expectedVersion } from './etag.js';

describe('common helpers', () => {
  it('reads a version from the body first, else from If-Match', () => {
    expect(expectedVersion(3, '"7"')).toBe(3);
    expect(expectedVersion(undefined, '"7"')).toBe(7);
    expect(expectedVersion(undefined, 'W/"7"')).toBe(7);
    expect(expectedVersion(undefined, '7')).toBe(7);
    expect(expectedVersion(undefined, undefined)).toBeUndefined();
    expect(expectedVersion(undefined, '*')).toBeUndefined();
    expect(() => expectedVersion(undefined, 'latest')).toThrow();
    expect(() => expectedVersion(undefined, '"0"')).toThrow();
  });

  it('round-trips cursors and refuses foreign ones', () => {
    const cursor = encodeCursor(['2025-01-01', 'abc']);
    expect(decodeCursor(cursor, [/^\d{4}-\d{2}-\d{2}$/, /^[a-z]+$/])).toEqual(['2025-01-01', 'abc']);
    expect(() => decodeCursor(cursor, [/^\d+$/, /^[a-z]+$/])).toThrow();
    expect(() => decodeCursor('%%%', [/x/])).toThrow();
  });
});
