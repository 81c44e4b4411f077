import { describe, expect, it } from 'vitest';
import { addDays, systemClock } from './clock.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { expectedVersion } from './etag.js';
import { normalizeQuery } from './query.js';

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

  it('merges k[] into k', () => {
    expect(normalizeQuery({ 'stage[]': ['a', 'b'], stage: 'c', limit: '5' })).toEqual({
      stage: ['a', 'b', 'c'],
      limit: '5',
    });
    expect(normalizeQuery(undefined)).toEqual({});
  });

  it('counts days across months and knows the agency date', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    const lateUtc = systemClock('Europe/Moscow', () => new Date('2025-03-01T22:30:00Z'));
    expect(lateUtc.today()).toBe('2025-03-02');
  });
});
